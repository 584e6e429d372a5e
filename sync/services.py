"""Writes of the sync engine: force synchronization, the sweep, the runs and the event's pause, backoff and
halt. The flush (sync.flush) builds on these; queueing it is sync.scheduling's."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from connector.selectors import setup_is_valid
from events.models import Event, SyncState
from events.services import participants_mark_pending
from sync.alerts import organizers_alert
from sync.models import EventSync, RunState, SyncAttempt, SyncRun, SyncTrigger
from sync.scheduling import flush_enqueue
from sync.selectors import events_to_sweep

logger = logging.getLogger(__name__)


def events_sweep() -> int:
    """Re-enqueue the events whose pending participants nobody picked up (a lost message, a pause or a
    backoff that ended, a new login); returns how many were looked at."""
    event_ids = events_to_sweep()
    for event_id in event_ids:
        flush_enqueue(event_id=event_id)
    attempts_prune()
    return len(event_ids)


def attempts_prune() -> int:
    """Forget the participants' sync attempts older than SYNC_HISTORY_DAYS (the index on `at` serves it)."""
    oldest = timezone.now() - timedelta(days=settings.SYNC_HISTORY_DAYS)
    deleted, _ = SyncAttempt.objects.filter(at__lt=oldest).delete()
    return deleted


@dataclass(frozen=True)
class ForceResult:
    run: SyncRun | None
    started: bool
    refused: str = ""  # why nothing could start, for the organizer (the setup is not valid yet)


def force_sync_start(*, event: Event) -> ForceResult:
    """FORCE SYNCHRONIZATION: every participant pending again, and a force run to follow. Only when the
    setup is valid. A second call while a force run is active starts nothing (the database refuses a
    second running force run). It lifts a halt and a backoff: the organizer asked to try now."""
    valid, reason = setup_is_valid(event)
    if not valid:
        return ForceResult(None, started=False, refused=reason)
    active = SyncRun.objects.filter(event=event, trigger=SyncTrigger.FORCE, state=RunState.RUNNING).first()
    if active:
        if _halt_lift(event):  # the run stopped on a refusal: the click tries it again, nothing new
            flush_enqueue(event_id=event.pk, replace=True)
        return ForceResult(active, started=False)
    try:
        with transaction.atomic():
            paused = EventSync.objects.filter(event=event, paused_until__gt=timezone.now()).first()
            run = SyncRun.objects.create(  # a run started during a pause says so from the start
                event=event, trigger=SyncTrigger.FORCE, total=event.participants.count(),
                note=pause_note(paused) if paused else "",
            )
            participants_mark_pending(event=event)
            _halt_lift(event)
            transaction.on_commit(lambda: flush_enqueue(event_id=event.pk, replace=True))
    except IntegrityError:
        active = SyncRun.objects.get(event=event, trigger=SyncTrigger.FORCE, state=RunState.RUNNING)
        return ForceResult(active, started=False)
    return ForceResult(run, started=True)


def _halt_lift(event: Event) -> int:
    stuck = EventSync.objects.filter(event=event).filter(Q(halted_at__isnull=False) | Q(failures__gt=0))
    return stuck.update(failures=0, next_attempt_at=None, halted_at=None, halted_reason="")


def run_for_flush(*, event: Event) -> SyncRun:
    """The run a flush counts into: the active force run, else the current live run (a burst of changes),
    else a new live run of what is pending (counted only then: a count per batch of 200,000 rows adds up)."""
    force = SyncRun.objects.filter(event=event, trigger=SyncTrigger.FORCE, state=RunState.RUNNING).first()
    if force:
        return force
    live = SyncRun.objects.filter(event=event, trigger=SyncTrigger.LIVE, state=RunState.RUNNING).first()
    if live:
        return live
    try:
        with transaction.atomic():
            pending = event.participants.filter(salesforce_sync_state=SyncState.PENDING).count()
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


def pause_note(state: EventSync) -> str:
    """What a run waiting out a pause says about it."""
    return f"Paused until {state.paused_until:%H:%M:%S} UTC: {state.pause_reason}"


def event_pause(*, event: Event, reason: str) -> timedelta:
    """Stop calling Salesforce for this event until later; the rest stays pending and resumes by itself."""
    delay = timedelta(seconds=settings.SYNC_PAUSE_SECONDS)
    reason = reason.rstrip(" .")  # Salesforce's messages end with a full stop; the tile adds its own
    with transaction.atomic():  # the pause and the runs' note that explains it are seen together
        state, _ = EventSync.objects.update_or_create(
            event=event, defaults={"paused_until": timezone.now() + delay, "pause_reason": reason[:300]}
        )
        runs_note(event=event, note=pause_note(state))
    organizers_alert(
        event=event,
        kind="paused",
        subject="Salesforce synchronization paused",
        body=(f"The synchronization with Salesforce is paused ({reason}): the org's daily API allowance is "
              "spent or nearly. It resumes by itself; nothing is lost."),
    )
    return delay


HALT_HELP = "Fix it in Salesforce, then run CHECK SETUP or FORCE SYNCHRONIZATION."


def event_backoff(*, event: Event, reason: str) -> float:
    """A batch failed transiently: no call before BASE × 2^(failures-1) seconds (capped, jittered);
    returns the delay. The sweep and the flush both respect it, however long Salesforce stays down."""
    state, _ = EventSync.objects.get_or_create(event=event)
    failures = state.failures + 1
    ceiling = min(settings.SYNC_RETRY_BASE_SECONDS * 2 ** min(failures - 1, 30),
                  settings.SYNC_RETRY_MAX_SECONDS)
    delay = random.uniform(ceiling / 2, ceiling)
    next_attempt = timezone.now() + timedelta(seconds=delay)
    EventSync.objects.filter(pk=state.pk).update(failures=F("failures") + 1, next_attempt_at=next_attempt)
    runs_note(event=event, note=f"Salesforce failed ({reason}); attempt {failures} failed, next at "
                                f"{next_attempt:%H:%M:%S} UTC.")
    logger.warning("Sync of event %s: batch failed (%s), retry %s in %.1f s", event.pk, reason, failures,
                   delay)
    return delay


def event_backoff_clear(*, event: Event) -> None:
    EventSync.objects.filter(event=event, failures__gt=0).update(failures=0, next_attempt_at=None)


def event_halt(*, event: Event, reason: str, refused: bool = True) -> None:
    """Salesforce refused a whole batch for good (API disabled, insufficient access…), or the setup no
    longer fits the org (`refused=False`): stop calling until the organizer acts, and say why on the tile."""
    reason = f"Salesforce refused the batch ({reason[:200]})" if refused else reason[:290]
    with transaction.atomic():  # the halt and the runs' note that explains it are seen together
        EventSync.objects.update_or_create(
            event=event, defaults={"halted_at": timezone.now(), "halted_reason": reason, "failures": 0,
                                   "next_attempt_at": None}
        )
        runs_note(event=event, note=f"Stopped: {reason}. {HALT_HELP}")
    logger.warning("Sync of event %s stopped: %s", event.pk, reason)
    organizers_alert(
        event=event,
        kind="halted",
        subject="Salesforce synchronization stopped",
        body=f"The synchronization with Salesforce stopped: {reason}.\n\n{HALT_HELP}",
    )

