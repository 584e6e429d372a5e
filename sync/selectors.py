"""Reads of the sync engine: the runs of an event and the progress the tile shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from connector.models import ConnectionHealth, SalesforceConnection
from events.models import Event, Participant, SyncState
from sync.models import EventSync, RunState, SyncAttempt, SyncRun, SyncTrigger

HISTORY_SIZE = 10


@dataclass(frozen=True)
class Progress:
    run: SyncRun
    processed: int
    total: int
    percent: int
    eta_seconds: int | None


def run_active_force(*, event: Event) -> SyncRun | None:
    return SyncRun.objects.filter(event=event, trigger=SyncTrigger.FORCE, state=RunState.RUNNING).first()


def runs_history(*, event: Event, limit: int = HISTORY_SIZE) -> list[SyncRun]:
    return list(SyncRun.objects.filter(event=event)[:limit])


def run_progress(*, run: SyncRun) -> Progress:
    """Done = participants no longer pending (synced or failed) out of those the run had to send."""
    total = run.total
    if run.state == RunState.FINISHED:
        return Progress(run, total, total, 100, 0)
    pending = run.event.participants.filter(salesforce_sync_state=SyncState.PENDING).count()
    processed = max(0, min(total, total - pending))
    percent = int(processed * 100 / total) if total else 0
    elapsed = (timezone.now() - run.started_at).total_seconds()
    eta = int(elapsed / processed * (total - processed)) if processed else None
    return Progress(run, processed, total, percent, eta)


def event_pause(*, event: Event) -> EventSync | None:
    state = EventSync.objects.filter(event=event).first()
    if state and state.paused_until and state.paused_until > timezone.now():
        return state
    return None


def event_halt(*, event: Event) -> EventSync | None:
    """The event's halt (Salesforce refused a whole batch for good), unless lifted since: a new login or a
    new CHECK SETUP after it (a force synchronization clears it)."""
    state = EventSync.objects.filter(event=event, halted_at__isnull=False).first()
    if state is None:
        return None
    halted_at = state.halted_at
    lifted = Event.objects.filter(pk=event.pk).filter(
        Q(salesforce_setup__last_checked_at__gt=halted_at)
        | Q(salesforce_setup__connection__connected_at__gt=halted_at)
    )
    return None if lifted.exists() else state


def events_to_sweep() -> list[int]:
    """Events with pending participants the sync may send now: tile active, connected, setup checked, and
    neither paused (API limit), backing off (failures) nor halted (unless lifted by a new login or check)."""
    now = timezone.now()
    not_paused = Q(sync_state__paused_until__isnull=True) | Q(sync_state__paused_until__lte=now)
    not_backing_off = Q(sync_state__next_attempt_at__isnull=True) | Q(sync_state__next_attempt_at__lte=now)
    halted_at = F("sync_state__halted_at")
    not_halted = (
        Q(sync_state__halted_at__isnull=True)
        | Q(salesforce_setup__last_checked_at__gt=halted_at)
        | Q(salesforce_setup__connection__connected_at__gt=halted_at)
    )
    return list(
        Event.objects.filter(
            participants__salesforce_sync_state=SyncState.PENDING,
            salesforce_setup__is_active=True,
            salesforce_setup__connection__health=ConnectionHealth.CONNECTED,
            salesforce_setup__last_check_ok=True,
        )
        .filter(Q(sync_state__isnull=True) | (not_paused & not_backing_off & not_halted))
        .values_list("pk", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class SyncPanel:
    """What sync/_progress.html shows: the active force run's progress, a pause or halt, the history."""

    progress: Progress | None
    pause: EventSync | None
    halt: EventSync | None
    runs: list[SyncRun]


def sync_panel(*, event: Event) -> SyncPanel:
    active = run_active_force(event=event)
    return SyncPanel(
        progress=run_progress(run=active) if active else None,
        pause=event_pause(event=event),
        halt=event_halt(event=event),
        runs=runs_history(event=event),
    )


HISTORY_ATTEMPTS = 10


@dataclass(frozen=True)
class AttemptLine:
    attempt: SyncAttempt
    record_url: str  # the record in the org ("" without a connection or a record)


def participant_history(*, participant: Participant, limit: int = HISTORY_ATTEMPTS) -> list[AttemptLine]:
    """The participant's last sync attempts, newest first, each with a link to its record in the org."""
    connection = SalesforceConnection.objects.filter(setups__event_id=participant.event_id).first()
    base = connection.instance_url.rstrip("/") if connection and connection.instance_url else ""
    attempts = SyncAttempt.objects.filter(participant=participant)[:limit]
    return [AttemptLine(a, f"{base}/{a.record_id}" if base and a.record_id else "") for a in attempts]
