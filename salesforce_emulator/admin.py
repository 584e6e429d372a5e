"""`/__emulator__/`: stats, records, fault injection, settings and reset, for tests, benchmarks and demos."""

from __future__ import annotations

from typing import Any

from salesforce_emulator import conversions
from salesforce_emulator.api import errors_response
from salesforce_emulator.errors import RecordError
from salesforce_emulator.faults import FAULT_KEYS
from salesforce_emulator.wire import Request, Response, json_response

SETTING_KEYS = (
    "duplicate_rules",
    "campaign_member_status_policy",
    "converted_lead_members",
    "non_marketing_users",
    "member_copies",
    "refresh_token_rotation",
    "daily_api_limit",
    "session_timeout",
    "code_ttl_seconds",
)
ACTION_KEYS = ("expire_sessions", "revoke_refresh_tokens", "api_calls_used")


def handle(emulator: Any, request: Request, action: str) -> Response:
    if action == "stats" and request.method == "GET":
        return json_response(200, emulator.usage.stats())
    if action == "faults" and request.method in ("GET", "POST"):
        if request.method == "POST":
            try:
                apply(emulator, request.json() or {})
            except (ValueError, TypeError) as exc:
                return errors_response(400, "INVALID_INPUT", str(exc))
        return json_response(200, state(emulator))
    if action == "reset" and request.method == "POST":
        emulator.reset()
        return json_response(200, {"reset": True})
    if action == "token" and request.method == "POST":
        body = request.json() or {}
        return json_response(
            200,
            {"access_token": emulator.issue_token(body.get("username")), "instance_url": emulator.base_url},
        )
    if action in ("convert", "merge") and request.method == "POST":
        return _org_change(emulator, action, request)
    if action.startswith("records/") and request.method == "GET":
        try:
            rows = emulator.records(action.removeprefix("records/"), request.arg("include_deleted") == "true")
        except ValueError as exc:
            return errors_response(404, "NOT_FOUND", str(exc))
        return json_response(200, rows)
    return errors_response(404, "NOT_FOUND", "The requested resource does not exist")


def _org_change(emulator: Any, action: str, request: Request) -> Response:
    """What an admin does in the org meanwhile: convert a Lead, merge records."""
    body = request.json() or {}
    try:
        if action == "convert":
            result = conversions.convert_lead(
                emulator, str(body.get("lead_id") or ""), account_id=str(body.get("account_id") or "")
            )
            return json_response(200, result)
        losers = [str(i) for i in body.get("loser_ids") or []]
        conversions.merge(emulator, str(body.get("master_id") or ""), losers)
        return json_response(200, {"merged": True})
    except RecordError as error:
        return json_response(error.status, [error.single()])


def apply(emulator: Any, values: dict[str, Any]) -> None:
    """Set faults and settings; `expire_sessions`, `revoke_refresh_tokens`, `api_calls_used` act once."""
    if not isinstance(values, dict):
        raise ValueError("a JSON object is expected")
    unknown = set(values) - set(FAULT_KEYS) - set(SETTING_KEYS) - set(ACTION_KEYS)
    if unknown:
        raise ValueError(f"unknown keys: {sorted(unknown)}")
    emulator.org.settings.update(
        {
            k: values[k]
            for k in (
                "duplicate_rules",
                "campaign_member_status_policy",
                "converted_lead_members",
                "non_marketing_users",
                "member_copies",
                "code_ttl_seconds",
            )
            if k in values
        }
    )
    emulator.faults.set(values)
    if values.get("expire_sessions"):
        emulator.oauth.expire_sessions()
    if values.get("revoke_refresh_tokens"):
        emulator.oauth.revoke_refresh_tokens()
    if "api_calls_used" in values:
        emulator.usage.api_calls = int(values["api_calls_used"])
    if "daily_api_limit" in values:
        emulator.usage.daily_api_limit = int(values["daily_api_limit"])
    if "session_timeout" in values:
        emulator.oauth.session_timeout = int(values["session_timeout"])
    if "refresh_token_rotation" in values:
        for app in emulator.org.connected_apps:
            app.refresh_token_rotation = bool(values["refresh_token_rotation"])


def state(emulator: Any) -> dict[str, Any]:
    settings = emulator.org.settings
    return {
        "faults": emulator.faults.as_dict(),
        "settings": {
            "duplicate_rules": settings.duplicate_rules,
            "campaign_member_status_policy": settings.campaign_member_status_policy,
            "converted_lead_members": settings.converted_lead_members,
            "non_marketing_users": list(settings.non_marketing_users),
            "member_copies": settings.member_copies,
            "refresh_token_rotation": any(a.refresh_token_rotation for a in emulator.org.connected_apps),
            "daily_api_limit": emulator.usage.daily_api_limit,
            "session_timeout": emulator.oauth.session_timeout,
            "code_ttl_seconds": settings.code_ttl_seconds,
        },
    }
