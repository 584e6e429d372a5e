"""Reads of the sync engine: the runs of an event and the progress the tile shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from events.models import Event, SyncState
from sync.models import EventSync, RunState, SyncRun, SyncTrigger

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
