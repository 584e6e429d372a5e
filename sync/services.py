"""Writes of the sync engine."""


def event_participants_changed(*, event_id: int) -> None:
    """Called after commit whenever participants of an event changed: enqueue a flush of that event."""
    from sync.tasks import flush_event

    flush_event.delay(event_id)
