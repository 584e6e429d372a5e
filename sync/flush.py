"""One flush of an event: the checks, the per-org lock, one batch through the executor, the bookkeeping,
and what happens on each kind of failure (the client's error taxonomy decides)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from connector.salesforce.errors import ApiLimitExceeded, AuthorizationRevoked, SalesforceError
from events.models import Event
from sync import batches, services
from sync.executor import BatchExecutor, BatchStats
from sync.locks import org_lock_acquire, org_lock_release
from sync.models import EventSync, SyncRun

logger = logging.getLogger(__name__)

LOCK_BUSY_RETRY_SECONDS = 2


class ApiUsageHigh(ApiLimitExceeded):
    """Our own stop: the org's usage passed SALESFORCE_API_USAGE_PAUSE_SHARE of its daily allowance."""


def usage_guard(client) -> Callable[[], None]:
    def guard() -> None:
        usage = client.api_usage
        if usage and usage[1] and usage[0] / usage[1] >= settings.SALESFORCE_API_USAGE_PAUSE_SHARE:
            used, allowed = usage
            message = f"the org has used {used:,} of its {allowed:,} daily API calls"
            raise ApiUsageHigh("API_USAGE_HIGH", message)

    return guard


def _paused_for(event: Event) -> float:
    state = EventSync.objects.filter(event=event).first()
    if state and state.paused_until and state.paused_until > timezone.now():
        return (state.paused_until - timezone.now()).total_seconds()
    return 0.0


def flush_one_batch(*, event_id: int, task_id: str) -> None:
    from connector.selectors import connection_for_event, setup_for_event, setup_is_valid

    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        logger.info("Flush of event %s skipped: the event no longer exists", event_id)
        return
    services.flush_started(event_id=event_id)
    paused = _paused_for(event)
    if paused:
        services.flush_enqueue(event_id=event_id, countdown=paused + 1, coalesce=False)
        return
    valid, reason = setup_is_valid(event)
    if not valid:
        logger.info("Flush of event %s skipped: %s", event_id, reason)
        services.runs_note(event=event, note=f"Waiting: {reason}")
        return
    if not batches.pending_count(event=event):
        services.runs_finish(event=event)
        return
    connection = connection_for_event(event)
    org_key = connection.org_id or f"event-{event.pk}"
    if not org_lock_acquire(org_key=org_key, token=task_id):
        # Another event of this org (or an earlier flush) is writing: come back shortly, don't block a worker.
        services.flush_enqueue(event_id=event_id, countdown=LOCK_BUSY_RETRY_SECONDS, coalesce=False)
        return
    try:
        _flush_locked(event=event, connection=connection, setup=setup_for_event(event))
    finally:
        org_lock_release(org_key=org_key, token=task_id)


def _flush_locked(*, event: Event, connection, setup) -> None:
    from connector.salesforce.client import client_for_connection

    EventSync.objects.update_or_create(event=event, defaults={"last_flush_at": timezone.now()})
    claimed = batches.batch_claim(event=event)
    if not claimed.participants:
        services.runs_finish(event=event)
        return
    run = services.run_for_flush(event=event, pending=batches.pending_count(event=event))
    client = None
    executor = None
    try:
        client = client_for_connection(connection)
        planner_setup = batches.planner_setup(event=event, setup=setup, client=client)
        executor = BatchExecutor(client=client, setup=planner_setup, guard=usage_guard(client))
        outcomes = executor.run(claimed.participants)
    except ApiLimitExceeded as exc:
        _keep_partial(executor, claimed)
        delay = services.event_pause(event=event, reason=exc.message or exc.code)
        logger.warning("Sync of event %s paused for %s: %s", event.pk, delay, exc.code)
        services.flush_enqueue(event_id=event.pk, countdown=delay.total_seconds() + 1, coalesce=False)
        return
    except AuthorizationRevoked as exc:
        _keep_partial(executor, claimed)
        logger.warning("Sync of event %s waits for a new Salesforce login: %s", event.pk, exc.code)
        services.runs_note(event=event, note="Waiting: the Salesforce connection needs a new login.")
        return
    except SalesforceError:
        _keep_partial(executor, claimed)
        raise  # transient ones are retried by the task with backoff; the rows stay pending meanwhile
    finally:
        _count(run, executor.stats if executor else BatchStats(), client)
    synced, failed = batches.outcomes_record(outcomes=outcomes, counters=claimed.counters)
    SyncRun.objects.filter(pk=run.pk).update(processed=F("processed") + synced + failed, note="")
    if any(o.retry for o in outcomes):
        from connector.salesforce.errors import TransientError

        raise TransientError("UNABLE_TO_LOCK_ROW", "some records were locked; the batch is retried")
    remaining = batches.pending_count(event=event)
    if not remaining:
        services.runs_finish(event=event)
    else:
        # Rows edited while in flight stay pending and go in the next batch, with their newer data.
        services.flush_enqueue(event_id=event.pk, coalesce=False)


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
