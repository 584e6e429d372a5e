"""A connected app's OAuth 2.0 web server flow (docs/salesforce.md §1): authorize, token, revoke, identity."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from salesforce_emulator import oauth_pages
from salesforce_emulator.identity import identity_answer
from salesforce_emulator.org import ConnectedApp, Org
from salesforce_emulator.wire import Request, Response, html_response, json_response, redirect

_ALPHANUM = string.ascii_letters + string.digits


@dataclass
class Grant:
    """An authorization code, refresh token or access token, and who it was issued to."""

    token: str
    user_id: str
    app_key: str
    issued_at: float
    scope: str = ""
    redirect_uri: str = ""
    challenge: str = ""
    refresh: str = ""  # for an access token: the refresh token it came from
    revoked: bool = False


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHANUM) for _ in range(length))


def _error(description_code: str, description: str) -> Response:
    return json_response(400, {"error": description_code, "error_description": description})


class OAuth:
    """Tokens live here; `authenticate` is what every API call asks."""

    def __init__(self, org: Org, base_url: str, session_timeout: int, persist: Any = None) -> None:
        self.org = org
        self.base_url = base_url
        self.session_timeout = session_timeout
        self._persist = persist  # callable(state) or None
        self._lock = threading.Lock()
        self.codes: dict[str, Grant] = {}
        self.tickets: dict[str, Grant] = {}
        self.refresh_tokens: dict[str, Grant] = {}
        self.access_tokens: dict[str, Grant] = {}
        self.sessions_valid_after = 0.0

    # State
    def load(self, state: dict[str, Any] | None) -> None:
        if state:
            self.refresh_tokens = {k: Grant(**v) for k, v in state.get("refresh", {}).items()}
            self.access_tokens = {k: Grant(**v) for k, v in state.get("access", {}).items()}

    def _save(self) -> None:
        if self._persist:
            self._persist(
                {
                    "refresh": {k: asdict(v) for k, v in self.refresh_tokens.items()},
                    "access": {k: asdict(v) for k, v in self.access_tokens.items()},
                }
            )

    def reset(self) -> None:
        with self._lock:
            self.codes.clear()
            self.tickets.clear()
            self.refresh_tokens.clear()
            self.access_tokens.clear()
            self.sessions_valid_after = 0.0
            self._save()

    def expire_sessions(self) -> None:
        self.sessions_valid_after = time.time()

    def revoke_refresh_tokens(self) -> None:
        with self._lock:
            for grant in self.refresh_tokens.values():
                grant.revoked = True
            self._save()

    def authenticate(self, request: Request) -> Grant | None:
        header = request.header("authorization")
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "oauth"):
            return None
        grant = self.access_tokens.get(token.strip())
        if grant is None or grant.revoked or grant.issued_at <= self.sessions_valid_after:
            return None
        if time.time() - grant.issued_at > self.session_timeout:
            return None
        return grant

    def issue_access_token(self, user_id: str, app_key: str, scope: str = "api", refresh: str = "") -> Grant:
        """An access token without the browser dance (tests and benchmarks)."""
        token = f"{self.org.id[:15]}!AR{_random(94)}"
        grant = Grant(token, user_id, app_key, time.time(), scope, refresh=refresh)
        with self._lock:
            self.access_tokens[token] = grant
            self._save()
        return grant

    # Authorize
    def authorize(self, request: Request) -> Response:
        params = {
            k: v
            for k, v in (
                request.form() if request.method == "POST" else {k: request.arg(k) for k in request.query}
            ).items()
        }
        app = self.org.app(params.get("client_id", ""))
        if app is None:
            return html_response(
                400, oauth_pages.error_page("invalid_client_id", "client identifier invalid")
            )
        if params.get("redirect_uri", "") not in app.callback_urls:
            return html_response(
                400, oauth_pages.error_page("redirect_uri_mismatch", "redirect_uri must match configuration")
            )
        redirect_uri, state = params["redirect_uri"], params.get("state", "")
        if params.get("response_type") != "code":
            return self._back(
                redirect_uri,
                state,
                error="unsupported_response_type",
                error_description="response type not supported",
            )
        if params.get("code_challenge") and params.get("code_challenge_method", "S256") != "S256":
            return self._back(
                redirect_uri,
                state,
                error="invalid_request",
                error_description="invalid code_challenge_method",
            )
        if request.method == "GET":
            return html_response(200, oauth_pages.login_page(params))
        if "ticket" in params:
            return self._approve(params, app, redirect_uri, state)
        user = self.org.user_by_name(params.get("username", ""))
        if user is None or not hmac.compare_digest(user.password, params.get("pw", "")):
            return html_response(
                200,
                oauth_pages.login_page(
                    params,
                    "Please check your username and password. If you still can't log in, contact your "
                    "Salesforce administrator.",
                ),
            )
        ticket = _random(40)
        self.tickets[ticket] = Grant(ticket, user.id, app.consumer_key, time.time())
        return html_response(200, oauth_pages.approval_page(params, ticket, app.name, user.username))

    def _approve(self, params: dict[str, str], app: ConnectedApp, redirect_uri: str, state: str) -> Response:
        ticket = self.tickets.pop(params["ticket"], None)
        if ticket is None or ticket.app_key != app.consumer_key or time.time() - ticket.issued_at > 600:
            return html_response(
                200, oauth_pages.login_page(params, "Your session has expired. Log in again.")
            )
        if "allow" not in params:
            return self._back(
                redirect_uri, state, error="access_denied", error_description="end-user denied authorization"
            )
        code = "aPrx" + _random(80)
        self.codes[code] = Grant(
            code,
            ticket.user_id,
            app.consumer_key,
            time.time(),
            scope=params.get("scope") or app.scopes,
            redirect_uri=redirect_uri,
            challenge=params.get("code_challenge", ""),
        )
        return self._back(redirect_uri, state, code=code)

    @staticmethod
    def _back(redirect_uri: str, state: str, **values: str) -> Response:
        if state:
            values["state"] = state
        separator = "&" if "?" in redirect_uri else "?"
        return redirect(redirect_uri + separator + urlencode(values))

    # Token
    def token(self, request: Request) -> Response:
        form = request.form()
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = request.header("authorization")
        if basic.lower().startswith("basic "):
            try:
                client_id, _, client_secret = base64.b64decode(basic[6:]).decode().partition(":")
            except ValueError:
                return _error("invalid_client", "invalid client credentials")
        grant_type = form.get("grant_type", "")
        if grant_type not in ("authorization_code", "refresh_token"):
            return _error("unsupported_grant_type", "grant type not supported")
        app = self.org.app(client_id)
        if app is None:
            return _error("invalid_client_id", "client identifier invalid")
        if grant_type == "authorization_code":
            return self._code_grant(form, app, client_secret)
        if not hmac.compare_digest(client_secret, app.consumer_secret):
            return _error("invalid_client", "invalid client credentials")
        return self._refresh_grant(form, app)

    def _code_grant(self, form: dict[str, str], app: ConnectedApp, client_secret: str) -> Response:
        if not hmac.compare_digest(client_secret, app.consumer_secret):
            return _error("invalid_client", "invalid client credentials")
        with self._lock:
            code = self.codes.pop(form.get("code", ""), None)
        ttl = self.org.settings.code_ttl_seconds
        if code is None or code.app_key != app.consumer_key or time.time() - code.issued_at > ttl:
            return _error("invalid_grant", "expired authorization code")
        if form.get("redirect_uri", "") != code.redirect_uri:
            return _error("redirect_uri_mismatch", "redirect_uri must match configuration")
        if code.challenge:
            verifier = form.get("code_verifier", "")
            if not verifier:
                return _error("invalid_grant", "invalid code verifier")
            digest = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            )
            if not hmac.compare_digest(digest, code.challenge):
                return _error("invalid_request", "invalid code verifier")
        refresh = ""
        if {"refresh_token", "offline_access"} & set(code.scope.split()):
            refresh = self._new_refresh_token(code.user_id, app, code.scope)
        access = self.issue_access_token(code.user_id, app.consumer_key, code.scope, refresh)
        return self._token_response(access, app, refresh)

    def _refresh_grant(self, form: dict[str, str], app: ConnectedApp) -> Response:
        with self._lock:
            grant = self.refresh_tokens.get(form.get("refresh_token", ""))
            if grant is None or grant.revoked or grant.app_key != app.consumer_key:
                return _error("invalid_grant", "expired access/refresh token")
            refresh = ""
            if app.refresh_token_rotation:
                grant.revoked = True
                refresh = self._new_refresh_token(grant.user_id, app, grant.scope, locked=True)
        access = self.issue_access_token(grant.user_id, app.consumer_key, grant.scope, refresh or grant.token)
        return self._token_response(access, app, refresh)

    def _new_refresh_token(self, user_id: str, app: ConnectedApp, scope: str, locked: bool = False) -> str:
        token = "5Aep861" + _random(80)
        grant = Grant(token, user_id, app.consumer_key, time.time(), scope)
        if not locked:
            self._lock.acquire()
        try:
            self.refresh_tokens[token] = grant
            active = sorted(
                (
                    g
                    for g in self.refresh_tokens.values()
                    if g.user_id == user_id and g.app_key == app.consumer_key and not g.revoked
                ),
                key=lambda g: g.issued_at,
            )
            for oldest in active[: max(0, len(active) - self.org.settings.max_approvals_per_app)]:
                oldest.revoked = True  # a 6th approval silently revokes the oldest
        finally:
            if not locked:
                self._lock.release()
        return token

    def _token_response(self, access: Grant, app: ConnectedApp, refresh: str) -> Response:
        identity = f"{self.base_url}/id/{self.org.id}/{access.user_id}"
        issued_at = str(int(access.issued_at * 1000))
        signature = base64.b64encode(
            hmac.new(app.consumer_secret.encode(), (identity + issued_at).encode(), hashlib.sha256).digest()
        ).decode()
        body: dict[str, Any] = {"access_token": access.token}
        if refresh:
            body["refresh_token"] = refresh
        body.update(
            signature=signature,
            scope=access.scope,
            instance_url=self.base_url,
            id=identity,
            token_type="Bearer",
            issued_at=issued_at,
        )
        return json_response(
            200, body, {"Cache-Control": "no-cache,must-revalidate,max-age=0,no-store,private"}
        )

    # Revoke and identity
    def revoke(self, request: Request) -> Response:
        token = (request.form() if request.method == "POST" else {}).get("token") or request.arg("token")
        if not token:
            return _error("unsupported_token_type", "unsupported token type")
        with self._lock:
            if token in self.access_tokens:
                self.access_tokens[token].revoked = True
            elif token in self.refresh_tokens:
                self.refresh_tokens[token].revoked = True
                for access in self.access_tokens.values():
                    if access.refresh == token:
                        access.revoked = True
            else:
                return _error("invalid_token", "invalid token")
            self._save()
        return Response(200, b"", {})

    def identity(self, request: Request, org_id: str, user_id: str) -> Response:
        grant = self.authenticate(request)
        if grant is None and request.arg("oauth_token"):
            grant = self.authenticate(
                Request("GET", "/", headers={"authorization": "Bearer " + request.arg("oauth_token")})
            )
        if grant is None:
            return Response(403, b"Bad_OAuth_Token", {"Content-Type": "text/plain"})
        user = self.org.user_by_id(user_id)
        if user is None or org_id != self.org.id or grant.user_id != user.id:
            return Response(403, b"Forbidden", {"Content-Type": "text/plain"})
        return json_response(200, identity_answer(self.base_url, org_id, user))
