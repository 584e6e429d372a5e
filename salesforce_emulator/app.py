"""The emulator as a plain function of requests: routing, sessions, API call counting and faults."""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import re
import threading
import time
from pathlib import Path
from typing import Any

from salesforce_emulator import admin, page, rest
from salesforce_emulator.api import SUPPORTED_VERSIONS, ApiCall, error_response, errors_response, versions
from salesforce_emulator.errors import RecordError, not_found
from salesforce_emulator.faults import Faults, Usage
from salesforce_emulator.oauth import OAuth
from salesforce_emulator.org import Org
from salesforce_emulator.queries import Cursors
from salesforce_emulator.seed import seed_records
from salesforce_emulator.store import Store, Transaction
from salesforce_emulator.wire import Request, Response, html_response, json_response

logger = logging.getLogger(__name__)
MAX_URI_BYTES = 16384
_API = re.compile(r"/services/data/v(\d+\.\d)(/.*)?")
_IDENTITY = re.compile(r"/id/([A-Za-z0-9]{15,18})/([A-Za-z0-9]{15,18})/?")
_WRITES = ("POST", "PATCH", "DELETE", "PUT")


class Emulator:
    def __init__(
        self,
        org: Org,
        *,
        base_url: str = "",
        data_path: Path | None = None,
        daily_api_limit: int = 15000,
        session_timeout: int = 7200,
        latency_ms: int = 0,
    ) -> None:
        self.org = org
        self.store = Store(data_path)
        self.usage = Usage(daily_api_limit)
        self.faults = Faults(latency_ms=latency_ms)
        self.cursors = Cursors()
        self.released = threading.Event()  # wakes requests hung by timeout_next on reset or stop
        persist = (lambda state: self.store.save_state("oauth", state)) if self.store.persistent else None
        self.oauth = OAuth(org, base_url, session_timeout, persist)
        self._seed = seed_records(org)
        self._initial_settings = (
            dataclasses.replace(org.settings),
            daily_api_limit,
            session_timeout,
            [a.refresh_token_rotation for a in org.connected_apps],
        )
        if not self.store.load_persisted():
            self.store.replace_all(self._seed)
        self.oauth.load(self.store.load_state("oauth"))

    @property
    def base_url(self) -> str:
        return self.oauth.base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        self.oauth.base_url = value

    def reset(self) -> None:
        """Back to the loaded org: records, counters, faults, sessions and open query cursors."""
        self.released.set()
        self.released = threading.Event()
        with self.store.write_lock:
            self.store.replace_all(self._seed)
        settings, self.usage.daily_api_limit, self.oauth.session_timeout, rotations = self._initial_settings
        self.org.settings = dataclasses.replace(settings)
        for app, rotation in zip(self.org.connected_apps, rotations, strict=False):
            app.refresh_token_rotation = rotation
        self.usage.reset()
        self.faults.clear()
        self.cursors.clear()
        self.oauth.reset()

    def handle(self, request: Request) -> Response:
        if len(request.raw_target.encode()) > MAX_URI_BYTES:
            return Response(414, b"URI Too Long", {"Content-Type": "text/plain"})
        path = request.path
        try:
            if path.startswith("/services/data/v"):
                return self._api(request)
            if path.rstrip("/") == "/services/data":
                return json_response(200, versions())
            if path.startswith("/services/oauth2/"):
                return self._oauth(request, path.removeprefix("/services/oauth2/").strip("/"))
            identity = _IDENTITY.fullmatch(path)
            if identity:
                return self.oauth.identity(request, *identity.groups())
            if path.startswith("/__emulator__/"):
                if not _loopback(request.client_ip) or request.header("origin"):
                    # A browser sends Origin on cross-site requests: a page open on the demo machine
                    # must not reset the org or inject faults. Tests and scripts send none.
                    return errors_response(
                        403, "FORBIDDEN", "The emulator controls answer loopback clients only"
                    )
                return admin.handle(self, request, path.removeprefix("/__emulator__/").strip("/"))
            if path == "/" and request.method == "GET":
                return html_response(200, page.render(self))
        except Exception:  # noqa: BLE001 — a bug answers like Salesforce's UNKNOWN_EXCEPTION, logged
            logger.exception("emulator failure on %s %s", request.method, path)
            return errors_response(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred.")
        return error_response(not_found())

    def _oauth(self, request: Request, action: str) -> Response:
        if action == "authorize" and request.method in ("GET", "POST"):
            return self.oauth.authorize(request)
        if action == "token" and request.method == "POST":
            return self.oauth.token(request)
        if action == "revoke" and request.method in ("GET", "POST"):
            return self.oauth.revoke(request)
        return error_response(not_found())

    def _api(self, request: Request) -> Response:
        match = _API.fullmatch(request.path)
        if match is None or match.group(1) not in SUPPORTED_VERSIONS:
            return error_response(not_found())
        self._apply_faults()
        failure = self.faults.take_failure()
        if failure is not None:
            self.usage.record(request.method, request.path, failure)
            return _failure(failure)
        if self.faults.take_timeout():
            self.released.wait(self.faults.timeout_seconds)
            return Response(0)  # the server side closes the connection without answering
        grant = self.oauth.authenticate(request)
        if grant is None:
            # A real org's 401 names no org, so it carries no Sforce-Limit-Info (restforce/restforce#284).
            response = errors_response(401, "INVALID_SESSION_ID", "Session expired or invalid")
            response.headers["WWW-Authenticate"] = "Token"
        else:
            response = self._counted(request, match.group(1), match.group(2) or "", grant.user_id)
            response.headers["Sforce-Limit-Info"] = self.usage.header()
        self.usage.record(request.method, request.path, response.status)
        return response

    def _apply_faults(self) -> None:
        if self.faults.latency_ms:
            time.sleep(self.faults.latency_ms / 1000)

    def _counted(self, request: Request, version: str, sub_path: str, user_id: str) -> Response:
        resolved = rest.resolve(request.method, sub_path)
        label = resolved[2] if isinstance(resolved, tuple) else "other"
        if not self.usage.try_count(label):
            return errors_response(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        if request.method not in _WRITES:
            return self.dispatch_api(request, version, sub_path, user_id, self.store.begin())
        with self.store.write_lock:
            tx = self.store.begin()
            response = self.dispatch_api(request, version, sub_path, user_id, tx)
            tx.commit()
        return response

    def dispatch_api(
        self,
        request: Request,
        version: str,
        sub_path: str,
        user_id: str,
        tx: Transaction,
        in_composite: bool = False,
    ) -> Response:
        """One REST call inside `tx`, uncounted: Composite replays its subrequests through here."""
        resolved = rest.resolve(request.method, sub_path)
        if isinstance(resolved, Response):
            return resolved
        handler, args, label = resolved
        if in_composite and label.startswith("POST /composite") and label == "POST /composite":
            return errors_response(400, "INVALID_INPUT", "A composite request cannot contain another one")
        call = ApiCall(self, request, version, user_id, tx, in_composite)
        try:
            return handler(call, *args)
        except RecordError as error:
            return error_response(error)

    def issue_token(self, username: str | None = None) -> str:
        user = self.org.user_by_name(username) if username else self.org.users[0]
        if user is None:
            raise ValueError(f"no user {username!r} in this org")
        app_key = self.org.connected_apps[0].consumer_key if self.org.connected_apps else ""
        return self.oauth.issue_access_token(user.id, app_key, "api refresh_token id").token

    def records(self, object_name: str, include_deleted: bool = False) -> list[dict[str, Any]]:
        canonical = self.org.schema.object_name(object_name)
        if canonical is None:
            raise ValueError(f"unknown sObject {object_name}")
        return sorted(
            self.store.records(canonical, include_deleted), key=lambda r: r["CreatedDate"] + r["Id"]
        )


def _failure(status: int) -> Response:
    if status == 503:
        return errors_response(
            503, "SERVER_UNAVAILABLE", "Server temporarily unavailable. Please try again later."
        )
    if status == 500:
        return Response(500, b"", {})
    return errors_response(status, "UNKNOWN_EXCEPTION", f"Injected failure ({status})")


def _loopback(client_ip: str) -> bool:
    try:
        return ipaddress.ip_address(client_ip).is_loopback
    except ValueError:
        return False
