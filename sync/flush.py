"""One flush of an event: the checks, the per-org lock, one batch through the executor, the bookkeeping,
and what happens on each kind of failure (the client's error taxonomy decides).

A flush is one link of the event's single chain (sync.locks: the flush key): it ends by handing the claim
to its successor (the next batch, or the same one after a pause, a busy lock or a backoff) or by releasing
it (nothing pending, or waiting for the organizer)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from connector.connection_client import client_for_connection
from connector.salesforce.errors import (
    ApiLimitExceeded,
    AuthorizationRevoked,
    SalesforceError,
    SessionExpired,
    TransientError,
)
from connector.selectors import connection_for_event, setup_for_event, setup_is_valid
from events.models import Event
from sync import batches, selectors, services
from sync.executor import BatchExecutor, BatchStats, StatusGone
from sync.locks import (
    LockLost,
    OrgLockKeeper,
    flush_claim_keeper,
    flush_owns,
    flush_release,
    lock_ttl_ms,
    org_lock_acquire,
    org_lock_release,
)
from sync.models import EventSync, SyncRun
from sync.scheduling import flush_enqueue

logger = logging.getLogger(__name__)

LOCK_BUSY_RETRY_SECONDS = 2


class ApiUsageHigh(ApiLimitExceeded):
    """Our own stop: the org's usage passed SALESFORCE_API_USAGE_PAUSE_SHARE of its daily allowance."""


@dataclass(frozen=True)
class Next:
    countdown: float | None = None  # the chain goes on after this many seconds; None: it ends
    recheck: bool = False  # on ending: start again if a change arrived while the claim was held


def flush_guard(*, client, keeper: OrgLockKeeper) -> Callable[[], None]:
    """Run before every Salesforce call: the org lock must still be ours (LockLost otherwise), and the
    org's API usage below the pause share."""

    def guard() -> None:
        keeper.check()
        usage = client.api_usage
        if usage and usage[1] and usage[0] / usage[1] >= settings.SALESFORCE_API_USAGE_PAUSE_SHARE:
            used, allowed = usage
            message = f"the org has used {used:,} of its {allowed:,} daily API calls"
            raise ApiUsageHigh("API_USAGE_HIGH", message)

    return guard


def _wait_seconds(event: Event) -> float:
    """How long the event must not call Salesforce: a pause for the API limit or a backoff."""
    state = EventSync.objects.filter(event=event).first()
    now = timezone.now()
    moments = [m for m in (state.paused_until, state.next_attempt_at) if m and m > now] if state else []
    return max((m - now).total_seconds() for m in moments) if moments else 0.0


