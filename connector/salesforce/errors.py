"""The one error taxonomy for everything that talks to Salesforce.

Callers decide retry versus give-up from the class (or `permanent`) alone. Errors are sorted on
`errorCode` / `statusCode` / OAuth `error`, never on messages: Salesforce localises those.
"""

from __future__ import annotations

import json
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
