"""Routes under /services/data/vXX.X/ and the single-record, describe and limits handlers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from salesforce_emulator import composite, dml, ids, queries, sobject_collections
from salesforce_emulator.api import ApiCall, error_response, errors_response, shape_record
from salesforce_emulator.errors import RecordError, not_found
from salesforce_emulator.org_limits import limits_answer
from salesforce_emulator.wire import Response, empty, json_response

Handler = Callable[..., Response]


def resources(call: ApiCall) -> Response:
    base = f"/services/data/v{call.version}"
    names = ("sobjects", "query", "queryAll", "limits", "composite", "search", "recent", "tooling")
    return json_response(200, {name: f"{base}/{name}" for name in names})


def limits(call: ApiCall) -> Response:
    usage = call.emulator.usage
    return json_response(200, limits_answer(usage.daily_api_limit, usage.api_calls))


def describe_global(call: ApiCall) -> Response:
    return json_response(200, call.emulator.org.schema.describe_global(call.version))


def describe(call: ApiCall, name: str) -> Response:
    return json_response(200, call.emulator.org.schema.describe(call.object_name(name), call.version))


def object_info(call: ApiCall, name: str) -> Response:
    full = call.emulator.org.schema.describe_global(call.version)["sobjects"]
    info = next(o for o in full if o["name"] == call.object_name(name))
    return json_response(200, {"objectDescribe": info, "recentItems": []})


def create(call: ApiCall, name: str) -> Response:
    object_name = call.object_name(name)
    values = call.json_body()
    if not isinstance(values, dict):
        raise RecordError(
            "JSON_PARSER_ERROR", "Cannot deserialize instance of sObject from START_ARRAY", None
        )
    record = dml.create(call.writer(), object_name, values)
    return json_response(
        201,
        {"id": record["Id"], "success": True, "errors": []},
        {"Location": call.url(object_name, record["Id"])},
    )


def read(call: ApiCall, name: str, record_id: str) -> Response:
    object_name = call.object_name(name)
    record = call.tx.get(ids.normalize(record_id)) if ids.is_valid_id(record_id) else None
    if record is None or record.get("IsDeleted") or ids.object_for_id(record["Id"]) != object_name:
        raise not_found()
    return json_response(200, shape_record(call, object_name, record, _fields_arg(call, object_name)))


def update(call: ApiCall, name: str, record_id: str) -> Response:
    dml.update(call.writer(), call.object_name(name), record_id, _dict_body(call))
    return empty(204)


def delete(call: ApiCall, name: str, record_id: str) -> Response:
    dml.delete(call.writer(), call.object_name(name), record_id)
    return empty(204)


def upsert(call: ApiCall, name: str, field_name: str, value: str) -> Response:
    object_name = call.object_name(name)
    try:
        record, created = dml.upsert(call.writer(), object_name, field_name, value, _dict_body(call))
    except dml.MultipleMatches as exc:
        return json_response(300, exc.urls)
    body = {"id": record["Id"], "success": True, "errors": [], "created": created}
    if created:
        return json_response(201, body, {"Location": call.url(object_name, record["Id"])})
    return empty(204) if float(call.version) < 46 else json_response(200, body)


def read_by_external_id(call: ApiCall, name: str, field_name: str, value: str) -> Response:
    object_name = call.object_name(name)
    entry = call.emulator.org.schema.field(object_name, field_name)
    if entry is None or not (entry["idLookup"] or entry["externalId"]):
        raise not_found()
    matches = dml.find_by(call.writer(), object_name, entry["name"], value)
    if len(matches) > 1:
        return json_response(300, [call.url(object_name, r["Id"]) for r in matches])
    if not matches:
        raise not_found()
    return json_response(200, shape_record(call, object_name, matches[0], _fields_arg(call, object_name)))


def _dict_body(call: ApiCall) -> dict[str, Any]:
    values = call.json_body()
    if not isinstance(values, dict):
        raise RecordError(
            "JSON_PARSER_ERROR", "Cannot deserialize instance of sObject from START_ARRAY", None
        )
    return values


def _fields_arg(call: ApiCall, object_name: str) -> list[str] | None:
    wanted = [f.strip() for f in call.request.arg("fields").split(",") if f.strip()]
    schema = call.emulator.org.schema
    for name in wanted:
        if schema.field(object_name, name) is None:
            raise RecordError(
                "INVALID_FIELD",
                f"No such column '{name}' on entity '{object_name}'. If you are "
                "attempting to use a custom field, be sure to append the '__c' after the custom "
                "field name. Please reference your WSDL or the describe call for the appropriate "
                "names.",
                None,
            )
    return [schema.field(object_name, n)["name"] for n in wanted] or None


def _compiled(
    routes: list[tuple[str, dict[str, tuple[Handler, str]]]],
) -> list[tuple[re.Pattern[str], dict[str, tuple[Handler, str]]]]:
    return [(re.compile(p), m) for p, m in routes]


# (path pattern, {method: (handler, endpoint label)}); the first matching pattern wins.
ROUTES = _compiled(
    [
        (r"", {"GET": (resources, "GET /")}),
        (r"limits", {"GET": (limits, "GET /limits")}),
        (r"query", {"GET": (queries.query, "GET /query")}),
        (r"query/([^/]+)", {"GET": (queries.more, "GET /query")}),
        (r"queryAll", {"GET": (queries.query_all, "GET /queryAll")}),
        (r"queryAll/([^/]+)", {"GET": (queries.more, "GET /queryAll")}),
        (r"sobjects", {"GET": (describe_global, "GET /sobjects")}),
        (
            r"sobjects/([^/]+)",
            {"GET": (object_info, "GET /sobjects/{object}"), "POST": (create, "POST /sobjects/{object}")},
        ),
        (r"sobjects/([^/]+)/describe", {"GET": (describe, "GET /sobjects/{object}/describe")}),
        (
            r"sobjects/([^/]+)/([^/]+)",
            {
                "GET": (read, "GET /sobjects/{object}/{id}"),
                "PATCH": (update, "PATCH /sobjects/{object}/{id}"),
                "DELETE": (delete, "DELETE /sobjects/{object}/{id}"),
            },
        ),
        (
            r"sobjects/([^/]+)/([^/]+)/([^/]+)",
            {
                "GET": (read_by_external_id, "GET /sobjects/{object}/{field}/{value}"),
                "PATCH": (upsert, "PATCH /sobjects/{object}/{field}/{value}"),
            },
        ),
        (r"composite", {"POST": (composite.handle, "POST /composite")}),
        (
            r"composite/sobjects",
            {
                "POST": (sobject_collections.create, "POST /composite/sobjects"),
                "PATCH": (sobject_collections.update, "PATCH /composite/sobjects"),
                "DELETE": (sobject_collections.delete, "DELETE /composite/sobjects"),
            },
        ),
        (
            r"composite/sobjects/([^/]+)",
            {
                "GET": (sobject_collections.retrieve, "GET /composite/sobjects/{object}"),
                "POST": (sobject_collections.retrieve, "POST /composite/sobjects/{object}"),
            },
        ),
        (
            r"composite/sobjects/([^/]+)/([^/]+)",
            {"PATCH": (sobject_collections.upsert, "PATCH /composite/sobjects/{object}/{field}")},
        ),
    ]
)


def resolve(method: str, sub_path: str) -> tuple[Handler, tuple[str, ...], str] | Response:
    """The handler, its path arguments and the endpoint label; or the 404/405 answer."""
    from urllib.parse import unquote

    sub_path = sub_path.strip("/")
    for pattern, methods in ROUTES:
        match = pattern.fullmatch(sub_path)
        if match:
            if method not in methods:
                allowed = ",".join(methods)
                return errors_response(
                    405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed. Allowed are {allowed}"
                )
            handler, label = methods[method]
            return handler, tuple(unquote(g) for g in match.groups()), label
    return error_response(not_found())
