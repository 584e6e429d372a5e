"""One flush of an event: the checks, the per-org lock, batches through the executor for up to
SYNC_FLUSH_SECONDS (a pipeline: the next batch's look-up and this batch's bookkeeping beside the writes),
and what happens on each kind of failure (the client's error taxonomy decides).

A flush is one link of the event's single chain (sync.locks: the flush key): it ends by handing the claim
to its successor (the next batches, or the same one after a pause, a busy lock or a backoff) or by
releasing it (nothing pending, or waiting for the organizer)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

from django import db
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from connector.connection_client import client_for_connection
from connector.salesforce.client import SalesforceClient
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
from sync.planner import InFlight, Lookup, ParticipantIn, email_key
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
    SYNC_FLUSH_SECONDS (`_flush_locked`); then the chain goes on in a new task, so that other events'
    flushes get the worker."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        logger.info("Flush of event %s skipped: the event no longer exists", event_id)
        return
    # A lease, renewed while the flush runs: a worker that dies frees the event within one lease.
    if not flush_owns(event_id=event_id, task_id=task_id, seconds=lock_ttl_ms() / 1000):
        logger.info("Flush %s of event %s stops: another flush of the event is queued or running", task_id,
                    event_id)
        return
    try:
        with flush_claim_keeper(event_id=event_id, task_id=task_id):
            step = _flush(event=event, task_id=task_id)
    except BaseException:
        flush_release(event_id=event_id, task_id=task_id)  # the sweep starts the chain again
        raise
    if step.countdown is not None:
        flush_enqueue(event_id=event_id, countdown=step.countdown, chain_of=task_id)
        return
    flush_release(event_id=event_id, task_id=task_id)
    # A change committed while the claim was held enqueued nothing: look once more, now it is released.
    if step.recheck and batches.has_pending(event=event):
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
    if not batches.has_pending(event=event):
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
            return _flush_locked(event=event, keeper=keeper)
    finally:
        org_lock_release(org_key=org_key, token=task_id)


@dataclass
class Batch:
    """A claimed batch on its way through the pipeline: its client and executor, its look-up running
    ahead in the calls pool, the batch in flight beside it (or None), and what stopped it."""

    claimed: batches.Claimed
    client: SalesforceClient | None = None
    executor: BatchExecutor | None = None  # None: stopped before its first call
    lookup: Future[Lookup] | None = None
    beside: InFlight | None = None
    error: Exception | None = None

    def in_flight(self) -> InFlight:
        return InFlight(frozenset(email_key(p.email) for p in self.claimed.participants))


def _flush_locked(*, event: Event, keeper: OrgLockKeeper) -> Next:
    """Batches back to back under the org lock, for up to SYNC_FLUSH_SECONDS, as a pipeline: while one
    batch's writes are in flight (the calls pool), the next batch's look-up runs beside them (the calls
    pool's second thread), and this thread records the batch before and claims the batch after (the
    database). The writes stay one batch after another, in order.

    A look-up made while another batch wrote can be stale only about what that batch touched: its emails
    and the people it wrote to or linked. The planner defers those participants (sync.planner.InFlight) to
    a later batch, looked up again then.

    Between batches every check of a new flush is made again (halt, setup, connection, API usage before each
    call); the first error, a locked row or the end of the time ends the loop, and the chain goes on."""
    EventSync.objects.update_or_create(event=event, defaults={"last_flush_at": timezone.now()})
    deadline = time.monotonic() + settings.SYNC_FLUSH_SECONDS
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix=f"salesforce-calls-{event.pk}") as calls:
        batch = _start(calls, event=event, keeper=keeper, claimed=batches.batch_claim(event=event))
        if batch is None:
            return _idle(event)
        sending = calls.submit(_send, batch, keeper, frozenset())
        following = _start(calls, event=event, keeper=keeper, beside=batch.in_flight(),
                           claimed=batches.batch_claim(event=event, exclude=batch.claimed.counters))
        while True:
            sent = sending.result()
            run = services.run_for_flush(event=event)
            _count(run, sent.executor.stats if sent.executor else BatchStats(), sent.client)
            if sent.error is not None or sent.executor is None:
                return _stopped(sent, event=event)
            outcomes = sent.executor.outcomes
            retry = any(o.retry for o in outcomes)
            in_flight = None if retry else following
            if in_flight is not None:
                written = frozenset(o.plan.person_id for o in outcomes if o.plan.person_id)
                sending = calls.submit(_send, in_flight, keeper, written)
            synced, failed = batches.outcomes_record(outcomes=outcomes, counters=sent.claimed.counters)
            SyncRun.objects.filter(pk=run.pk).update(processed=F("processed") + synced + failed, note="")
            if retry:
                return Next(services.event_backoff(event=event, reason="UNABLE_TO_LOCK_ROW on some records"))
            services.event_backoff_clear(event=event)
            if in_flight is None:
                return _idle(event)
            following = None
            if time.monotonic() < deadline:  # past it, the batch in flight is the last: no look-up wasted
                claimed = batches.batch_claim(event=event, exclude=in_flight.claimed.counters)
                following = _start(calls, event=event, keeper=keeper, beside=in_flight.in_flight(),
                                   claimed=claimed)


def _start(calls: ThreadPoolExecutor, *, event: Event, keeper: OrgLockKeeper, claimed: batches.Claimed,
           beside: InFlight | None = None) -> Batch | None:
    """Prepare a batch and start its look-up in the calls pool; None when there is nothing to send or the
    event must not send (halted, its setup no longer valid, disconnected: the next flush says why). The
    client and the planner's setup are read here, from the database, as a new flush would."""
    if not claimed.participants or selectors.event_halt(event=event) or not setup_is_valid(event)[0]:
        return None
    connection, setup = connection_for_event(event), setup_for_event(event)
    if connection is None or setup is None:
        return None
    batch = Batch(claimed, beside=beside)
    try:
        batch.client = client_for_connection(connection)
        guard = flush_guard(client=batch.client, keeper=keeper)
        planner_setup = batches.planner_setup(event=event, setup=setup, client=batch.client, guard=guard)
    except (SalesforceError, LockLost) as exc:  # a describe the cache lacked failed: stopped as a batch
        batch.error = exc
        return batch
    batch.executor = BatchExecutor(client=batch.client, setup=planner_setup, guard=guard)
    batch.lookup = calls.submit(_look_up, batch.executor, claimed.participants)
    return batch


