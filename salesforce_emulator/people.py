"""Leads and Contacts: derived fields and the standard duplicate rules (matching on email across both)."""

from __future__ import annotations

from typing import Any

from salesforce_emulator.errors import RecordError
from salesforce_emulator.ids import object_for_id
from salesforce_emulator.standard_objects import LEAD_DEFAULT_STATUS

DUPLICATE_MESSAGE = "You're creating a duplicate record. We recommend you use an existing record instead."
_RULES = {
    "Lead": ("Standard_Lead_Duplicate_Rule", "Standard_Lead_Match_Rule_v1_0"),
    "Contact": ("Standard_Contact_Duplicate_Rule", "Standard_Contact_Match_Rule_v1_1"),
}


def before_write(ctx: Any, object_name: str, record: dict[str, Any], current: dict[str, Any] | None) -> None:
    if object_name not in ("Lead", "Contact"):
        return
    if object_name == "Lead" and not record.get("Status"):
        record["Status"] = LEAD_DEFAULT_STATUS if current is None else record["Status"]
    record["Name"] = " ".join(p for p in (record.get("FirstName"), record.get("LastName")) if p) or None


def check_duplicates(ctx: Any, object_name: str, record: dict[str, Any]) -> None:
    """DUPLICATES_DETECTED when the org's rules are on and another Lead or Contact has this email."""
    action = ctx.org.settings.duplicate_rules
    email = (record.get("Email") or "").lower()
    if action == "off" or object_name not in _RULES or not email:
        return
    if action == "allow" and ctx.allow_duplicate_save:
        return
    found = [
        other
        for other in ctx.tx.lookup("email", email)  # Leads and Contacts with this email, any case
        if other["Id"] != record["Id"] and not other.get("IsConverted")
    ]
    matches: dict[str, list[dict[str, Any]]] = {}
    for other_object in ("Contact", "Lead"):
        of_object = [r for r in found if object_for_id(r["Id"]) == other_object]
        if of_object:
            matches[other_object] = of_object
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
            "matchResults": [_match_result(ctx, name, found) for name, found in matches.items()],
        },
        collections_message="Use one of these records?",
    )


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
