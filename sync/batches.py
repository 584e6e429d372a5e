"""The participant rows as the sync's outbox: claiming a batch, turning rows into planner input, and
recording each participant's outcome."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from connector.describe_cache import describe_cache_complete
from connector.mapped_objects import MAPPED_OBJECT_NAMES
from connector.models import DuplicateMatchAction, SalesforceSetup
from connector.salesforce.client import SalesforceClient
from events.fields import BUILT_IN_KEYS
from events.models import Event, Participant, SyncState
from events.selectors import event_fields
from sync.models import AttemptOutcome, SyncAttempt
from sync.outcome import Outcome
from sync.planner import ParticipantIn, PlannerSetup

# One look-up Composite answers for 1,000 participants (sync.lookups: four queries, each statement within
# Salesforce's 100,000 characters); its writes are Collections of 200, 5 to a Composite (sync.writes).
BATCH_SIZE = 1000
TEXT_TYPES = frozenset({"string", "textarea", "picklist", "multipicklist", "phone", "url", "combobox"})


@dataclass(frozen=True)
class Claimed:
    participants: list[ParticipantIn]
    counters: dict[int, int]  # participant id → change_counter when claimed


# The columns the planner reads: read as plain values, not as models (a tenth of the time for 1,000 rows).
CLAIMED_COLUMNS = (
    "id", "data", "salesforce_id", "salesforce_sent_hash", "change_counter", *sorted(BUILT_IN_KEYS)
)


def batch_claim(*, event: Event, size: int = BATCH_SIZE, exclude: Iterable[int] = ()) -> Claimed:
    """Up to `size` pending participants, with the change counter each had; not those of `exclude` (the
    batch in flight, not yet recorded). Called under the org lock, which the flush keeps (extended before
    every call, LockLost otherwise) until it has recorded the outcomes, so no other flush holds them; the
    counter decides at the end what may be marked synced."""
    pending = event.participants.filter(salesforce_sync_state=SyncState.PENDING)
    excluded = list(exclude)
    if excluded:
        pending = pending.exclude(id__in=excluded)
    rows = list(pending.order_by("id").values(*CLAIMED_COLUMNS)[:size])
    return Claimed([participant_input(r) for r in rows], {r["id"]: r["change_counter"] for r in rows})


def participant_input(row: dict[str, Any]) -> ParticipantIn:
    """A participant row (CLAIMED_COLUMNS) as the planner reads it."""
    values: dict[str, Any] = dict(row["data"] or {})
    values.update({key: row[key] for key in BUILT_IN_KEYS})
    return ParticipantIn(
        id=row["id"],
        email=row["email"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        company=row["company"],
        is_registered=row["is_registered"],
        has_come=row["has_come"],
        values=values,
        salesforce_id=row["salesforce_id"],
        sent_hash=row["salesforce_sent_hash"],
    )


def _lengths(fields: dict[str, dict[str, Any]]) -> dict[str, int]:
    return {
        name: int(spec["length"])
        for name, spec in fields.items()
        if spec.get("type") in TEXT_TYPES and spec.get("length")
    }


def planner_setup(
    *, event: Event, setup: SalesforceSetup, client: SalesforceClient, guard: Callable[[], None]
) -> PlannerSetup:
    """The planner's view of the setup; field lengths from the describe cache, described once when missing
    (`guard` runs before each describe call, as before every call of the flush)."""
    cache = describe_cache_complete(setup=setup, client=client, names=MAPPED_OBJECT_NAMES, guard=guard)
    mappings = setup.mappings
    return PlannerSetup(
        campaign_id=setup.campaign_id,
        registered_status=setup.registered_status,
        came_status=setup.came_status,
        allow_creating_leads=setup.allow_creating_leads,
        allow_data_update=setup.allow_data_update,
        default_company=setup.default_company or "Unknown",
        create_duplicates=setup.duplicate_match_action == DuplicateMatchAction.CREATE,
        mappings={name: dict(mappings.for_object(name)) for name in MAPPED_OBJECT_NAMES},
        field_types={spec.key: spec.type for spec in event_fields(event=event)},
        field_lengths={name: _lengths(cache.get(name) or {}) for name in MAPPED_OBJECT_NAMES},
    )


def _known_ids(outcome: Outcome) -> dict[str, Any]:
    """What is true in Salesforce whatever happens next: kept even when the participant stays pending,
    so that a redo links instead of creating."""
    plan = outcome.plan
    values: dict[str, Any] = {}
    if plan.person_id:
        values.update(salesforce_object=plan.object_name, salesforce_id=plan.person_id)
    if plan.member_id:
        values["salesforce_campaign_member_id"] = plan.member_id
    return values


class SentAsText(json.JSONEncoder):
    """Dates and decimals as the text they were sent as (requests' JSON did the same)."""

    def default(self, o: Any) -> str:
        return str(o)


def _attempt(outcome: Outcome) -> tuple[Any, ...]:
    """The participant's history line for this batch (what was written, to which record, the result), as
    the values of ATTEMPT_COLUMNS after `at`, adapted for the database."""
    plan = outcome.plan
    if outcome.complete:
        result = AttemptOutcome.SYNCED
    elif outcome.error_code:
        result = AttemptOutcome.FAILED
    else:
        result = AttemptOutcome.REPLAN if outcome.replan else AttemptOutcome.RETRY
    sent = connection.ops.adapt_json_value({"person": plan.person_fields, "member": plan.member_fields},
                                           SentAsText)
    return (plan.participant_id, str(result), plan.object_name if plan.person_id else "", plan.person_id,
            plan.member_id, plan.member_status, sent, outcome.error_code[:80], outcome.error_message)


ATTEMPT_COLUMNS = ("at", "participant_id", "outcome", "object_name", "record_id", "member_id",
                   "member_status", "sent", "error_code", "error_message")


def _attempts_insert(outcomes: Sequence[Outcome], now: datetime) -> None:
    """One prepared INSERT run once per attempt (executemany): bulk_create compiles and adapts every value
    of 1,000 rows through the model fields, a tenth of a second per batch; here only `at` is adapted, once."""
    if not outcomes:
        return
    quote = connection.ops.quote_name
    table = quote(SyncAttempt._meta.db_table)
    fields = [SyncAttempt._meta.get_field(name) for name in ATTEMPT_COLUMNS]
    columns = ", ".join(quote(f.column) for f in fields if isinstance(f, Field))
    marks = ", ".join(["%s"] * len(ATTEMPT_COLUMNS))
    at = SyncAttempt._meta.get_field("at").get_db_prep_save(now, connection)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                           [(at, *_attempt(outcome)) for outcome in outcomes])


