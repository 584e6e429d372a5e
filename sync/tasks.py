"""Celery tasks of the sync engine: thin, they load by id and call one service. Ids only in arguments."""

from celery import shared_task


# Idempotent (look-ups before creates, conditional bookkeeping): acknowledged after running, redelivered
# when the worker dies. No Celery retries: a failed batch schedules its own next attempt through the
# event's backoff (sync.services.event_backoff), which the sweep respects too.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def flush_event(self, event_id: int) -> None:
    """Send one batch of the event's pending participants to Salesforce (and re-enqueue while more wait)."""
    from sync.services import event_flush

    event_flush(event_id=event_id, task_id=self.request.id)


@shared_task(ignore_result=True)
def sweep() -> None:
    """Re-enqueue events whose pending participants nobody picked up."""
    from sync.services import events_sweep

    events_sweep()
