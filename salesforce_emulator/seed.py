"""Turn an org file's records into stored records, through the same writes clients make."""

from __future__ import annotations

from typing import Any

from salesforce_emulator import dml
from salesforce_emulator.org import Org
from salesforce_emulator.store import Store

# Parents before children, so "@ref" values resolve.
_ORDER = ("Campaign", "CampaignMemberStatus", "Account", "Contact", "Lead", "CampaignMember")


def seed_records(org: Org) -> list[tuple[str, dict[str, Any]]]:
    """The (object name, record) pairs of the freshly loaded org, users included."""
    store = Store()
    tx = store.begin()
    owner = org.users[0].id if org.users else ""
    ctx = dml.WriteContext(org=org, tx=tx, system=True, user_id=owner)
    for user in org.users:
        tx.put(_user_record(org, user, owner))
    refs: dict[str, str] = {}
    for object_name in _ORDER:
        for spec in org.records.get(object_name, []):
            _create(ctx, object_name, spec, refs)
    unknown = set(org.records) - set(_ORDER)
    if unknown:
        raise ValueError(f"the org file has records of unsupported objects: {sorted(unknown)}")
    tx.commit()
    return [
        (name, record) for name in ("User", *_ORDER) for record in store.records(name, include_deleted=True)
    ]


def _create(ctx: dml.WriteContext, object_name: str, spec: dict[str, Any], refs: dict[str, str]) -> None:
    values = {k: _resolve(v, refs) for k, v in spec.items() if k not in ("ref", "statuses")}
    statuses = spec.get("statuses")
    ctx.default_campaign_statuses = statuses is None
    record = dml.create(ctx, object_name, values)
    ctx.default_campaign_statuses = True
    if "ref" in spec:
        refs[spec["ref"]] = record["Id"]
    for order, status in enumerate(statuses or [], start=1):
        dml.create(ctx, "CampaignMemberStatus", {"SortOrder": order, **status, "CampaignId": record["Id"]})


def _resolve(value: Any, refs: dict[str, str]) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        if value[1:] not in refs:
            raise ValueError(f"unknown record reference {value} in the org file")
        return refs[value[1:]]
    return value


def _user_record(org: Org, user: Any, owner: str) -> dict[str, Any]:
    stamp = dml.now()
    record: dict[str, Any] = {f: None for f in org.schema.field_names("User")}
    record.update(
        Id=user.id,
        IsDeleted=False,
        CreatedDate=stamp,
        LastModifiedDate=stamp,
        SystemModstamp=stamp,
        CreatedById=owner or user.id,
        LastModifiedById=owner or user.id,
        Username=user.username,
        FirstName=user.first_name or None,
        LastName=user.last_name or user.username,
        Name=user.display_name,
        Email=user.email,
        Alias=(user.username[:8]),
        IsActive=True,
    )
    return record
