"""Celery tasks of the sync engine: thin, they load by id and call one service. Ids only in arguments.

The top of the sync engine: it imports the flush and the services, nothing imports it (the flush is queued
by name, `sync.scheduling`)."""

from celery import shared_task

from sync.flush import flush_batches
from sync.scheduling import FLUSH_TASK
from sync.services import events_sweep


# Idempotent (look-ups before creates, conditional bookkeeping): acknowledged after running, redelivered
# when the worker dies. No Celery retries: a failed batch schedules its own next attempt through the
# event's backoff (sync.services.event_backoff), which the sweep respects too.
@shared_task(name=FLUSH_TASK, bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def flush_event(self, event_id: int) -> None:
    """Send the event's pending participants to Salesforce, batch after batch (re-enqueued after a while)."""
    flush_batches(event_id=event_id, task_id=self.request.id)


@shared_task(ignore_result=True)
def sweep() -> None:
    """Re-enqueue events whose pending participants nobody picked up."""
    events_sweep()
