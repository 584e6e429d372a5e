"""Composite: up to 25 subrequests in one API call, with @{ref.path} references and allOrNone."""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import urlsplit

from salesforce_emulator.api import ApiCall, errors_response
from salesforce_emulator.wire import Request, Response, json_response, parse_query

MAX_SUBREQUESTS = 25
MAX_QUERIES = 5
_REFERENCE = re.compile(r"@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])+)\}")
_HALTED = "The transaction was rolled back since another operation in the same transaction failed."
_STEP = re.compile(r"\.([A-Za-z0-9_]+)|\[(\d+)\]")  # one step of a reference's path
_URL = re.compile(r"/services/data/v(\d+\.\d)/(.*)")
# Query More (a nextRecordsUrl, /query/01g…-2000) counts as a query too.
_QUERY_OR_COLLECTION = re.compile(r"/(query|queryAll)(/[^/]*)?$|/composite/sobjects(/|$)")
# What a subrequest is, for the usage stats (first match wins).
_KINDS = (
    ("query", re.compile(r"/(query|queryAll)(/[^/]*)?$")),
    ("collections", re.compile(r"/composite/sobjects")),
    ("describe", re.compile(r"/describe/?$")),
    ("record", re.compile(r"/sobjects/")),
)


class _Unresolved(Exception):
    def __init__(self, expression: str, reference_id: str) -> None:
        super().__init__(
            f"Invalid reference specified. No value for {expression} found in {reference_id}. "
            f"Provided referenceId ('{reference_id}') must be a subrequest of this request."
        )


def _halted(message: str) -> tuple[int, Any]:
    return 400, [{"errorCode": "PROCESSING_HALTED", "message": message}]


def _lookup(results: dict[str, Any], match: re.Match[str]) -> Any:
    reference_id, path = match.group(1), match.group(2)
    expression = reference_id + path
    if reference_id not in results:
        raise _Unresolved(expression, reference_id)
    value = results[reference_id]
    for key, index in _STEP.findall(path):
        try:
            value = value[int(index)] if index else value[key]
        except (KeyError, IndexError, TypeError):
            raise _Unresolved(expression, reference_id) from None
    if value is None:
        raise _Unresolved(expression, reference_id)
    # A part of an earlier answer: the subrequest gets its own copy, as if it had come through JSON.
    return copy.deepcopy(value) if isinstance(value, (dict, list)) else value


def _substitute(value: Any, results: dict[str, Any]) -> Any:
    if isinstance(value, str):
        if "@{" not in value:  # most values of a Collections body: no regex to run
            return value
        whole = _REFERENCE.fullmatch(value)
        if whole:
            return _lookup(results, whole)  # keeps numbers and booleans as they are
        return _REFERENCE.sub(lambda m: str(_lookup(results, m)), value)
    if isinstance(value, dict):  # a record: most of its values are plain, and kept without a call
        return {
            k: v if (type(v) is str and "@{" not in v) or v is None else _substitute(v, results)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_substitute(v, results) for v in value]
    return value


def handle(call: ApiCall) -> Response:
    body = call.json_body()
    subrequests = body.get("compositeRequest") if isinstance(body, dict) else None
    if not isinstance(subrequests, list) or not subrequests:
        return errors_response(400, "INVALID_FIELD", "compositeRequest is required")
    call.emulator.usage.note_composite(_kinds(subrequests))
    if len(subrequests) > MAX_SUBREQUESTS:
        return errors_response(400, "LIMIT_EXCEEDED", "Max number of subrequests is 25")
    # Salesforce counts queries and sObject Collections together against the limit of 5 (the real
    # message is not recorded; the code and HTTP status are what clients match on).
    heavy = [s for s in subrequests if _QUERY_OR_COLLECTION.search(str(s.get("url", "")).split("?")[0])]
    if len(heavy) > MAX_QUERIES:
        return errors_response(
            400, "LIMIT_EXCEEDED", "Max number of query or sObject Collections subrequests is 5"
        )
    reference_ids = [s.get("referenceId") for s in subrequests]
    if len(set(reference_ids)) != len(reference_ids) or not all(reference_ids):
        return errors_response(400, "INVALID_INPUT", "Duplicate or missing referenceId in compositeRequest")
    all_or_none = bool(body.get("allOrNone"))
    savepoint = call.tx.savepoint()
    results: dict[str, Any] = {}
    responses: list[dict[str, Any]] = []
    for subrequest in subrequests:
        status, data, headers = _run_one(call, subrequest, results)
        responses.append(
            {
                "body": data,
                "httpHeaders": headers,
                "httpStatusCode": status,
                "referenceId": subrequest["referenceId"],
            }
        )
        if status < 400:
            results[subrequest["referenceId"]] = data
        elif all_or_none:
            call.tx.restore(savepoint)
            return json_response(200, {"compositeResponse": _halt_all(responses, subrequests)})
    return json_response(200, {"compositeResponse": responses})


def _kinds(subrequests: list[Any]) -> str:
    """What a Composite carries, for the usage stats: "query", "collections", "record+collections", …"""
    paths = [str(s.get("url", "")).split("?")[0] for s in subrequests if isinstance(s, dict)]
    kinds = {next((kind for kind, pattern in _KINDS if pattern.search(p)), "other") for p in paths}
    return "+".join(sorted(kinds))


def _halt_all(responses: list[dict[str, Any]], subrequests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The failing subrequest keeps its error; every other one, run or not, was rolled back."""
    failed = responses[-1]["referenceId"]
    out = []
    for subrequest in subrequests:
        if subrequest["referenceId"] == failed:
            out.append(responses[-1])
            continue
        status, data = _halted(_HALTED)
        out.append(
            {
                "body": data,
                "httpHeaders": {},
                "httpStatusCode": status,
                "referenceId": subrequest["referenceId"],
            }
        )
    return out


def _run_one(call: ApiCall, subrequest: dict[str, Any], results: dict[str, Any]) -> tuple[int, Any, dict]:

    try:
        url = _substitute(str(subrequest.get("url", "")), results)
        payload = _substitute(subrequest.get("body"), results)
    except _Unresolved as exc:
        return (*_halted(str(exc)), {})
    parts = urlsplit(url)
    match = _URL.fullmatch(parts.path)
    method = str(subrequest.get("method", "GET")).upper()
    if match is None:
        return 404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}], {}
    headers = {
        **call.request.headers,
        **{k.lower(): v for k, v in (subrequest.get("httpHeaders") or {}).items()},
    }
    request = Request(  # the body as a value (fresh: _substitute copies), not encoded to be decoded again
        method,
        parts.path,
        parse_query(parts.query),
        headers,
        b"",
        call.request.client_ip,
        parsed=payload,
    )
    response = call.emulator.dispatch_api(
        request, match.group(1), match.group(2), call.user_id, call.tx, in_composite=True
    )
    data = response.data if response.has_body() else None
    location = response.headers.get("Location")
    return response.status, data, ({"Location": location} if location else {})
