"""The one Salesforce client: simple-salesforce built from a session (instance URL, access token).

Every call goes through `_call`, which refreshes the access token once on an expired session and turns
every failure into the taxonomy of `connector.salesforce.errors`. No caller sees a simple-salesforce or
requests exception, and no caller talks to simple-salesforce directly.

The client knows no database: it is given a session and a refresh callback, which gets and stores a fresh
session (connector.connection_client builds both for a stored connection).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from django.conf import settings
from django.views.decorators.debug import sensitive_variables
from simple_salesforce import Salesforce, format_soql

from connector.salesforce.errors import AuthorizationRevoked, SessionExpired, classify

__all__ = ["SalesforceClient", "Session", "SessionRefresh", "format_soql"]

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Salesforce answers at most 200 records per sObject Collections call (more is HTTP 400).
COLLECTION_SIZE = 200


class _TimeoutSession(requests.Session):
    """A requests session with a default timeout: simple-salesforce sets none, and a hung org must not
    hang a worker forever."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.default_timeout = timeout
        self.verify = settings.SALESFORCE_CA_BUNDLE or True

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.default_timeout)
        # Per request: requests lets REQUESTS_CA_BUNDLE override Session.verify, not a request's own verify.
        kwargs.setdefault("verify", self.verify)
        return super().request(method, url, *args, **kwargs)


@dataclass(frozen=True)
class Session:
    """What every call needs. The access token is left out of the repr: a traceback shows none."""

    instance_url: str
    access_token: str = field(repr=False)


# Given the access token Salesforce refused, a fresh session, already stored by whoever keeps the tokens
# (another process may have refreshed first); raises AuthorizationRevoked when none can be had.
SessionRefresh = Callable[[str], Session]


class SalesforceClient:
    """Talks to one connection's org. Not thread-safe; build one per task or request."""

    def __init__(self, session: Session, *, refresh: SessionRefresh, name: str = "connection") -> None:
        self.session = session
        self.name = name  # which connection, for the logs
        self._refresh = refresh
        self.api_calls_made = 0
        self._api_usage: tuple[int, int] | None = None
        self._sf = self._build()

    def _build(self) -> Salesforce:
        if not self.session.access_token or not self.session.instance_url:
            raise AuthorizationRevoked("NOT_CONNECTED", "The Salesforce connection has no session: log in.")
        return Salesforce(
            instance_url=self.session.instance_url,
            session_id=self.session.access_token,
            session=_TimeoutSession(settings.SALESFORCE_TIMEOUT_SECONDS),
            version=settings.SALESFORCE_API_VERSION,
        )

    @property
    def api_usage(self) -> tuple[int, int] | None:
        """(used, max) daily API requests from the last Sforce-Limit-Info header, if any was seen."""
        return self._api_usage

    def _note_usage(self) -> None:
        usage = self._sf.api_usage.get("api-usage")
        if usage is not None:
            self._api_usage = (usage.used, usage.total)

    @sensitive_variables()  # simple-salesforce's frames below hold the Authorization header
    def _attempt(self, call: Callable[[Salesforce], T]) -> T:
        self.api_calls_made += 1
        try:
            return call(self._sf)
        except Exception as exc:
            raise classify(exc) from None
        finally:
            self._note_usage()

    def _call(self, call: Callable[[Salesforce], T]) -> T:
        try:
            return self._attempt(call)
        except SessionExpired:
            logger.info("Salesforce session of %s expired; refreshing once", self.name)
        self.session = self._refresh(self.session.access_token)
        self._sf = self._build()
        try:
            return self._attempt(call)
        except SessionExpired as exc:
            # A token just refreshed and already refused: treat like a revoked authorization, not a loop.
            raise AuthorizationRevoked(exc.code, "Salesforce refused a freshly refreshed session.") from None

    # --- API -------------------------------------------------------------------------------------------

    def query(self, soql: str) -> list[dict[str, Any]]:
        """Every record of a SOQL query (build it with format_soql), following nextRecordsUrl pages."""
        page = self._call(lambda sf: sf.query(soql))
        records = list(page.get("records", []))
        while not page.get("done", True) and page.get("nextRecordsUrl"):
            page = self._call(_next_page(page["nextRecordsUrl"]))
            records.extend(page.get("records", []))
        return records

    def composite(
        self, subrequests: list[dict[str, Any]], *, all_or_none: bool = False, allow_duplicates: bool = False
    ) -> list[dict[str, Any]]:
        """One Composite call (≤ 25 subrequests, ≤ 5 queries); returns the compositeResponse items.
        `allow_duplicates` sends `Sforce-Duplicate-Rule-Header: allowSave=true` (REST API Developer Guide,
        "Duplicate Rule Header", v52+): creates an "Allow" duplicate rule matches are saved anyway."""
        body = {"allOrNone": all_or_none, "compositeRequest": subrequests}
        headers = {"Sforce-Duplicate-Rule-Header": "allowSave=true"} if allow_duplicates else {}
        result = self._call(lambda sf: sf.restful("composite", method="POST", json=body, headers=headers))
        return list((result or {}).get("compositeResponse", []))

    def collection_create(
        self, records: list[dict[str, Any]], *, all_or_none: bool = False, allow_duplicates: bool = False
    ) -> list[dict[str, Any]]:
        """sObject Collections create; records carry attributes.type. One result per record, in order."""
        _check_collection(records)
        headers = {"Sforce-Duplicate-Rule-Header": "allowSave=true"} if allow_duplicates else {}
        body = {"allOrNone": all_or_none, "records": records}
        return list(
            self._call(lambda sf: sf.restful("composite/sobjects", method="POST", json=body, headers=headers))
            or []
        )

    def collection_update(
        self, records: list[dict[str, Any]], *, all_or_none: bool = False
    ) -> list[dict[str, Any]]:
        """sObject Collections update by Id; records carry attributes.type and Id."""
        _check_collection(records)
        body = {"allOrNone": all_or_none, "records": records}
        return list(self._call(lambda sf: sf.restful("composite/sobjects", method="PATCH", json=body)) or [])

    def create(self, object_name: str, fields: dict[str, Any]) -> dict[str, Any]:
        path = f"sobjects/{_object_path(object_name)}/"
        return dict(self._call(lambda sf: sf.restful(path, method="POST", json=fields)) or {})

    def describe(self, object_name: str) -> dict[str, Any]:
        path = f"sobjects/{_object_path(object_name)}/describe/"
        return dict(self._call(lambda sf: sf.restful(path)) or {})

    def limits(self) -> dict[str, Any]:
        return dict(self._call(lambda sf: sf.limits()) or {})


def _next_page(url: str) -> Callable[[Salesforce], Any]:
    """The call that reads a query's next page, bound to that page's URL."""
    return lambda sf: sf.query_more(url, identifier_is_url=True)


def _object_path(object_name: str) -> str:
    # sObject names are identifiers; refuse anything that could reshape the URL path.
    if not object_name.replace("_", "").isalnum():
        raise ValueError(f"not an sObject name: {object_name!r}")
    return object_name


def _check_collection(records: list[dict[str, Any]]) -> None:
    if len(records) > COLLECTION_SIZE:
        raise ValueError(
            f"at most {COLLECTION_SIZE} records per sObject Collections call, got {len(records)}"
        )