def flush_batches(*, event_id: int, task_id: str) -> None:
    """Batch after batch while the event has pending participants and nothing stops it, for up to
    SYNC_FLUSH_SECONDS; then the chain goes on in a new task (another event's flush gets the worker). Each
    batch passes every check again (pause, halt, setup, the org lock) as a new task would: the loop only
    saves the hop through the broker, a tenth of a second per batch of 1,000."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        logger.info("Flush of event %s skipped: the event no longer exists", event_id)
        return
    # A lease, renewed while the flush runs: a worker that dies frees the event within one lease.
    if not flush_owns(event_id=event_id, task_id=task_id, seconds=lock_ttl_ms() / 1000):
        logger.info("Flush %s of event %s stops: another flush of the event is queued or running", task_id,
                    event_id)
        return
    deadline = time.monotonic() + settings.SYNC_FLUSH_SECONDS
    try:
        with flush_claim_keeper(event_id=event_id, task_id=task_id):
            step = _flush(event=event, task_id=task_id)
            while step.countdown == 0 and time.monotonic() < deadline:
                step = _flush(event=event, task_id=task_id)
    except BaseException:
        flush_release(event_id=event_id, task_id=task_id)  # the sweep starts the chain again
        raise
    if step.countdown is not None:
        flush_enqueue(event_id=event_id, countdown=step.countdown, chain_of=task_id)
        return
    flush_release(event_id=event_id, task_id=task_id)
    # A change committed while the claim was held enqueued nothing: look once more, now it is released.
    if step.recheck and batches.pending_count(event=event):
        flush_enqueue(event_id=event_id)


def _flush(*, event: Event, task_id: str) -> Next:
    wait = _wait_seconds(event)
    if wait:
        return Next(wait + 1)
    halt = selectors.event_halt(event=event)
    if halt:
        services.runs_note(event=event, note=f"Stopped: {halt.halted_reason}. {services.HALT_HELP}")
        return Next()
    valid, reason = setup_is_valid(event)
    if not valid:
        logger.info("Flush of event %s skipped: %s", event.pk, reason)
        services.runs_note(event=event, note=f"Waiting: {reason}")
        return Next()
    if not batches.pending_count(event=event):
        services.runs_finish(event=event)
        return Next(recheck=True)
    connection = connection_for_event(event)
    if connection is None:  # let go since setup_is_valid saw it: the next flush notes why it waits
        return Next(recheck=True)
    org_key = connection.org_id or f"event-{event.pk}"
    if not org_lock_acquire(org_key=org_key, token=task_id):
        # Another event of this org is writing: come back shortly, don't block a worker.
        return Next(LOCK_BUSY_RETRY_SECONDS)
    try:
        with OrgLockKeeper(org_key=org_key, token=task_id) as keeper:
            return _flush_locked(event=event, connection=connection, setup=setup_for_event(event),
                                 keeper=keeper)
    finally:
        org_lock_release(org_key=org_key, token=task_id)


def _flush_locked(*, event: Event, connection, setup, keeper: OrgLockKeeper) -> Next:
    EventSync.objects.update_or_create(event=event, defaults={"last_flush_at": timezone.now()})
    claimed = batches.batch_claim(event=event)
    if not claimed.participants:
        services.runs_finish(event=event)
        return Next(recheck=True)
    run = services.run_for_flush(event=event, pending=batches.pending_count(event=event))
    client = None
    executor = None
    try:
        client = client_for_connection(connection)
        guard = flush_guard(client=client, keeper=keeper)
        planner_setup = batches.planner_setup(event=event, setup=setup, client=client, guard=guard)
        executor = BatchExecutor(client=client, setup=planner_setup, guard=guard)
        outcomes = executor.run(claimed.participants)
        keeper.check()  # still ours: no other flush took these rows while the last call was in flight
    except LockLost:
        # The lock expired during a call and another flush may hold these rows now: record nothing, they
        # stay pending; that flush (or ours, later) looks them up again before writing.
        logger.warning("Flush of event %s lost the lock of its org: nothing recorded", event.pk)
        return Next(LOCK_BUSY_RETRY_SECONDS)
    except ApiLimitExceeded as exc:
        _keep_partial(executor, claimed)
        delay = services.event_pause(event=event, reason=exc.message or exc.code)
        logger.warning("Sync of event %s paused for %s: %s", event.pk, delay, exc.code)
        return Next(delay.total_seconds() + 1)
    except AuthorizationRevoked as exc:
        _keep_partial(executor, claimed)
        logger.warning("Sync of event %s waits for a new Salesforce login: %s", event.pk, exc.code)
        services.runs_note(event=event, note="Waiting: the Salesforce connection needs a new login.")
        return Next()
    except (TransientError, SessionExpired) as exc:
        _keep_partial(executor, claimed)  # the rows stay pending; the same batch is tried after the backoff
        return Next(services.event_backoff(event=event, reason=exc.code))
    except StatusGone as exc:
        services.event_halt(event=event, reason=exc.message, refused=False)
        batches.rows_hold(event=event, code=exc.code, message=exc.message)
        return Next()
    except SalesforceError as exc:
        _keep_partial(executor, claimed)
        services.event_halt(event=event, reason=f"{exc.code}: {exc.message}" if exc.message else exc.code)
        return Next()
    finally:
        _count(run, executor.stats if executor else BatchStats(), client)
    synced, failed = batches.outcomes_record(outcomes=outcomes, counters=claimed.counters)
    SyncRun.objects.filter(pk=run.pk).update(processed=F("processed") + synced + failed, note="")
    if any(o.retry for o in outcomes):
        return Next(services.event_backoff(event=event, reason="UNABLE_TO_LOCK_ROW on some records"))
    services.event_backoff_clear(event=event)
    if not batches.pending_count(event=event):
        services.runs_finish(event=event)
        return Next(recheck=True)
    return Next(0)  # rows edited while in flight stay pending and go in the next batch, with their newer data


def _keep_partial(executor: BatchExecutor | None, claimed: batches.Claimed) -> None:
    """Keep the Ids of what was already written, so the redo links instead of creating; no row is marked."""
    if executor is None or not executor.outcomes:
        return
    for outcome in executor.outcomes:
        outcome.retry = True
    batches.outcomes_record(outcomes=executor.outcomes, counters=claimed.counters)


def _count(run: SyncRun, stats: BatchStats, client) -> None:
    usage = client.api_usage if client else None
    SyncRun.objects.filter(pk=run.pk).update(
        created_leads=F("created_leads") + stats.created_leads,
        created_contacts=F("created_contacts") + stats.created_contacts,
        updated_records=F("updated_records") + stats.updated_records,
        members_created=F("members_created") + stats.members_created,
        members_updated=F("members_updated") + stats.members_updated,
        failures=F("failures") + stats.failures,
        api_calls=F("api_calls") + (client.api_calls_made if client else 0),
        **({"org_api_used": usage[0], "org_api_max": usage[1]} if usage else {}),
    )
