"""Writes of the sync engine: hearing about changes, force synchronization, and flushing one batch."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.models import Event
from sync.models import EventSync, RunState, SyncRun, SyncTrigger

logger = logging.getLogger(__name__)

# A burst of changes (an import, a check-in desk) enqueues one flush, not one per participant. The flag
# expires on its own, so a lost message only delays the flush until the sweep or the next change.
QUEUED_FLAG_SECONDS = 30
# Broker messages wait at most this long (well under the Redis visibility timeout of an hour).
MAX_COUNTDOWN_SECONDS = 1800


def _queued_key(event_id: int) -> str:
    return f"sync:queued:{event_id}"


def flush_enqueue(*, event_id: int, countdown: float | None = None, coalesce: bool = True) -> None:
    from sync.locks import redis_client
    from sync.tasks import flush_event

    try:
        if coalesce and not redis_client().set(_queued_key(event_id), "1", nx=True, ex=QUEUED_FLAG_SECONDS):
            return  # a flush is already queued and has not started yet: it will see this change too
        flush_event.apply_async((event_id,), countdown=min(countdown or 0, MAX_COUNTDOWN_SECONDS) or None)
    except Exception:  # the broker is down: the sweep picks the pending rows up later, nothing is lost
        logger.exception("Could not enqueue the flush of event %s; the sweep will", event_id)


def event_participants_changed(*, event_id: int) -> None:
    """Called after commit whenever participants of an event changed: enqueue a flush of that event."""
    flush_enqueue(event_id=event_id)


def flush_started(*, event_id: int) -> None:
    from sync.locks import redis_client

    redis_client().delete(_queued_key(event_id))


@dataclass(frozen=True)
class ForceResult:
    run: SyncRun
    started: bool


def force_sync_start(*, event: Event) -> ForceResult:
    """FORCE SYNCHRONIZATION: every participant pending again, and a force run to follow. A second call
    while a force run is active starts nothing (the database refuses a second running force run)."""
    from events.services import participants_mark_pending

    active = SyncRun.objects.filter(event=event, trigger=SyncTrigger.FORCE, state=RunState.RUNNING).first()
    if active:
        return ForceResult(active, started=False)
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                event=event, trigger=SyncTrigger.FORCE, total=event.participants.count()
            )
            participants_mark_pending(event=event)
    except IntegrityError:
        active = SyncRun.objects.get(event=event, trigger=SyncTrigger.FORCE, state=RunState.RUNNING)
        return ForceResult(active, started=False)
    return ForceResult(run, started=True)


def run_for_flush(*, event: Event, pending: int) -> SyncRun:
    """The run a flush counts into: the active force run, else the current live run (a burst of changes)."""
    force = SyncRun.objects.filter(event=event, trigger=SyncTrigger.FORCE, state=RunState.RUNNING).first()
    if force:
        return force
    live = SyncRun.objects.filter(event=event, trigger=SyncTrigger.LIVE, state=RunState.RUNNING).first()
    if live:
        return live
    try:
        with transaction.atomic():
            return SyncRun.objects.create(event=event, trigger=SyncTrigger.LIVE, total=pending)
    except IntegrityError:
        return SyncRun.objects.get(event=event, trigger=SyncTrigger.LIVE, state=RunState.RUNNING)


def runs_finish(*, event: Event) -> None:
    """Nothing pending any more: the running runs are over."""
    SyncRun.objects.filter(event=event, state=RunState.RUNNING).update(
        state=RunState.FINISHED, finished_at=timezone.now(), note=""
    )


def runs_note(*, event: Event, note: str) -> None:
    SyncRun.objects.filter(event=event, state=RunState.RUNNING).update(note=note[:300])


def event_pause(*, event: Event, reason: str) -> timedelta:
    """Stop calling Salesforce for this event until later; the rest stays pending and resumes by itself."""
    delay = timedelta(seconds=settings.SYNC_PAUSE_SECONDS)
    EventSync.objects.update_or_create(
        event=event, defaults={"paused_until": timezone.now() + delay, "pause_reason": reason[:300]}
    )
    runs_note(event=event, note=f"Paused until {(timezone.now() + delay):%H:%M:%S} UTC: {reason}")
    return delay


def event_flush(*, event_id: int, task_id: str) -> None:
    """Send one batch of the event's pending participants; re-enqueue while some remain."""
    from sync.flush import flush_one_batch

    flush_one_batch(event_id=event_id, task_id=task_id)
