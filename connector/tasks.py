"""Celery tasks of the connector: thin, they load by id and call one service. Ids only in arguments."""

from celery import shared_task

from connector.setup_recheck import setup_recheck_due


@shared_task(ignore_result=True)
def recheck_setup(event_id: int, version: str) -> None:
    """CHECK SETUP in the background after a setting changed (skipped when it was checked or changed
    again meanwhile). `version` is the setup's updated_at when the check was queued."""
    setup_recheck_due(event_id=event_id, version=version)
