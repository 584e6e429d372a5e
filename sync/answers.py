"""What the sync makes of Salesforce's answers, once connector.salesforce.errors has sorted them: record Id
prefixes, the record to link a duplicate to, chunking."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from connector.salesforce.client import COLLECTION_SIZE
from connector.salesforce.errors import RecordError
from sync.planner import CONTACT, LEAD


def object_of(record_id: str) -> str:
    return {"003": CONTACT, "00Q": LEAD}.get(record_id[:3], "")


def chunks(items: Sequence[Any], size: int = COLLECTION_SIZE) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def duplicate_id(error: RecordError) -> str:
    """The Id of the record a DUPLICATES_DETECTED error names, when Salesforce says it (the single-record
    answer does; a Collections result names no record). A Contact is preferred to a Lead, as the look-up
    prefers them."""
    found = [record_id for record_id in error.matched_ids if object_of(record_id)]
    return sorted(found, key=lambda record_id: object_of(record_id) != CONTACT)[0] if found else ""
