"""The OAuth 2.0 web server flow with Salesforce (requests-oauthlib), PKCE S256.

requests-oauthlib keeps its own PKCE verifier on the OAuth2Session object, which does not survive between
the authorize and the callback requests: the verifier is generated here and kept in the server-side Django
session, next to the `state` it belongs to. Several logins may be pending at once (two popups).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.views.decorators.debug import sensitive_variables
from requests_oauthlib import OAuth2Session

from connector.salesforce.errors import RequestRefused, SalesforceError, classify

# requests-oauthlib logs token responses at DEBUG: keep its logger quiet whatever the root level is.
logging.getLogger("requests_oauthlib").setLevel(logging.WARNING)
logging.getLogger("oauthlib").setLevel(logging.WARNING)

PRODUCTION = "https://login.salesforce.com"
SANDBOX = "https://test.salesforce.com"
SCOPES = ["api", "refresh_token"]
SESSION_KEY = "salesforce_oauth_pending"
PENDING_TTL_SECONDS = 15 * 60
MAX_PENDING = 5
_MY_DOMAIN = re.compile(r"^https://[a-z0-9][a-z0-9-]{0,62}(--[a-z0-9]+\.sandbox)?\.my\.salesforce\.com$")
# Where Salesforce serves its API and identity URLs (na1.salesforce.com, acme.my.salesforce.com,
# login.salesforce.com/id/..., *.force.com sites): the access token is sent to no other host.
SALESFORCE_DOMAINS = (".salesforce.com", ".force.com")
_HOST_NAME = re.compile(r"^[a-z0-9.-]+$")
UNTRUSTED_HOST = "UNTRUSTED_HOST"


class InvalidLoginHost(ValueError):
    pass


def login_host_validate(host: str) -> str:
    """Return the normalised login host, or raise InvalidLoginHost."""
    value = (host or "").strip().rstrip("/")
    if value in {PRODUCTION, SANDBOX} or value.lower() in _extra_hosts():
        return value
    if _MY_DOMAIN.match(value.lower()):
        return value.lower()
    raise InvalidLoginHost(
        "Enter a My Domain URL such as https://acme.my.salesforce.com or "
        "https://acme--uat.sandbox.my.salesforce.com."
    )


def _extra_hosts() -> set[str]:
    return {h.strip().rstrip("/").lower() for h in settings.SALESFORCE_EXTRA_LOGIN_HOSTS if h.strip()}


def salesforce_url_validate(url: str, *, what: str) -> str:
    """Return `url` if it is https on a Salesforce domain (or an allowed extra host such as the emulator),
    else raise RequestRefused(UNTRUSTED_HOST): the token response names where the token goes next."""
    value = (url or "").strip().rstrip("/")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme != "https" or parts.username or parts.password:
        raise RequestRefused(UNTRUSTED_HOST, f"the {what} {value!r} is not an https Salesforce URL")
    host = (parts.hostname or "").lower()
    on_salesforce = port in (None, 443) and host.endswith(SALESFORCE_DOMAINS)
    if _HOST_NAME.match(host) and (on_salesforce or f"https://{parts.netloc.lower()}" in _extra_hosts()):
        return value
    raise RequestRefused(UNTRUSTED_HOST, f"the {what} is on {host or 'no host'}, not a Salesforce host")


def tls_verify() -> str | bool:
    """What to trust: settings.SALESFORCE_CA_BUNDLE, else the system CAs; never False. Passed on every
    request, because REQUESTS_CA_BUNDLE in the environment would override a Session's own `verify`."""
    return settings.SALESFORCE_CA_BUNDLE or True


def http_session() -> requests.Session:
    session = requests.Session()
    session.verify = tls_verify()
    return session


@dataclass(frozen=True)
class TokenResponse:
    access_token: str
    refresh_token: str
    instance_url: str
    identity_url: str

    def __repr__(self) -> str:  # never print tokens, even in a traceback's locals
        return f"TokenResponse(instance_url={self.instance_url!r})"


@dataclass(frozen=True)
class Identity:
    username: str
    org_id: str
    user_id: str
    display_name: str = ""


@dataclass(frozen=True)
class PendingLogin:
    state: str
    code_verifier: str
    event_id: int
    redirect_uri: str

    def __repr__(self) -> str:  # the verifier proves the code is ours: never in a traceback's locals
        return f"PendingLogin(event_id={self.event_id!r}, redirect_uri={self.redirect_uri!r})"


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _oauth_session(
    client_id: str, redirect_uri: str | None = None, scope: list[str] | None = None
) -> OAuth2Session:
    oauth = OAuth2Session(client_id=client_id, redirect_uri=redirect_uri, scope=scope)
    oauth.verify = tls_verify()
    for hook in ("access_token_response", "refresh_token_response"):
        oauth.register_compliance_hook(hook, _raise_server_errors)
    return oauth


def _raise_server_errors(response: requests.Response) -> requests.Response:
    # oauthlib only understands {"error": ...} bodies; a 5xx page must read as transient, not as "no token".
    if response.status_code >= 500:
        raise classify(response)
    return response


