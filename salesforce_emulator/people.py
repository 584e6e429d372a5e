"""Leads and Contacts: derived fields and the standard duplicate rules (salesforce_emulator.matching)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from salesforce_emulator import matching
from salesforce_emulator.errors import RecordError
from salesforce_emulator.ids import object_for_id
from salesforce_emulator.standard_objects import LEAD_DEFAULT_STATUS

DUPLICATE_MESSAGE = "You're creating a duplicate record. We recommend you use an existing record instead."
_RULES = {
    "Lead": ("Standard_Lead_Duplicate_Rule", "Standard_Lead_Match_Rule_v1_0"),
    "Contact": ("Standard_Contact_Duplicate_Rule", "Standard_Contact_Match_Rule_v1_1"),
}
_COMPARED = {"Lead": ("Lead", "Contact"), "Contact": ("Contact",)}


def before_write(ctx: Any, object_name: str, record: dict[str, Any], current: dict[str, Any] | None) -> None:
    if object_name not in ("Lead", "Contact"):
        return
    if object_name == "Lead" and not record.get("Status"):
        record["Status"] = LEAD_DEFAULT_STATUS if current is None else record["Status"]
    record["Name"] = " ".join(p for p in (record.get("FirstName"), record.get("LastName")) if p) or None


def check_duplicates(ctx: Any, object_name: str, record: dict[str, Any]) -> None:
    """DUPLICATES_DETECTED when the org's rules are on and the standard matching rules find another person.

    The standard duplicate rules act on create only ("Allow" + alert; on edit "Allow" with a report, no
    alert: Salesforce Help, "Standard Contact Duplicate Rule", "Standard Lead Duplicate Rule"). The Lead
    rule compares with Leads and Contacts, the Contact rule with Contacts. Converted Leads never match."""
    action = ctx.org.settings.duplicate_rules
    if action == "off" or object_name not in _RULES or ctx.system or record.get("IsConverted"):
        return  # the org file's own records are loaded as they are
    if action == "allow" and ctx.allow_duplicate_save:
        return
    mine = matching.comparable(record, object_name, _company(ctx))
    matches: dict[str, list[dict[str, Any]]] = {}
    seen: set[str] = {record["Id"]}
    for key in matching.candidate_keys(record):
        for other in ctx.tx.lookup("person_name", key):
            other_object = object_for_id(other["Id"])
            if other["Id"] in seen or other.get("IsConverted") or other_object not in _COMPARED[object_name]:
                continue
            seen.add(other["Id"])
            if matching.is_match(mine, matching.comparable(other, other_object, _company(ctx))):
                matches.setdefault(other_object, []).append(other)
    if not matches:
        return
    duplicate_rule, _ = _RULES[object_name]
    raise RecordError(
        "DUPLICATES_DETECTED",
        DUPLICATE_MESSAGE,
        None,
        duplicate_result={
            "allowSave": action == "allow",
            "duplicateRule": duplicate_rule,
            "duplicateRuleEntityType": object_name,
            "errorMessage": DUPLICATE_MESSAGE,
            "matchResults": [
                _match_result(ctx, name, matches[name]) for name in ("Contact", "Lead") if name in matches
            ],
        },
        collections_message="Use one of these records?",
    )


def _company(ctx: Any) -> Callable[[dict[str, Any]], str]:
    """A Lead's Company, a Contact's Account Name."""

    def company(record: dict[str, Any]) -> str:
        if object_for_id(record["Id"]) == "Lead":
            return record.get("Company") or ""
        account = ctx.tx.get(record.get("AccountId") or "")
        return (account or {}).get("Name") or ""

    return company


def _match_result(ctx: Any, object_name: str, found: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "entityType": object_name,
        "errors": [],
        "matchEngine": "FuzzyMatchEngine",
        "matchRecords": [
            {
                "additionalInformation": [],
                "fieldDiffs": [],
                "matchConfidence": 100.0,
                "record": {
                    "attributes": {
                        "type": object_name,
                        "url": f"/services/data/v{ctx.version}/sobjects/{object_name}/{r['Id']}",
                    },
                    "Id": r["Id"],
                },
            }
            for r in found
        ],
        "rule": _RULES[object_name][1],
        "size": len(found),
        "success": True,
    }
