"""What the connector keeps of a describe: per field, the keys that decide whether and how it can be written.

Stored in SalesforceSetup.describe_cache as `{object: {field API name: {key: value}}}`, so live validation
of the mappings costs no API call. The sync engine reads `length` from it to cut values that are too long.
"""

from __future__ import annotations

from typing import Any

KEPT_KEYS = (
    "name",
    "label",
    "type",
    "length",
    "createable",
    "updateable",
    "nillable",
    "defaultedOnCreate",
    "calculated",
    "calculatedFormula",
    "autoNumber",
    "htmlFormatted",
    "extraTypeInfo",
    "encrypted",
    "referenceTo",
    "cascadeDelete",
    "relationshipOrder",
    "compoundFieldName",
)


def describe_compact(describe: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: {key: f.get(key) for key in KEPT_KEYS} for f in describe.get("fields", [])}


def _reference_type(field: dict[str, Any], object_name: str) -> str:
    extra = (field.get("extraTypeInfo") or "").lower()
    targets = field.get("referenceTo") or []
    if extra == "externallookup" or any(t.endswith("__x") for t in targets):
        return "External Lookup"
    if extra == "indirectlookup":
        return "Indirect Lookup"
    if object_name == "User" and targets == ["User"] and field.get("name") != "Id":
        return "Hierarchical"
    if field.get("cascadeDelete") or field.get("relationshipOrder") is not None:
        return "Master-Detail"
    return "Lookup"


def _textarea_type(field: dict[str, Any]) -> str:
    if field.get("htmlFormatted") or (field.get("extraTypeInfo") or "") == "richtextarea":
        return "Text Area (Rich)"
    return "Text Area (Long)" if (field.get("length") or 0) > 255 else "Text Area"


SIMPLE_TYPES = {
    "string": "Text",
    "double": "Number",
    "int": "Number",
    "long": "Number",
    "date": "Date",
    "datetime": "Date/Time",
    "boolean": "Checkbox",
    "currency": "Currency",
    "percent": "Percent",
    "email": "Email",
    "phone": "Phone",
    "url": "URL",
    "picklist": "Picklist",
    "multipicklist": "Multi-Select Picklist",
    "encryptedstring": "Text (Encrypted)",
    "time": "Time",
    "location": "Geolocation",
    "id": "Record ID",
}


def setup_type(field: dict[str, Any], object_name: str) -> str:
    """The type as the Setup screen names it, from describe's type and flags (docs/salesforce.md §2)."""
    kind = field.get("type") or ""
    if field.get("autoNumber"):
        return "Auto Number"
    if field.get("calculated"):
        return "Formula" if field.get("calculatedFormula") else "Roll-Up Summary"
    if field.get("encrypted"):
        return "Text (Encrypted)"
    if (
        field.get("compoundFieldName")
        and kind == "double"
        and field.get("name", "").endswith(("__Latitude__s", "__Longitude__s"))
    ):
        return "Geolocation"
    if kind == "reference":
        return _reference_type(field, object_name)
    if kind == "textarea":
        return _textarea_type(field)
    return SIMPLE_TYPES.get(kind, kind or "unknown")


def required_on_create(fields: dict[str, dict[str, Any]]) -> list[str]:
    """Fields Salesforce refuses to create a record without (nillable false, createable, no default)."""
    return sorted(
        name
        for name, f in fields.items()
        if f.get("createable") and not f.get("nillable") and not f.get("defaultedOnCreate")
    )
