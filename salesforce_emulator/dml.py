"""Create, update, delete and upsert of one record, with an org's validation, inside a transaction."""

from __future__ import annotations

import datetime
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from salesforce_emulator import campaigns, ids, people, validation
from salesforce_emulator.errors import RecordError, entity_deleted, invalid_cross_reference, locked, not_found
from salesforce_emulator.store import Transaction

T = TypeVar("T")


@dataclass
class WriteContext:
    org: Any  # salesforce_emulator.org.Org
    tx: Transaction
    locked_ids: frozenset[str] = frozenset()
    allow_duplicate_save: bool = False
    system: bool = False  # loading the org file: field-level security does not apply
    version: str = "62.0"
    user_id: str = ""
    default_campaign_statuses: bool = True  # the org file may give a campaign its own statuses instead


class MultipleMatches(Exception):
    def __init__(self, urls: list[str]) -> None:
        super().__init__("more than one record")
        self.urls = urls


# The last reading of the clock, as (millisecond, its text), and the text of its second (format_datetime's
# "2026-01-31T09:00:00." part): a record costs a clock reading and, when the millisecond changed, a join.
_last_stamp: tuple[int, str] = (-1, "")
_last_second: tuple[int, str] = (-1, "")


def now() -> str:
    """The clock as validation.format_datetime writes it, to the millisecond like Salesforce. Every record
    gets its own reading (a create of 200 may span several milliseconds), but the date and time are
    formatted once per second and the text reused within a millisecond."""
    global _last_stamp, _last_second
    millisecond = time.time_ns() // 1_000_000
    last = _last_stamp
    if last[0] == millisecond:
        return last[1]
    second, rest = divmod(millisecond, 1000)
    day_and_time = _last_second  # read once: another thread may replace it meanwhile
    if day_and_time[0] != second:
        moment = datetime.datetime.fromtimestamp(second, datetime.UTC)
        day_and_time = _last_second = (second, moment.strftime("%Y-%m-%dT%H:%M:%S."))
    stamp = f"{day_and_time[1]}{rest:03d}+0000"
    _last_stamp = (millisecond, stamp)
    return stamp


def atomic(operation: Callable[..., T]) -> Callable[..., T]:
    """A refused write leaves the transaction as it was, whatever side records it had staged."""

    @functools.wraps(operation)
    def wrapper(ctx: WriteContext, *args: Any) -> T:
        savepoint = ctx.tx.savepoint()
        try:
            return operation(ctx, *args)
        except (RecordError, MultipleMatches):
            ctx.tx.restore(savepoint)
            raise

    return wrapper


@atomic
def create(ctx: WriteContext, object_name: str, values: dict[str, Any]) -> dict[str, Any]:
    schema = ctx.org.schema
    if object_name == "User" and not ctx.system:
        raise RecordError("INVALID_TYPE", "Cannot create User records through this emulator", None)
    campaigns.check_marketing_user(ctx, object_name)
    resolved = validation.resolve_fields(schema, object_name, values)
    if "Id" in resolved and not ctx.system:
        raise RecordError("INVALID_FIELD", "cannot specify Id in an insert call", ["Id"])
    if not ctx.system:
        validation.check_writable(schema, object_name, resolved, creating=True)
    resolved = validation.coerce_values(schema, object_name, resolved)
    record = _blank(ctx, object_name)
    record.update({k: v for k, v in resolved.items() if v is not None or k not in record})
    _check_locks(ctx, resolved)
    people.before_write(ctx, object_name, record, None)
    campaigns.before_write(ctx, object_name, record, None)
    _validate(ctx, object_name, record, set(resolved), creating=True)
    people.check_duplicates(ctx, object_name, record)
    ctx.tx.put(record)
    campaigns.after_create(ctx, object_name, record)
    return record


@atomic
def update(ctx: WriteContext, object_name: str, record_id: str, values: dict[str, Any]) -> dict[str, Any]:
    schema = ctx.org.schema
    campaigns.check_marketing_user(ctx, object_name)
    current = existing(ctx, object_name, record_id)
    if ctx.locked_ids and current["Id"] in ctx.locked_ids:
        raise locked(current["Id"])
    if object_name == "Lead" and current.get("IsConverted"):
        raise RecordError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", [])
    values = {k: v for k, v in values.items() if k.lower() != "id"}
    resolved = validation.resolve_fields(schema, object_name, values)
    validation.check_writable(schema, object_name, resolved, creating=False)
    resolved = validation.coerce_values(schema, object_name, resolved)
    _check_locks(ctx, resolved)
    record = {**current, **resolved}
    people.before_write(ctx, object_name, record, current)
    campaigns.before_write(ctx, object_name, record, current)
    _validate(ctx, object_name, record, set(resolved), creating=False)
    stamp = now()
    record.update(LastModifiedDate=stamp, SystemModstamp=stamp, LastModifiedById=ctx.user_id)
    ctx.tx.put(record)
    campaigns.after_person_update(ctx, object_name, record)
    return record


