"""Campaigns, their member statuses and members: the rules of docs/salesforce.md §6."""

from __future__ import annotations

import datetime
import time
from typing import Any

from salesforce_emulator import ids
from salesforce_emulator.errors import RecordError, invalid_cross_reference

DEFAULT_STATUSES = [
    {"Label": "Sent", "IsDefault": True, "HasResponded": False},
    {"Label": "Responded", "IsDefault": False, "HasResponded": True},
]


MARKETING_ONLY = "CampaignMemberStatus"


def check_marketing_user(ctx: Any, object_name: str) -> None:
    """Writing CampaignMemberStatus needs the user's Marketing User flag (Salesforce Help, "Campaign
    Member Statuses"; Object Reference, CampaignMemberStatus). The exact refusal is not documented: this
    answers INSUFFICIENT_ACCESS_OR_READONLY, the code of a write the user's permissions do not allow."""
    if object_name != MARKETING_ONLY or ctx.system:
        return
    user = ctx.org.user_by_id(ctx.user_id)
    if user is not None and not ctx.org.settings.is_marketing_user(user.username):
        raise RecordError(
            "INSUFFICIENT_ACCESS_OR_READONLY",
            "insufficient access rights on object id",
            [],
        )


def statuses(ctx: Any, campaign_id: str) -> list[dict[str, Any]]:
    rows = ctx.tx.lookup("statuses", campaign_id)
    return sorted(rows, key=lambda s: s.get("SortOrder") or 0)


def before_write(ctx: Any, object_name: str, record: dict[str, Any], current: dict[str, Any] | None) -> None:
    if object_name == "CampaignMember":
        _member(ctx, record, current)
    elif object_name == "CampaignMemberStatus":
        _status(ctx, record, current)


def after_create(ctx: Any, object_name: str, record: dict[str, Any]) -> None:
    if object_name != "Campaign" or not ctx.default_campaign_statuses:
        return
    from salesforce_emulator import dml  # circular: dml drives these hooks

    for order, status in enumerate(DEFAULT_STATUSES, start=1):
        dml.create(ctx, "CampaignMemberStatus", {**status, "CampaignId": record["Id"], "SortOrder": order})


def after_person_update(ctx: Any, object_name: str, person: dict[str, Any]) -> None:
    """CampaignMember's Email, FirstName, LastName and Title are documented only as the lead's or contact's:
    whether they follow a later change is not said, so it is the `member_copies` setting ("follow")."""
    if object_name not in ("Lead", "Contact") or ctx.org.settings.member_copies != "follow":
        return
    copies = {name: person.get(name) for name in ("Email", "FirstName", "LastName", "Title")}
    for member in ctx.tx.lookup("member_person", person["Id"]):
        if any(member.get(name) != value for name, value in copies.items()):
            ctx.tx.put({**member, **copies})


def before_delete(ctx: Any, record: dict[str, Any]) -> None:
    if ids.object_for_id(record["Id"]) != "CampaignMemberStatus":
        return
    in_use = bool(ctx.tx.lookup("member_status", (record["CampaignId"], record["Label"])))
    if record["IsDefault"] or in_use:
        raise RecordError(
            "FIELD_INTEGRITY_EXCEPTION",
            "You can't delete the default status or a status in use by campaign members.",
            [],
        )
    if record.get("HasResponded"):
        _keep_one_responded(ctx, record)


def _keep_one_responded(ctx: Any, record: dict[str, Any]) -> None:
    """A campaign keeps at least one responded status (API 39+; Object Reference, CampaignMemberStatus)."""
    others = [s for s in statuses(ctx, record["CampaignId"]) if s["Id"] != record["Id"] and s["HasResponded"]]
    if not others:
        raise RecordError(
            "FIELD_INTEGRITY_EXCEPTION", "A campaign must have at least one responded member status.", []
        )


def _member(ctx: Any, record: dict[str, Any], current: dict[str, Any] | None) -> None:
    campaign_id = record.get("CampaignId")
    if not campaign_id:
        raise RecordError(
            "REQUIRED_FIELD_MISSING", "Required fields are missing: [CampaignId]", ["CampaignId"]
        )
    campaign = ctx.tx.get(campaign_id)
    if campaign is None or campaign.get("IsDeleted") or ids.object_for_id(campaign_id) != "Campaign":
        raise invalid_cross_reference("CampaignId")
    if current is None:
        _member_person(ctx, record)
    _member_status(ctx, record, current)