@sensitive_variables()
def pending_login_add(session: MutableMapping[str, Any], *, event_id: int, redirect_uri: str) -> PendingLogin:
    """Create a state + PKCE verifier pair and keep it in the (server-side) Django session."""
    now = time.time()
    pending = {
        state: entry
        for state, entry in dict(session.get(SESSION_KEY, {})).items()
        if now - entry.get("created", 0) < PENDING_TTL_SECONDS
    }
    login = PendingLogin(
        state=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
        event_id=event_id,
        redirect_uri=redirect_uri,
    )
    pending[login.state] = {
        "verifier": login.code_verifier,
        "event_id": event_id,
        "redirect_uri": redirect_uri,
        "created": now,
    }
    # Keep only the newest few: an abandoned popup must not grow the session forever.
    newest = sorted(pending.items(), key=lambda item: item[1]["created"])[-MAX_PENDING:]
    session[SESSION_KEY] = dict(newest)
    return login


@sensitive_variables()
def pending_login_pop(session: MutableMapping[str, Any], *, state: str) -> PendingLogin | None:
    """Remove and return the pending login of this state; None when unknown, already used or expired."""
    pending = dict(session.get(SESSION_KEY, {}))
    entry = pending.pop(state, None) if state else None
    session[SESSION_KEY] = pending
    if not entry or time.time() - entry.get("created", 0) >= PENDING_TTL_SECONDS:
        return None
    return PendingLogin(
        state=state,
        code_verifier=entry["verifier"],
        event_id=entry["event_id"],
        redirect_uri=entry["redirect_uri"],
    )


def authorization_url(*, login_host: str, client_id: str, login: PendingLogin) -> str:
    oauth = _oauth_session(client_id, login.redirect_uri, SCOPES)
    url, _state = oauth.authorization_url(
        f"{login_host}/services/oauth2/authorize",
        state=login.state,
        code_challenge=code_challenge(login.code_verifier),
        code_challenge_method="S256",
        display="popup",
        prompt="login",
    )
    return url


def _token_response(token: dict[str, Any], *, refreshed: str = "") -> TokenResponse:
    """The tokens, once the URLs they will be sent to are known to be Salesforce's. A refresh (of the
    `refreshed` token) may omit them, the stored instance URL then stays; a code exchange must name both."""
    urls = {"instance URL": token.get("instance_url"), "identity URL": token.get("id")}
    checked = {
        what: salesforce_url_validate(str(url or ""), what=what) if url or not refreshed else ""
        for what, url in urls.items()
    }
    return TokenResponse(
        access_token=token["access_token"],
        refresh_token=token.get("refresh_token") or refreshed,
        instance_url=checked["instance URL"],
        identity_url=checked["identity URL"],
    )


@sensitive_variables()
def token_exchange(
    *, login_host: str, client_id: str, client_secret: str, login: PendingLogin, code: str
) -> TokenResponse:
    """Trade the authorization code (single use) for tokens; raises a SalesforceError subclass."""
    oauth = _oauth_session(client_id, login.redirect_uri)
    try:
        token = oauth.fetch_token(
            f"{login_host}/services/oauth2/token",
            code=code,
            client_secret=client_secret,
            include_client_id=True,
            code_verifier=login.code_verifier,
            timeout=settings.SALESFORCE_TIMEOUT_SECONDS,
            # A CA bundle path, passed on to requests; types-requests-oauthlib types it bool only.
            verify=tls_verify(),  # type: ignore[arg-type]
        )
    except SalesforceError:
        raise
    except Exception as exc:  # oauthlib, requests and JSON errors alike go through the one classifier
        raise classify(exc) from None
    return _token_response(token)


@sensitive_variables()
def token_refresh(
    *, login_host: str, client_id: str, client_secret: str, refresh_token: str
) -> TokenResponse:
    """A new access token; with refresh-token rotation on, also a new refresh token (the old one dies)."""
    oauth = _oauth_session(client_id)
    try:
        token = oauth.refresh_token(
            f"{login_host}/services/oauth2/token",
            refresh_token=refresh_token,
            client_id=client_id,
            client_secret=client_secret,
            timeout=settings.SALESFORCE_TIMEOUT_SECONDS,
            verify=tls_verify(),  # type: ignore[arg-type]  # a CA bundle path too, as above
        )
    except SalesforceError:
        raise
    except Exception as exc:
        raise classify(exc) from None
    return _token_response(token, refreshed=refresh_token)


@sensitive_variables()
def token_revoke(*, login_host: str, token: str) -> None:
    """Revoke a refresh token (and its access tokens). An already invalid token counts as revoked."""
    try:
        response = http_session().post(
            f"{login_host}/services/oauth2/revoke",
            data={"token": token},
            timeout=settings.SALESFORCE_TIMEOUT_SECONDS,
            verify=tls_verify(),
        )
    except requests.RequestException as exc:
        raise classify(exc) from None
    if response.status_code >= 500:
        raise classify(response)


@sensitive_variables()
def identity_fetch(*, identity_url: str, access_token: str) -> Identity:
    """The logged-in user's username, org id and user id, from the token response's `id` URL."""
    identity_url = salesforce_url_validate(identity_url, what="identity URL")
    try:
        response = http_session().get(
            identity_url,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            timeout=settings.SALESFORCE_TIMEOUT_SECONDS,
            verify=tls_verify(),
        )
    except requests.RequestException as exc:
        raise classify(exc) from None
    if response.status_code != 200:
        raise classify(response)
    try:
        data = response.json()
    except ValueError as exc:
        raise classify(exc) from None
    return Identity(
        username=str(data.get("username", "")),
        org_id=str(data.get("organization_id", "")),
        user_id=str(data.get("user_id", "")),
        display_name=str(data.get("display_name", "")),
    )
