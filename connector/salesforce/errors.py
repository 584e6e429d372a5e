"""The one place that sorts Salesforce's answers, for everything that talks to Salesforce.

A failed call becomes one class of the taxonomy below (`classify`, `from_status`): callers decide retry
versus give-up from the class (or `permanent`) alone. A record refused inside a successful call (an sObject
Collections result, a Composite subrequest) becomes a `RecordError` of one kind (`record_error`): callers
decide from the kind alone. Answers are sorted on `errorCode` / `statusCode` / OAuth `error` and the HTTP
status, never on messages: Salesforce localises those.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any

import requests
import simple_salesforce.exceptions as sf_exc
from oauthlib.oauth2 import OAuth2Error


class SalesforceError(Exception):
    """Base of every failure of a Salesforce call."""

    permanent: bool = True

    def __init__(self, code: str, message: str = "", *, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.status = status


class TransientError(SalesforceError):
    """Timeouts, connection errors, 5xx, UNABLE_TO_LOCK_ROW: retry later with backoff."""

    permanent = False


class SessionExpired(SalesforceError):
    """401 INVALID_SESSION_ID: refresh the access token once and retry."""

    permanent = False


class AuthorizationRevoked(SalesforceError):
    """The refresh token was refused (invalid_grant): the organizer must log in again."""

    permanent = True


class ApiLimitExceeded(SalesforceError):
    """403 REQUEST_LIMIT_EXCEEDED: stop calling now; resume once the rolling 24 h window allows."""

    permanent = False


class RequestRefused(SalesforceError):
    """Any other 4xx (malformed query, invalid field, bad credentials…): retrying cannot help."""

    permanent = True


TRANSIENT_CODES = frozenset({"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "REQUEST_RUNNING_TOO_LONG"})
# OAuth token endpoint errors that mean "this refresh token (or code) is no longer good".
REVOKED_OAUTH_ERRORS = frozenset({"invalid_grant"})


def _first_error(content: Any) -> tuple[str, str]:
    """(code, message) of the first error of a Salesforce error body, whichever shape it has."""
    if isinstance(content, (bytes, str)):
        try:
            content = json.loads(content) if content else None
        except ValueError:
            return "", ""
    if isinstance(content, list) and content:
        content = content[0]
    if isinstance(content, dict):
        code = content.get("errorCode") or content.get("statusCode") or content.get("error") or ""
        message = content.get("message") or content.get("error_description") or ""
        return str(code), str(message)
    return "", ""


def from_status(status: int, content: Any) -> SalesforceError:
    """Sort an HTTP error answer (status + parsed or raw body)."""
    code, message = _first_error(content)
    if code in TRANSIENT_CODES or status >= 500:
        return TransientError(code or f"HTTP_{status}", message, status=status)
    if status == 401 or code == "INVALID_SESSION_ID":
        return SessionExpired(code or "INVALID_SESSION_ID", message, status=status)
    if code == "REQUEST_LIMIT_EXCEEDED":
        return ApiLimitExceeded(code, message, status=status)
    if code in REVOKED_OAUTH_ERRORS:
        return AuthorizationRevoked(code, message, status=status)
    return RequestRefused(code or f"HTTP_{status}", message, status=status)


def classify(exc_or_response: BaseException | requests.Response) -> SalesforceError:
    """The single place that turns any failure of a Salesforce call into our taxonomy."""
    error = exc_or_response
    if isinstance(error, SalesforceError):
        return error
    if isinstance(error, requests.Response):
        try:
            body: Any = error.json()
        except ValueError:
            body = error.text
        return from_status(error.status_code, body)
    if isinstance(error, sf_exc.SalesforceError):
        return from_status(int(error.status), error.content)
    if isinstance(error, OAuth2Error):
        code = error.error or "oauth_error"
        if code in REVOKED_OAUTH_ERRORS:
            return AuthorizationRevoked(code, error.description or "")
        status = getattr(error, "status_code", None) or 400
        return from_status(status, {"error": code, "error_description": error.description or ""})
    if isinstance(error, (requests.Timeout, requests.ConnectionError)):
        return TransientError(
            type(error).__name__, "Salesforce did not answer in time or the connection failed"
        )
    if isinstance(error, requests.RequestException):
        return TransientError(type(error).__name__, "the request to Salesforce failed")
    if isinstance(error, ValueError):
        # A body that is not the JSON Salesforce promises: a proxy or maintenance page.
        return TransientError("INVALID_RESPONSE", "Salesforce sent an unreadable answer")
    raise TypeError(f"cannot classify {type(error).__name__}") from error


# --- Record-level: one record refused inside a call that succeeded -----------------------------------------


class RecordErrorKind(enum.Enum):
    RETRY = "retry"  # transient (UNABLE_TO_LOCK_ROW…, or a subrequest answered 5xx): the same write later
    # The person was converted, merged or deleted since it was looked up: look it up again, never a failure.
    CHANGED = "changed"
    DUPLICATE_RULE = "duplicate_rule"  # DUPLICATES_DETECTED: a duplicate rule matched another record
    DUPLICATE_VALUE = "duplicate_value"  # a unique value is taken (a membership create: already a member)
    FAILED = "failed"  # refused for good (a field error, an invalid value…): Salesforce's code and message


# A person converted (CANNOT_UPDATE_CONVERTED_LEAD, "cannot reference converted lead"), merged or deleted
# (ENTITY_IS_DELETED; a membership naming it: INVALID_CROSS_REFERENCE_KEY on LeadId or ContactId) between the
# look-up and the write (Salesforce, API errors StatusCode reference; SOAP API merge()).
CHANGED_CODES = frozenset({"CANNOT_UPDATE_CONVERTED_LEAD", "ENTITY_IS_DELETED"})
CHANGED_REFERENCE_FIELDS = frozenset({"LeadId", "ContactId"})
UNKNOWN_RECORD_ERROR = "UNKNOWN_ERROR"


@dataclass(frozen=True)
class RecordError:
    kind: RecordErrorKind
    code: str  # Salesforce's statusCode / errorCode; UNKNOWN_ERROR when the answer names none
    message: str = ""
    answered: bool = True  # False: the answer held no error to read (an empty or missing body)
    # DUPLICATES_DETECTED in a single-record answer: the Ids of the records the rule matched, and its name
    # (a Collections result names neither).
    matched_ids: tuple[str, ...] = ()
    rule: str = ""


def _record_first_error(result: Any) -> dict[str, Any]:
    """The first error of a Collections result ({"errors": [...]}) or of an error body ([{...}])."""
    if isinstance(result, dict):
        result = result.get("errors")
    errors = result if isinstance(result, list) and result else [{}]
    return errors[0] if isinstance(errors[0], dict) else {}


def _duplicate_result(error: dict[str, Any]) -> dict[str, Any]:
    # The single-record answer spells the key `duplicateResut` (sic); accept the correct spelling too.
    return error.get("duplicateResult") or error.get("duplicateResut") or {}


def _matched_ids(duplicate: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        (found.get("record") or {}).get("Id") or ""
        for match in (duplicate.get("matchResults") or [])
        for found in (match.get("matchRecords") or [])
    )


def _record_kind(code: str, error: dict[str, Any], status: int) -> RecordErrorKind:
    if code in TRANSIENT_CODES or status >= 500:
        return RecordErrorKind.RETRY
    if code in CHANGED_CODES or (
        code == "INVALID_CROSS_REFERENCE_KEY" and CHANGED_REFERENCE_FIELDS & set(error.get("fields") or [])
    ):
        return RecordErrorKind.CHANGED
    if code == "DUPLICATES_DETECTED":
        return RecordErrorKind.DUPLICATE_RULE
    if code == "DUPLICATE_VALUE":
        return RecordErrorKind.DUPLICATE_VALUE
    return RecordErrorKind.FAILED


def record_error(result: Any, *, status: int = 0) -> RecordError:
    """Sort one refused record: a Collections result ({"success": false, "errors": [...]}) or the error body
    of a Composite subrequest ([{...}]). `status`: the HTTP status of a subrequest that failed as a whole,
    whose 5xx is transient whatever its body says."""
    error = _record_first_error(result)
    code = str(error.get("statusCode") or error.get("errorCode") or "")
    duplicate = _duplicate_result(error) if code == "DUPLICATES_DETECTED" else {}
    return RecordError(
        kind=_record_kind(code, error, status),
        code=code or UNKNOWN_RECORD_ERROR,
        message=error.get("message") or "",
        answered=bool(error),
        matched_ids=_matched_ids(duplicate),
        rule=duplicate.get("duplicateRule") or "",
    )


def record_failure(code: str, message: str) -> RecordError:
    """A record refused for good for a reason of our own reading (a blocking duplicate rule, a membership
    Salesforce says exists and cannot be found)."""
    return RecordError(RecordErrorKind.FAILED, code, message)