def _send(batch: Batch, keeper: OrgLockKeeper, written: frozenset[str]) -> Batch:
    """The calls pool: a batch's writes, once its look-up answered. `written`: the people the batch before
    wrote to or linked, while this look-up ran."""
    if batch.error is not None or batch.executor is None or batch.lookup is None:
        return batch
    try:
        lookup = batch.lookup.result()
        busy = replace(batch.beside, person_ids=written) if batch.beside else None
        batch.executor.run(batch.claimed.participants, lookup, busy=busy)
        keeper.check()  # still ours: no other flush took these rows while the last call was in flight
    except Exception as exc:
        batch.error = exc
    finally:
        db.connections.close_all()  # a token refresh stored the new tokens from this thread
    return batch


def _look_up(executor: BatchExecutor, participants: Sequence[ParticipantIn]) -> Lookup:
    """The calls pool: a batch's look-up, possibly beside the writes of the batch before."""
    try:
        return executor.look_up(participants)
    finally:
        db.connections.close_all()  # a token refresh stored the new tokens from this thread


def _idle(event: Event) -> Next:
    if batches.has_pending(event=event):
        return Next(0)  # what is left waits on a halt or a setup the next flush reports
    services.runs_finish(event=event)
    return Next(recheck=True)


def _stopped(sent: Batch, *, event: Event) -> Next:
    """What a batch's error means for the event (the client's error taxonomy decides)."""
    exc, executor, claimed = sent.error, sent.executor, sent.claimed
    if isinstance(exc, LockLost):
        # The lock expired during a call and another flush may hold these rows now: record nothing, they
        # stay pending; that flush (or ours, later) looks them up again before writing.
        logger.warning("Flush of event %s lost the lock of its org: nothing recorded", event.pk)
        return Next(LOCK_BUSY_RETRY_SECONDS)
    if isinstance(exc, ApiLimitExceeded):
        _keep_partial(executor, claimed)
        delay = services.event_pause(event=event, reason=exc.message or exc.code)
        logger.warning("Sync of event %s paused for %s: %s", event.pk, delay, exc.code)
        return Next(delay.total_seconds() + 1)
    if isinstance(exc, AuthorizationRevoked):
        _keep_partial(executor, claimed)
        logger.warning("Sync of event %s waits for a new Salesforce login: %s", event.pk, exc.code)
        services.runs_note(event=event, note="Waiting: the Salesforce connection needs a new login.")
        return Next()
    if isinstance(exc, TransientError | SessionExpired):
        _keep_partial(executor, claimed)  # the rows stay pending; the same batch is tried after the backoff
        return Next(services.event_backoff(event=event, reason=exc.code))
    if isinstance(exc, StatusGone):
        services.event_halt(event=event, reason=exc.message, refused=False)
        batches.rows_hold(event=event, code=exc.code, message=exc.message)
        return Next()
    if isinstance(exc, SalesforceError):
        _keep_partial(executor, claimed)
        services.event_halt(event=event, reason=f"{exc.code}: {exc.message}" if exc.message else exc.code)
        return Next()
    assert exc is not None
    raise exc  # a bug, not an answer of Salesforce's: the task fails, and the sweep starts the chain again


def _keep_partial(executor: BatchExecutor | None, claimed: batches.Claimed) -> None:
    """Keep the Ids of what was already written, so the redo links instead of creating; no row is marked."""
    if executor is None or not executor.outcomes:
        return
    for outcome in executor.outcomes:
        outcome.retry = True
    batches.outcomes_record(outcomes=executor.outcomes, counters=claimed.counters)


def _count(run: SyncRun, stats: BatchStats, client: SalesforceClient | None) -> None:
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
