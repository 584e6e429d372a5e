"""Starting a background export: the job is created, and a worker gets it once the request commits."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from events.export_jobs import export_job_create
from events.models import Event, ExportJob
from events.selectors import ParticipantFilters
from events.tasks import build_export


def export_job_start(
    *, event: Event, user: AbstractBaseUser, fmt: str, filters: ParticipantFilters, total: int, file_name: str
) -> ExportJob:
    job = export_job_create(
        event=event, user=user, fmt=fmt, filters=filters, total=total, file_name=file_name
    )
    transaction.on_commit(lambda: build_export.delay(job.pk))
    return job