# What a recorded outcome writes on the participant's row, when its change_counter is still the claimed one.
SYNCED_COLUMNS = ("salesforce_sent_hash", "salesforce_synced_counter", "salesforce_campaign_member_status",
                  "salesforce_warnings")
FAILED_COLUMNS = ("salesforce_error_code", "salesforce_error_message", "salesforce_warnings")
SAME_EDIT = ("id", "change_counter")


@transaction.atomic
def outcomes_record(*, outcomes: Sequence[Outcome], counters: dict[int, int]) -> tuple[int, int]:
    """Write each participant's outcome; returns (synced, failed). A participant edited since it was
    claimed (its counter moved) keeps only the Ids and stays pending: the newer edit is sent next."""
    now = timezone.now()
    recorded = [outcome for outcome in outcomes if not outcome.plan.deferred]
    _attempts_insert(recorded, now)
    known: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}  # by the columns set: one statement each
    for outcome in recorded:
        values = _known_ids(outcome)
        if values:
            known.setdefault(tuple(values), []).append((*values.values(), outcome.plan.participant_id))
    for columns, rows in known.items():
        _rows_update(columns, rows, where=("id",))
    synced_rows, failed_rows = [], []
    for outcome in recorded:
        plan = outcome.plan
        pk, warnings = plan.participant_id, [*plan.notes, *plan.warnings]
        if outcome.complete:
            synced_rows.append((plan.sent_hash, counters[pk], plan.member_status, warnings, pk, counters[pk]))
        elif outcome.error_code:
            failed_rows.append((outcome.error_code[:80], outcome.error_message, warnings, pk, counters[pk]))
    synced = _rows_update(SYNCED_COLUMNS, synced_rows, where=SAME_EDIT, same={
        "salesforce_sync_state": SyncState.SYNCED, "salesforce_sync_date": now,
        "salesforce_error_code": "", "salesforce_error_message": "",
    })
    failed = _rows_update(FAILED_COLUMNS, failed_rows, where=SAME_EDIT,
                          same={"salesforce_sync_state": SyncState.FAILED})
    return synced, failed


def _rows_update(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, where: Sequence[str],
                 same: dict[str, Any] | None = None) -> int:
    """Participant rows changed by one prepared UPDATE run once per row (executemany); returns how many
    rows matched. Each row gives the values of `columns`, then those `where` must equal; `same` sets the
    values every row takes. The ORM would compile an UPDATE per participant (a quarter of a second per
    batch of 1,000) and bulk_update's CASE per column is slower still; this costs a few milliseconds, and
    the database still checks each row's condition (its change_counter) as it writes, as the conditional
    update did."""
    if not rows:
        return 0
    same = same or {}
    fields = _concrete_fields((*columns, *where))
    shared = _concrete_fields(same)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in [*shared, *fields[: len(columns)]])
    conditions = " AND ".join(f"{quote(f.column)} = %s" for f in fields[len(columns) :])
    sql = f"UPDATE {quote(Participant._meta.db_table)} SET {assignments} WHERE {conditions}"
    prefix = _db_values(shared, same.values())  # adapted once
    params = [[*prefix, *_db_values(fields, row)] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
        return cursor.rowcount


def _concrete_fields(names: Iterable[str]) -> list[Field]:
    found = [Participant._meta.get_field(name) for name in names]
    return [f for f in found if isinstance(f, Field)]  # columns of the table: no relation's reverse side


def _db_values(fields: Sequence[Field], values: Iterable[Any]) -> list[Any]:
    return [f.get_db_prep_save(value, connection) for f, value in zip(fields, values, strict=True)]


def rows_hold(*, event: Event, code: str, message: str) -> None:
    """Say on the pending participants' rows why they wait: they stay pending, sent once it is fixed."""
    event.participants.filter(salesforce_sync_state=SyncState.PENDING).update(
        salesforce_error_code=code[:80], salesforce_error_message=message
    )


def has_pending(*, event: Event) -> bool:
    return event.participants.filter(salesforce_sync_state=SyncState.PENDING).exists()

