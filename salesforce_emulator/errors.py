"""Errors as Salesforce shapes them: `errorCode` on single-record calls, `statusCode` in Collections."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordError(Exception):
    """A refused write or look-up. `fields=None` leaves the key out of the single-record shape."""

    code: str
    message: str
    fields: list[str] | None = field(default_factory=list)
    status: int = 400
    duplicate_result: dict[str, Any] | None = None
    collections_message: str | None = None

    def single(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self.duplicate_result is not None:
            body["duplicateResut"] = self.duplicate_result  # sic: the real key is misspelled
        body.update(message=self.message, errorCode=self.code)
        if self.fields is not None:
            body["fields"] = list(self.fields)
        return body

    def collections(self) -> dict[str, Any]:
        return {
            "statusCode": self.code,
            "message": self.collections_message or self.message,
            "fields": list(self.fields or []),
        }


def not_found() -> RecordError:
    return RecordError("NOT_FOUND", "The requested resource does not exist", None, status=404)


def entity_deleted() -> RecordError:
    return RecordError("ENTITY_IS_DELETED", "entity is deleted", [], status=404)


def invalid_cross_reference(field_name: str | None = None) -> RecordError:
    return RecordError(
        "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [field_name] if field_name else []
    )


def locked(record_id: str) -> RecordError:
    return RecordError(
        "UNABLE_TO_LOCK_ROW",
        f"unable to obtain exclusive access to this record or 1 records: {record_id}",
        [],
    )


ROLLED_BACK = RecordError(
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using AllOrNone header",
)
