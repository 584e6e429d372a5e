from celery import shared_task


@shared_task(ignore_result=True)
def flush_event(event_id: int) -> None:
    """Send the event's pending participants to Salesforce (the sync engine fills this in)."""
