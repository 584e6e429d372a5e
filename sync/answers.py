"""Reading Salesforce's answers to the batch's calls: error shapes, record Id prefixes, chunking."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from connector.salesforce.client import COLLECTION_SIZE
from sync.planner import CONTACT, LEAD


def object_of(record_id: str) -> str:
    return {"003": CONTACT, "00Q": LEAD}.get(record_id[:3], "")


def chunks(items: Sequence[Any], size: int = COLLECTION_SIZE) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def first_error(result: Any) -> dict[str, Any]:
    """The first error of a Collections result ({"errors": [...]}) or of an error body ([{...}])."""
    if isinstance(result, dict):
        result = result.get("errors")
    errors = result if isinstance(result, list) and result else [{}]
    return errors[0] if isinstance(errors[0], dict) else {}


def error_code(error: dict[str, Any]) -> str:
    return error.get("statusCode") or error.get("errorCode") or ""


def duplicate_id(error: dict[str, Any]) -> str:
    """The Id of the record a DUPLICATES_DETECTED error names, when Salesforce says it (the single-record
    answer does, under the misspelt key `duplicateResut`; a Collections result names no record). A Contact
    is preferred to a Lead, as the look-up prefers them."""
    found = [
        (found.get("record") or {}).get("Id") or ""
        for match in (duplicate_result(error).get("matchResults") or [])
        for found in (match.get("matchRecords") or [])
    ]
    found = [record_id for record_id in found if object_of(record_id)]
    return sorted(found, key=lambda record_id: object_of(record_id) != CONTACT)[0] if found else ""


def duplicate_result(error: dict[str, Any]) -> dict[str, Any]:
    return error.get("duplicateResult") or error.get("duplicateResut") or {}


# A person converted (CANNOT_UPDATE_CONVERTED_LEAD, "cannot reference converted lead"), merged or deleted
# (ENTITY_IS_DELETED; a membership naming it: INVALID_CROSS_REFERENCE_KEY on LeadId or ContactId) between the
# look-up and the write (Salesforce, API errors StatusCode reference; SOAP API merge()).
_CHANGED_CODES = frozenset({"CANNOT_UPDATE_CONVERTED_LEAD", "ENTITY_IS_DELETED"})


def changed_meanwhile(error: dict[str, Any]) -> bool:
    code = error_code(error)
    if code == "INVALID_CROSS_REFERENCE_KEY":
        return bool({"LeadId", "ContactId"} & set(error.get("fields") or []))
    return code in _CHANGED_CODES