@atomic
def delete(ctx: WriteContext, object_name: str | None, record_id: str) -> None:
    record_id = ids.normalize(record_id) if ids.is_valid_id(record_id) else record_id
    record = ctx.tx.get(record_id)
    if record is None or (object_name and ids.object_for_id(record_id) != object_name):
        raise RecordError("ENTITY_IS_DELETED", "entity is deleted", []) if record else not_found()
    if record.get("IsDeleted"):
        raise entity_deleted()
    if record_id in ctx.locked_ids:
        raise locked(record_id)
    campaigns.check_marketing_user(ctx, ids.object_for_id(record_id) or "")
    campaigns.before_delete(ctx, record)
    stamp = now()
    ctx.tx.put({**record, "IsDeleted": True, "LastModifiedDate": stamp, "SystemModstamp": stamp})


@atomic
def upsert(
    ctx: WriteContext, object_name: str, field_name: str, value: str, values: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """(record, created). The key field must be an idLookup or external-id field."""
    entry = ctx.org.schema.field(object_name, field_name)
    if entry is None or not (entry["idLookup"] or entry["externalId"]):
        raise RecordError(
            "NOT_FOUND",
            f"Provided external ID field does not exist or is not accessible: {field_name}",
            None,
            status=404,
        )
    key = entry["name"]
    matches = find_by(ctx, object_name, key, value)
    if len(matches) > 1:
        raise MultipleMatches(
            [f"/services/data/v{ctx.version}/sobjects/{object_name}/{r['Id']}" for r in matches]
        )
    body = {k: v for k, v in values.items() if k.lower() != key.lower()}
    if matches:
        return update(ctx, object_name, matches[0]["Id"], body), False
    if key != "Id":
        body[key] = value
    return create(ctx, object_name, body), True


def find_by(ctx: WriteContext, object_name: str, key: str, value: Any) -> list[dict[str, Any]]:
    if key == "Id":
        record = ctx.tx.get(ids.normalize(value)) if ids.is_valid_id(value) else None
        return [record] if record and not record.get("IsDeleted") else []
    wanted = str(value).lower()
    if key == "Email" and wanted and object_name in ("Lead", "Contact"):  # the duplicate rules' index
        return [r for r in ctx.tx.lookup("email", wanted) if ids.object_for_id(r["Id"]) == object_name]
    return [r for r in ctx.tx.records(object_name) if str(r.get(key) or "").lower() == wanted]


def existing(ctx: WriteContext, object_name: str, record_id: str) -> dict[str, Any]:
    if not ids.is_valid_id(record_id):
        raise not_found()
    record = ctx.tx.get(ids.normalize(record_id))
    if record is None or ids.object_for_id(record["Id"]) != object_name:
        raise not_found()
    if record.get("IsDeleted"):
        raise entity_deleted()
    return record


def _blank(ctx: WriteContext, object_name: str) -> dict[str, Any]:
    template, auto_numbers = ctx.org.schema.blank(object_name)
    record = dict(template)
    for name in auto_numbers:
        record[name] = f"A-{ctx.tx.count(object_name) + 1:05d}"
    stamp = now()
    record.update(
        Id=ids.new_record_id(object_name),
        IsDeleted=False,
        CreatedDate=stamp,
        LastModifiedDate=stamp,
        SystemModstamp=stamp,
        CreatedById=ctx.user_id,
        LastModifiedById=ctx.user_id,
    )
    if "OwnerId" in record:
        record["OwnerId"] = ctx.user_id
    return record


def _check_locks(ctx: WriteContext, values: dict[str, Any]) -> None:
    for value in values.values():
        if isinstance(value, str) and value in ctx.locked_ids:
            raise locked(value)


def _validate(
    ctx: WriteContext, object_name: str, record: dict[str, Any], touched: set[str], *, creating: bool
) -> None:
    schema = ctx.org.schema
    validation.check_required(schema, object_name, record, touched, creating=creating)
    validation.check_values(schema, object_name, {n: record[n] for n in touched if n in record})
    fields = schema.field_map(object_name)
    for name in touched:
        entry = fields[name]
        value = record.get(name)
        if entry["type"] == "reference" and value:
            target = ctx.tx.get(value)
            if (
                target is None
                or target.get("IsDeleted")
                or ids.object_for_id(value) not in entry["referenceTo"]
            ):
                raise invalid_cross_reference(name)
    validation.check_rules(ctx.org.validation_rules, object_name, record)