def _member_person(ctx: Any, record: dict[str, Any]) -> None:
    if record.get("ContactId"):
        record["LeadId"] = None  # a member with both keeps only the Contact
    person_field = "ContactId" if record.get("ContactId") else "LeadId"
    person_id = record.get(person_field)
    if not person_id:
        raise RecordError(
            "REQUIRED_FIELD_MISSING",
            "Required fields are missing: [ContactId, LeadId]",
            ["ContactId", "LeadId"],
        )
    person = ctx.tx.get(person_id)
    if person is None or person.get("IsDeleted") or ids.object_for_id(person_id) != person_field[:-2]:
        raise invalid_cross_reference(person_field)
    if person.get("IsConverted"):
        raise RecordError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", [])
    if ctx.tx.lookup("member", (record["CampaignId"], person_id)):  # live members only
        raise RecordError("DUPLICATE_VALUE", "Already a campaign member.", [])
    company = person.get("Company")
    if person_field == "ContactId" and person.get("AccountId"):
        company = (ctx.tx.get(person["AccountId"]) or {}).get("Name")
    record.update(
        Email=person.get("Email"),
        FirstName=person.get("FirstName"),
        LastName=person.get("LastName"),
        Title=person.get("Title"),
        CompanyOrAccount=company,
        LeadOrContactId=person_id,
    )


def _member_status(ctx: Any, record: dict[str, Any], current: dict[str, Any] | None) -> None:
    labels = statuses(ctx, record["CampaignId"])
    wanted = record.get("Status")
    chosen = next((s for s in labels if wanted and s["Label"].lower() == str(wanted).lower()), None)
    if chosen is None:
        if wanted and ctx.org.settings.campaign_member_status_policy == "reject":
            raise RecordError(
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                f"Status: bad value for restricted picklist field: {wanted}",
                ["Status"],
            )
        chosen = next((s for s in labels if s["IsDefault"]), labels[0] if labels else None)
    if chosen is None:
        return
    record["Status"] = chosen["Label"]
    record["HasResponded"] = bool(chosen["HasResponded"])
    if record["HasResponded"] and not record.get("FirstRespondedDate"):
        record["FirstRespondedDate"] = _today()


_last_day: tuple[int, str] = (-1, "")  # (second, its local date): date.today() costs a localtime() a call


def _today() -> str:
    """date.today().isoformat(), computed once per second (date.today() reads the clock to the second too)."""
    global _last_day
    second = int(time.time())
    last = _last_day
    if last[0] != second:
        last = _last_day = (second, datetime.date.fromtimestamp(second).isoformat())
    return last[1]


def _status(ctx: Any, record: dict[str, Any], current: dict[str, Any] | None) -> None:
    campaign_id = record.get("CampaignId")
    if not campaign_id or not record.get("Label"):
        return  # the required-field check reports it
    siblings = [s for s in statuses(ctx, campaign_id) if s["Id"] != record["Id"]]
    if any(s["Label"].lower() == record["Label"].lower() for s in siblings):
        raise RecordError(
            "DUPLICATE_VALUE",
            f"duplicate value found: Label duplicates value on record with id: "
            f"{next(s['Id'] for s in siblings if s['Label'].lower() == record['Label'].lower())}",
            ["Label"],
        )
    if record.get("SortOrder") is None:
        record["SortOrder"] = max((s.get("SortOrder") or 0 for s in siblings), default=0) + 1
    elif any(s.get("SortOrder") == record["SortOrder"] for s in siblings):
        raise RecordError("DUPLICATE_VALUE", "duplicate value found: SortOrder", ["SortOrder"])
    if record.get("IsDefault"):
        for sibling in siblings:
            if sibling["IsDefault"]:
                ctx.tx.put({**sibling, "IsDefault": False})
    elif current is not None and current.get("IsDefault"):
        record["IsDefault"] = True  # a campaign always keeps one default status
    if current is not None and current.get("HasResponded") and not record.get("HasResponded"):
        _keep_one_responded(ctx, record)
