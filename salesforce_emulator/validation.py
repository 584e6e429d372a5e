"""Field-level checks an org runs on every write, in the order Salesforce reports them."""

from __future__ import annotations

import datetime
import re
from typing import Any

from salesforce_emulator import ids
from salesforce_emulator.errors import RecordError
from salesforce_emulator.schema import Schema

# A local part may not start with a period (INVALID_EMAIL_ADDRESS); non-Latin letters in it are accepted by
# orgs created since Summer '20, API 49+ (Salesforce Help, "Internationalized Email Addresses").
_EMAIL = re.compile(
    r"^(?!\.)[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_TEXT_TYPES = {"string", "textarea", "email", "phone", "url", "picklist", "multipicklist", "encryptedstring"}
_NUMBER_TYPES = {"double", "currency", "percent", "int"}


def resolve_fields(schema: Schema, object_name: str, values: dict[str, Any]) -> dict[str, Any]:
    """Map the client's field names (any case) to canonical ones; unknown names are INVALID_FIELD."""
    resolved = {}
    for name, value in values.items():
        if name == "attributes":
            continue
        entry = schema.field(object_name, name)
        if entry is None:
            raise RecordError(
                "INVALID_FIELD", f"No such column '{name}' on sobject of type {object_name}", None
            )
        resolved[entry["name"]] = value
    return resolved


def check_writable(schema: Schema, object_name: str, values: dict[str, Any], *, creating: bool) -> None:
    flag = "createable" if creating else "updateable"
    fields = schema.field_map(object_name)
    refused = [n for n in values if not fields[n][flag]]
    if refused:
        raise RecordError(
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            f"Unable to create/update fields: {', '.join(refused)}. "
            "Please check the security settings of this "
            "field and verify that it is read/write for your profile or permission set.",
            refused,
        )


def coerce_values(schema: Schema, object_name: str, values: dict[str, Any]) -> dict[str, Any]:
    """Values in their stored form; a value of the wrong JSON type is a JSON_PARSER_ERROR like the real
    one."""
    fields = schema.field_map(object_name)
    return {name: _coerce(fields[name], value) for name, value in values.items()}


def _coerce(entry: dict[str, Any], value: Any) -> Any:
    type_ = entry["type"]
    if value is None:
        return None
    if type_ in _TEXT_TYPES:
        if isinstance(value, bool) or isinstance(value, (list, dict)):
            raise _parser_error("String", value)
        text = str(value) if not isinstance(value, str) else value
        return text.lower() if type_ == "email" else text  # Salesforce stores emails lower-cased
    if type_ == "boolean":
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if not isinstance(value, bool):
            raise _parser_error("boolean", value)
        return value
    if type_ in _NUMBER_TYPES:
        try:
            number = float(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None:
            raise _parser_error("double", value)
        return int(number) if type_ == "int" else number
    if type_ == "date":
        return _date(value)
    if type_ == "datetime":
        return _datetime(value)
    if type_ == "reference":
        if not ids.is_valid_id(value):
            label = entry["label"]
            raise RecordError(
                "MALFORMED_ID", f"{label}: id value of incorrect type: {value}", [entry["name"]]
            )
        return ids.normalize(value)
    return value


def _date(value: Any) -> str:
    try:
        return datetime.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise _parser_error("date", value) from None


def _datetime(value: Any) -> str:
    try:
        parsed = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise _parser_error("datetime", value) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return format_datetime(parsed)


def format_datetime(moment: datetime.datetime) -> str:
    utc = moment.astimezone(datetime.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def _parser_error(type_name: str, value: Any) -> RecordError:
    return RecordError(
        "JSON_PARSER_ERROR",
        f"Cannot deserialize instance of {type_name} from VALUE_STRING value {value} "
        "or request may be missing a required field",
        None,
    )


def check_required(
    schema: Schema, object_name: str, record: dict[str, Any], touched: set[str], *, creating: bool
) -> None:
    missing = [
        name
        for name in schema.required_fields(object_name)
        if (creating or name in touched) and record.get(name) in (None, "")
    ]
    if missing:
        raise RecordError(
            "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing
        )


def check_values(schema: Schema, object_name: str, values: dict[str, Any]) -> None:
    """Lengths, email format and restricted picklists of the fields the client wrote."""
    fields = schema.field_map(object_name)
    for name, value in values.items():
        if value is None or value == "":
            continue
        entry = fields[name]
        label, type_ = entry["label"], entry["type"]
        if type_ in _TEXT_TYPES and entry["length"] and len(value) > entry["length"]:
            raise RecordError(
                "STRING_TOO_LONG",
                f"{label}: data value too large: {value} (max length={entry['length']})",
                [name],
            )
        if type_ == "email" and not _EMAIL.match(value):
            raise RecordError("INVALID_EMAIL_ADDRESS", f"{label}: invalid email address: {value}", [name])
        if type_ in ("picklist", "multipicklist") and entry["restrictedPicklist"]:
            allowed = {p["value"] for p in entry["picklistValues"] if p["active"]}
            chosen = value.split(";") if type_ == "multipicklist" else [value]
            bad = [v for v in chosen if v not in allowed]
            if bad:
                raise RecordError(
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    f"{label}: bad value for restricted picklist field: {bad[0]}",
                    [name],
                )


def check_rules(rules: list[dict[str, Any]], object_name: str, record: dict[str, Any]) -> None:
    """The org file's validation rules:
    {"object", "field", "must_not_contain", "message"[, "error_field"]}."""
    for rule in rules:
        if rule["object"] != object_name:
            continue
        value = record.get(rule["field"])
        if isinstance(value, str) and rule["must_not_contain"].lower() in value.lower():
            error_field = rule.get("error_field")
            raise RecordError(
                "FIELD_CUSTOM_VALIDATION_EXCEPTION", rule["message"], [error_field] if error_field else []
            )
