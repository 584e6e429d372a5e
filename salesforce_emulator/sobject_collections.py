"""sObject Collections: up to 200 records a call, one result per record in order, optional allOrNone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from salesforce_emulator import dml, ids
from salesforce_emulator.api import ApiCall, errors_response, shape_record
from salesforce_emulator.errors import ROLLED_BACK, RecordError
from salesforce_emulator.wire import Response, json_response

MAX_RECORDS = 200
MAX_RETRIEVE = 2000


def _body(call: ApiCall) -> dict[str, Any]:
    body = call.json_body()
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise RecordError("JSON_PARSER_ERROR", "Cannot deserialize: the request needs a records array", None)
    return body


def _too_many() -> Response:
    return errors_response(
        400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"
    )


def _run(
    call: ApiCall,
    items: list[Any],
    all_or_none: bool,
    operation: Callable[[dml.WriteContext, Any], dict[str, Any]],
) -> Response:
    writer = call.writer()
    savepoint = call.tx.savepoint()
    results: list[dict[str, Any]] = []
    failed = False
    for item in items:
        try:
            results.append({**operation(writer, item), "success": True, "errors": []})
        except RecordError as error:
            failed = True
            results.append({"success": False, "errors": [error.collections()]})
    if failed and all_or_none:
        call.tx.restore(savepoint)
        results = [
            r if not r["success"] else {"success": False, "errors": [ROLLED_BACK.collections()]}
            for r in results
        ]
    return json_response(200, [_ordered(r) for r in results])


def _ordered(result: dict[str, Any]) -> dict[str, Any]:
    """Keys in the order Salesforce writes them: id, success, errors[, created]."""
    ordered = {"id": result["id"]} if "id" in result else {}
    ordered.update(success=result["success"], errors=result["errors"])
    if "created" in result and result["success"]:
        ordered["created"] = result["created"]
    return ordered


def _type_of(record: Any) -> str:
    attributes = record.get("attributes") if isinstance(record, dict) else None
    type_name = attributes.get("type") if isinstance(attributes, dict) else None
    if not type_name:
        raise RecordError("INVALID_TYPE", "Must specify a type in the attributes of each record", [])
    return type_name


def _object(writer: dml.WriteContext, type_name: str) -> str:
    canonical = writer.org.schema.object_name(type_name)
    if canonical is None:
        raise RecordError("INVALID_TYPE", f"sObject type '{type_name}' is not supported.", [])
    return canonical


def create(call: ApiCall) -> Response:
    body = _body(call)
    if len(body["records"]) > MAX_RECORDS:
        return _too_many()

    def one(writer: dml.WriteContext, record: Any) -> dict[str, Any]:
        return {"id": dml.create(writer, _object(writer, _type_of(record)), record)["Id"]}

    return _run(call, body["records"], bool(body.get("allOrNone")), one)


def update(call: ApiCall) -> Response:
    body = _body(call)
    if len(body["records"]) > MAX_RECORDS:
        return _too_many()

    def one(writer: dml.WriteContext, record: Any) -> dict[str, Any]:
        object_name = _object(writer, _type_of(record))
        record_id = record.get("Id") or record.get("id")
        if not record_id:
            raise RecordError("MISSING_ARGUMENT", "Id not specified in an update call", [])
        if not ids.is_valid_id(record_id):
            raise RecordError("MALFORMED_ID", f"malformed id {record_id}", [])
        try:
            return {"id": dml.update(writer, object_name, record_id, record)["Id"]}
        except RecordError as error:
            if error.code == "NOT_FOUND":
                raise RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", []) from None
            raise

    return _run(call, body["records"], bool(body.get("allOrNone")), one)


def upsert(call: ApiCall, name: str, field_name: str) -> Response:
    object_name = call.object_name(name)
    body = _body(call)
    if len(body["records"]) > MAX_RECORDS:
        return _too_many()
    entry = call.emulator.org.schema.field(object_name, field_name)
    if entry is None or not (entry["idLookup"] or entry["externalId"]):
        return errors_response(
            400,
            "INVALID_FIELD",
            f"Field name provided, {field_name} is not an External ID or indexed field for {object_name}",
        )

    def one(writer: dml.WriteContext, record: Any) -> dict[str, Any]:
        key = next((k for k in record if k.lower() == entry["name"].lower()), None)
        if key is None or record[key] in (None, ""):
            raise RecordError("MISSING_ARGUMENT", f"{entry['name']} not specified", [])
        try:
            saved, created = dml.upsert(writer, object_name, entry["name"], record[key], record)
        except dml.MultipleMatches as exc:
            found = ", ".join(u.rsplit("/", 1)[1] for u in exc.urls)
            raise RecordError(
                "DUPLICATE_EXTERNAL_ID",
                f"{object_name}: more than one record found for external id field: [{found}]",
                [entry["name"]],
            ) from None
        return {"id": saved["Id"], "created": created}

    return _run(call, body["records"], bool(body.get("allOrNone")), one)


def delete(call: ApiCall) -> Response:
    record_ids = [i for i in call.request.arg("ids").split(",") if i]
    if len(record_ids) > MAX_RECORDS:
        return _too_many()
    all_or_none = call.request.arg("allOrNone").lower() == "true"

    def one(writer: dml.WriteContext, record_id: str) -> dict[str, Any]:
        if not ids.is_valid_id(record_id):
            raise RecordError("MALFORMED_ID", f"malformed id {record_id}", [])
        try:
            dml.delete(writer, None, record_id)
        except RecordError as error:
            if error.code == "NOT_FOUND":
                raise RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", []) from None
            raise
        return {"id": ids.normalize(record_id)}

    return _run(call, record_ids, all_or_none, one)


def retrieve(call: ApiCall, name: str) -> Response:
    object_name = call.object_name(name)
    if call.request.method == "POST":
        body = call.json_body() or {}
        record_ids, fields = body.get("ids") or [], body.get("fields") or []
    else:
        record_ids = [i for i in call.request.arg("ids").split(",") if i]
        fields = [f for f in call.request.arg("fields").split(",") if f]
    if len(record_ids) > MAX_RETRIEVE:
        return errors_response(
            400, "EXCEEDED_ID_LIMIT", "too many ids, cannot retrieve more than 2000 records"
        )
    schema = call.emulator.org.schema
    unknown = [f for f in fields if schema.field(object_name, f) is None]
    if not fields or unknown:
        return errors_response(
            400, "INVALID_FIELD", f"No such column '{(unknown or [''])[0]}' on entity '{object_name}'."
        )
    names = [schema.known_field(object_name, f)["name"] for f in fields]
    results = []
    for record_id in record_ids:
        record = call.tx.get(ids.normalize(record_id)) if ids.is_valid_id(record_id) else None
        valid = record and not record.get("IsDeleted") and ids.object_for_id(record["Id"]) == object_name
        results.append(shape_record(call, object_name, record, names) if record and valid else None)
    return json_response(200, results)
