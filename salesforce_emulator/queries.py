"""query and queryAll: the SOQL engine's records, in batches linked by path-only nextRecordsUrl values."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from salesforce_emulator import ids, soql_errors
from salesforce_emulator.api import ApiCall, errors_response
from salesforce_emulator.wire import Response, json_response

DEFAULT_BATCH_SIZE = 2000
LOCATOR_IDLE_SECONDS = 15 * 60
_BATCH_SIZE = re.compile(r"batchsize\s*=\s*(\d+)", re.IGNORECASE)


class Cursors:
    """Open query locators: the remaining records of a query, kept 15 idle minutes like Salesforce."""

    def __init__(self) -> None:
        self._open: dict[str, tuple[float, list[dict[str, Any]], int, int]] = {}
        self._lock = threading.Lock()

    def open(self, records: list[dict[str, Any]], total: int, batch: int) -> str:
        locator = ids.new_id(ids.QUERY_LOCATOR_PREFIX)[:15]
        with self._lock:
            now = time.monotonic()
            self._open = {k: v for k, v in self._open.items() if now - v[0] < LOCATOR_IDLE_SECONDS}
            self._open[locator] = (now, records, total, batch)
        return locator

    def get(self, locator: str) -> tuple[list[dict[str, Any]], int, int] | None:
        with self._lock:
            entry = self._open.get(locator)
            if entry is None or time.monotonic() - entry[0] > LOCATOR_IDLE_SECONDS:
                return None
            self._open[locator] = (time.monotonic(), *entry[1:])
            return entry[1], entry[2], entry[3]

    def clear(self) -> None:
        with self._lock:
            self._open.clear()


def batch_size(call: ApiCall) -> int:
    match = _BATCH_SIZE.search(call.request.header("sforce-query-options"))
    return max(200, min(2000, int(match.group(1)))) if match else DEFAULT_BATCH_SIZE


def run(call: ApiCall, text: str, *, include_deleted: bool) -> Response:
    from salesforce_emulator import soql  # written alongside; imported late so the rest works without it

    if not text.strip():
        return errors_response(400, "MALFORMED_QUERY", "A query string has to be specified")
    if _reads_marketing_only(text) and not _marketing_user(call):
        # Reading CampaignMemberStatus needs the Marketing User flag; the refusal's shape is not documented:
        # the answer SOQL gives for an object the user cannot see.
        return errors_response(400, "INVALID_TYPE", soql_errors.NO_OBJECT.format(name="CampaignMemberStatus"))
    try:
        result = soql.run_query(
            text,
            schema=call.emulator.org.schema,
            store=call.tx,
            api_version=call.version,
            include_deleted=include_deleted,
        )
    except soql.SoqlError as exc:
        return errors_response(400, exc.error_code, exc.message)
    endpoint = "queryAll" if include_deleted else "query"
    return _page(call, endpoint, result.records, result.total_size, 0, batch_size(call), None)


_MARKETING_ONLY = re.compile(r"\bFROM\s+CampaignMemberStatus\b", re.IGNORECASE)


def _reads_marketing_only(text: str) -> bool:
    """Whether the statement reads CampaignMemberStatus. The case-insensitive search tries every position of
    a look-up's 40,000 characters (~1 ms): an ASCII statement without the name, in any case, cannot match
    (other statements may: IGNORECASE also equates some non-ASCII letters with ASCII ones)."""
    if text.isascii() and "campaignmemberstatus" not in text.lower():
        return False
    return _MARKETING_ONLY.search(text) is not None


def _marketing_user(call: ApiCall) -> bool:
    user = call.emulator.org.user_by_id(call.user_id)
    return user is None or call.emulator.org.settings.is_marketing_user(user.username)


def query(call: ApiCall) -> Response:
    return run(call, call.request.arg("q"), include_deleted=False)


def query_all(call: ApiCall) -> Response:
    return run(call, call.request.arg("q"), include_deleted=True)


def more(call: ApiCall, cursor: str) -> Response:
    locator, _, offset = cursor.partition("-")
    entry = call.emulator.cursors.get(locator)
    if entry is None or not offset.isdigit():
        return errors_response(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    records, total, batch = entry
    endpoint = call.request.path.split("/")[4] if call.request.path.count("/") >= 4 else "query"
    return _page(call, endpoint, records, total, int(offset), batch, locator)


def _page(
    call: ApiCall,
    endpoint: str,
    records: list[dict[str, Any]],
    total: int,
    offset: int,
    batch: int,
    locator: str | None,
) -> Response:
    page = records[offset : offset + batch]
    body: dict[str, Any] = {"totalSize": total, "done": offset + batch >= len(records)}
    if not body["done"]:
        locator = locator or call.emulator.cursors.open(records, total, batch)
        body["nextRecordsUrl"] = f"/services/data/v{call.version}/{endpoint}/{locator}-{offset + batch}"
    body["records"] = page
    return json_response(200, body)
