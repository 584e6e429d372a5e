"""Celery tasks of the events app: thin, they load by id and call one service. Ids only in arguments."""

from celery import shared_task

from events.export_jobs import export_job_build


# Acknowledged after running: a worker that dies mid-way leaves the message to another, which writes the
# file anew (export_job_build starts from scratch).
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def build_export(job_id: int) -> None:
    export_job_build(job_id=job_id)
