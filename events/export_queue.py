"""Starting a background export: the job is created, and a worker gets it once the request commits."""

from __future__ import annotations

import logging

from django.contrib.auth.models import User
from django.db import transaction

from events.export_jobs import export_job_create
from events.models import Event, ExportJob, ExportState
from events.selectors import ParticipantFilters
from events.tasks import build_export

logger = logging.getLogger(__name__)


def export_job_start(
    *, event: Event, user: User, fmt: str, filters: ParticipantFilters, total: int, file_name: str
) -> ExportJob:
    job = export_job_create(
        event=event, user=user, fmt=fmt, filters=filters, total=total, file_name=file_name
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    """Hand the job to a worker; without a broker the job says so at once instead of waiting forever."""
    try:
        build_export.delay(job_id)
    except Exception:
        logger.warning("Could not queue export %s", job_id, exc_info=True)
        ExportJob.objects.filter(pk=job_id).update(
            state=ExportState.FAILED, error="The export could not be started: try again in a moment."
        )
