"""Exports too large for one web request (over EXPORT_BACKGROUND_ROWS rows) are written by a worker.

The request only counts the rows and queues the job (no web request waits for a file); the page polls its
progress and offers the download once it is ready. A file is kept EXPORT_KEEP_HOURS for the person who
asked for it, then deleted with its job by the next export. A worker that dies mid-way gets the job again
(late acknowledgement) and writes the file anew; a file appears under its final name only when complete."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.http import Http404
from django.utils import timezone

from events.exporting import csv_write, export_header, export_rows, rows_reporting, xlsx_write
from events.models import Event, ExportJob, ExportState
from events.selectors import ParticipantFilters, event_fields, participants_filtered

logger = logging.getLogger(__name__)


def export_dir() -> Path:
    folder = Path(settings.EXPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def export_job_path(job: ExportJob) -> Path:
    return export_dir() / f"{job.pk}.{job.fmt}"


def _filters_to_json(filters: ParticipantFilters) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in dataclasses.asdict(filters).items()}


def _filters_from_json(data: dict) -> ParticipantFilters:
    dates = {k: dt.date.fromisoformat(data[k]) for k in ("from_date", "to_date") if data.get(k)}
    return ParticipantFilters(**{**data, **dates})


def export_job_create(
    *, event: Event, user: User, fmt: str, filters: ParticipantFilters, total: int, file_name: str
) -> ExportJob:
    """The job, queued (events.export_queue sends it to a worker); old jobs and their files go first."""
    export_jobs_purge()
    return ExportJob.objects.create(
        event=event, requested_by=user, fmt=fmt, filters=_filters_to_json(filters), total=total,
        file_name=f"{file_name}.{fmt}",
    )


def export_job_build(*, job_id: int) -> None:
    """Write the job's file (from scratch, also when a dead worker's attempt left a part of it)."""
    job = ExportJob.objects.select_related("event").filter(pk=job_id).first()
    if job is None or job.state == ExportState.READY:
        return
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.RUNNING, written=0)
    final = export_job_path(job)
    partial = final.with_suffix(f".{job.fmt}.part")
    try:
        specs = event_fields(event=job.event)
        queryset = participants_filtered(event=job.event, filters=_filters_from_json(job.filters))
        rows = rows_reporting(
            export_rows(specs, queryset, typed=job.fmt == "xlsx"),
            lambda count: ExportJob.objects.filter(pk=job.pk).update(written=count),
        )
        if job.fmt == "xlsx":
            xlsx_write(partial, export_header(specs), rows)
        else:
            with partial.open("w", encoding="utf-8", newline="") as file:
                csv_write(file, export_header(specs), rows)
        partial.replace(final)
    except Exception as exc:
        logger.exception("Export %s failed", job.pk)
        partial.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportState.FAILED, error=f"The export could not be written ({type(exc).__name__}).",
            finished_at=timezone.now(),
        )
        return
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.READY, written=job.total, finished_at=timezone.now()
    )


def export_job_get(*, event: Event, user: User, pk: int) -> ExportJob:
    """The job, for the person who asked for it only, while it is kept; else 404."""
    kept_since = timezone.now() - dt.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    job = ExportJob.objects.filter(event=event, requested_by=user, pk=pk, created_at__gte=kept_since).first()
    if job is None:
        raise Http404("No such export, or it is no longer kept.")
    return job


def export_jobs_purge() -> int:
    """Delete the jobs older than EXPORT_KEEP_HOURS and their files; returns how many."""
    expired = timezone.now() - dt.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    old = ExportJob.objects.filter(created_at__lt=expired)
    count = 0
    for job in old:
        export_job_path(job).unlink(missing_ok=True)
        job.delete()
        count += 1
    return count
