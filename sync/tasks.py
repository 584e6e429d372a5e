"""Celery tasks of the sync engine: thin, they load by id and call one service. Ids only in arguments."""

import logging

from celery import shared_task

from connector.salesforce.errors import SessionExpired, TransientError

logger = logging.getLogger(__name__)


# Idempotent (look-ups before creates, conditional bookkeeping): acknowledged after running, redelivered
# when the worker dies. Transient failures retry with exponential backoff and jitter, 5 times within about
# 10 minutes (countdowns stay far below the broker's one-hour visibility timeout); after that the rows
# simply stay pending for the sweep.
@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(TransientError, SessionExpired),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
)
def flush_event(self, event_id: int) -> None:
    """Send one batch of the event's pending participants to Salesforce (and re-enqueue while more wait)."""
    from sync.services import event_flush

    event_flush(event_id=event_id, task_id=self.request.id)


@shared_task(ignore_result=True)
def sweep() -> None:
    """Re-enqueue events whose pending participants nobody picked up (a lost message, a pause that ended,
    a connection logged in again)."""
    from sync.batches import events_with_pending_ids
    from sync.services import flush_enqueue

    for event_id in events_with_pending_ids():
        flush_enqueue(event_id=event_id)
