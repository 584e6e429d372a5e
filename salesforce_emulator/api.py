"""What every REST handler gets: the emulator, the request, the API version, the user and a transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salesforce_emulator import dml
from salesforce_emulator.errors import RecordError
from salesforce_emulator.store import Transaction
from salesforce_emulator.wire import Request, Response, json_response

SUPPORTED_VERSIONS = [f"{v}.0" for v in range(42, 63)]


@dataclass
class ApiCall:
    emulator: Any  # salesforce_emulator.app.Emulator
    request: Request
    version: str
    user_id: str
    tx: Transaction
    in_composite: bool = False

    def writer(self) -> dml.WriteContext:
        header = self.request.header("sforce-duplicate-rule-header").replace(" ", "").lower()
        return dml.WriteContext(
            org=self.emulator.org,
            tx=self.tx,
            locked_ids=self.emulator.faults.lock_records,
            allow_duplicate_save="allowsave=true" in header,
            version=self.version,
            user_id=self.user_id,
        )

    def url(self, object_name: str, record_id: str) -> str:
        return f"/services/data/v{self.version}/sobjects/{object_name}/{record_id}"

    def json_body(self) -> Any:
        try:
            return self.request.json()
        except ValueError as exc:
            raise RecordError(
                "JSON_PARSER_ERROR", f"Unexpected character: was expecting a JSON value ({exc})", None
            ) from None

    def object_name(self, name: str) -> str:
        canonical = self.emulator.org.schema.object_name(name)
        if canonical is None:
            raise RecordError("NOT_FOUND", "The requested resource does not exist", None, status=404)
        return canonical


def error_response(error: RecordError) -> Response:
    return json_response(error.status, [error.single()])


def errors_response(status: int, code: str, message: str) -> Response:
    return json_response(status, [{"message": message, "errorCode": code}])


def version_label(version: str) -> str:
    number = int(float(version))
    season = ("Winter", "Summer", "Spring")[(62 - number) % 3]
    year = 25 - (62 - number + 2) // 3  # v62.0 is Winter '25; three releases a year
    return f"{season} '{year:02d}"


def versions() -> list[dict[str, str]]:
    return [
        {"label": version_label(v), "url": f"/services/data/v{v}", "version": v} for v in SUPPORTED_VERSIONS
    ]


def shape_record(
    call: ApiCall, object_name: str, record: dict[str, Any], fields: list[str] | None = None
) -> dict[str, Any]:
    names = fields or call.emulator.org.schema.field_names(object_name)
    shaped: dict[str, Any] = {"attributes": {"type": object_name, "url": call.url(object_name, record["Id"])}}
    for name in names:
        shaped[name] = record.get(name)
    return shaped
