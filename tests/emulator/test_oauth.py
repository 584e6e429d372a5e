"""§1: the web server flow through requests-oauthlib, as the connector will run it."""

import base64
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest
from requests_oauthlib import OAuth2Session
from simple_salesforce import Salesforce, SalesforceExpiredSession

from tests.emulator.conftest import CALLBACK, DEMO_KEY, DEMO_SECRET, hidden_fields


@pytest.fixture(autouse=True)
def _local_http_callback(monkeypatch):
    # The demo callback is plain http on localhost; oauthlib refuses it unless told otherwise.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def _oauth(server, **kwargs) -> OAuth2Session:
    session = OAuth2Session(
        DEMO_KEY, redirect_uri=kwargs.pop("redirect_uri", CALLBACK), scope=["api", "refresh_token"], **kwargs
    )
    session.verify = str(server.ca_path)
    session.trust_env = False
    return session


def _log_in(server, authorize_url: str, *, button: str = "allow", password: str = "demo1234"):
    browser = server.session()
    login = browser.get(authorize_url)
    assert 'name="username"' in login.text and 'name="pw"' in login.text
    approval = browser.post(
        f"{server.url}/services/oauth2/authorize",
        data={**hidden_fields(login.text), "username": "demo@emulator.example", "pw": password},
    )
    if 'name="allow"' not in approval.text:
        return approval
    return browser.post(
        f"{server.url}/services/oauth2/authorize",
        data={**hidden_fields(approval.text), button: button.title()},
        allow_redirects=False,
    )


def _tokens(server, **kwargs) -> dict:
    oauth = _oauth(server, pkce="S256")
    url, state = oauth.authorization_url(f"{server.url}/services/oauth2/authorize")
    redirect = _log_in(server, url)
    assert redirect.status_code == 302
    return oauth.fetch_token(
        f"{server.url}/services/oauth2/token",
        authorization_response=redirect.headers["Location"],
        client_secret=DEMO_SECRET,
        include_client_id=True,
    )


def test_login_and_allow_redirects_with_code_and_state_then_tokens_work_with_simple_salesforce(
    salesforce_emulator,
):
    server = salesforce_emulator
    oauth = _oauth(server, pkce="S256")
    url, state = oauth.authorization_url(f"{server.url}/services/oauth2/authorize")
    assert "code_challenge=" in url
    redirect = _log_in(server, url)
    query = parse_qs(urlsplit(redirect.headers["Location"]).query)
    assert redirect.headers["Location"].startswith(CALLBACK) and query["state"] == [state]
    token = oauth.fetch_token(
        f"{server.url}/services/oauth2/token",
        authorization_response=redirect.headers["Location"],
        client_secret=DEMO_SECRET,
        include_client_id=True,
    )
    assert set(token) - {"expires_at"} == {
        "access_token",
        "refresh_token",
        "signature",
        "scope",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
    }
    assert token["access_token"].startswith("00D") and "!AR" in token["access_token"]
    expected = base64.b64encode(
        hmac.new(DEMO_SECRET.encode(), (token["id"] + token["issued_at"]).encode(), hashlib.sha256).digest()
    ).decode()
    assert token["signature"] == expected
    sf = Salesforce(
        instance_url=token["instance_url"],
        session_id=token["access_token"],
        session=server.session(),
        version="62.0",
    )
    assert sf.query("SELECT Id FROM Campaign")["totalSize"] == 4
    identity = (
        server.session().get(token["id"], headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    )
    assert identity["username"] == "demo@emulator.example" and identity["organization_id"] == server.org.id


def test_deny_redirects_with_access_denied_and_state(salesforce_emulator):
    oauth = _oauth(salesforce_emulator)
    url, state = oauth.authorization_url(f"{salesforce_emulator.url}/services/oauth2/authorize")
    redirect = _log_in(salesforce_emulator, url, button="deny")
    query = parse_qs(urlsplit(redirect.headers["Location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == [state]


def test_wrong_password_shows_the_login_form_again(salesforce_emulator):
    url, _ = _oauth(salesforce_emulator).authorization_url(
        f"{salesforce_emulator.url}/services/oauth2/authorize"
    )
    page = _log_in(salesforce_emulator, url, password="nope")
    assert page.status_code == 200 and "check your username and password" in page.text


@pytest.mark.parametrize(
    "client_id, redirect_uri, error",
    [
        ("unknown-key", CALLBACK, "invalid_client_id"),
        (DEMO_KEY, "http://evil.example/callback/", "redirect_uri_mismatch"),
    ],
)
def test_unknown_client_or_callback_shows_an_error_page_without_redirect(
    salesforce_emulator, client_id, redirect_uri, error
):
    response = salesforce_emulator.session().get(
        f"{salesforce_emulator.url}/services/oauth2/authorize",
        params={"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri},
        allow_redirects=False,
    )
    assert (
        response.status_code == 400
        and "Location" not in response.headers
        and f"error={error}" in response.text
    )


def _code(server, pkce: bool = True) -> tuple[OAuth2Session, str]:
    oauth = _oauth(server, **({"pkce": "S256"} if pkce else {}))
    url, _ = oauth.authorization_url(f"{server.url}/services/oauth2/authorize")
    location = _log_in(server, url).headers["Location"]
    return oauth, parse_qs(urlsplit(location).query)["code"][0]


def _token_call(server, **form):
    return server.session().post(f"{server.url}/services/oauth2/token", data=form)


def test_token_endpoint_errors(salesforce_emulator):
    server = salesforce_emulator
    oauth, code = _code(server)
    base = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "client_id": DEMO_KEY}
    cases = [
        (
            {**base, "client_id": "nope", "client_secret": DEMO_SECRET},
            "invalid_client_id",
            "client identifier invalid",
        ),
        ({**base, "client_secret": "wrong"}, "invalid_client", "invalid client credentials"),
        (
            {**base, "grant_type": "password", "client_secret": DEMO_SECRET},
            "unsupported_grant_type",
            "grant type not supported",
        ),
        ({**base, "client_secret": DEMO_SECRET}, "invalid_grant", None),  # challenge sent, no verifier
    ]
    for form, error, description in cases:
        response = _token_call(server, **form)
        assert response.status_code == 400 and response.json()["error"] == error
        assert description is None or response.json()["error_description"] == description


def test_wrong_pkce_verifier_is_invalid_request_and_codes_are_single_use(salesforce_emulator):
    server = salesforce_emulator
    oauth, code = _code(server)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": DEMO_KEY,
        "client_secret": DEMO_SECRET,
        "code_verifier": "x" * 50,
    }
    assert _token_call(server, **form).json()["error"] == "invalid_request"
    oauth, code = _code(server, pkce=False)
    form.update(code=code)
    del form["code_verifier"]
    assert (
        _token_call(
            server, **{**form, "redirect_uri": "http://localhost:8000/salesforce/oauth/callback/"}
        ).json()["error"]
        == "redirect_uri_mismatch"
    )
    oauth, code = _code(server, pkce=False)
    form.update(code=code)
    assert _token_call(server, **form).status_code == 200
    reused = _token_call(server, **form).json()
    assert reused == {"error": "invalid_grant", "error_description": "expired authorization code"}


def test_basic_auth_credentials_and_refresh_grant_without_rotation(salesforce_emulator):
    server = salesforce_emulator
    _, code = _code(server, pkce=False)
    auth = (DEMO_KEY, DEMO_SECRET)
    token = (
        server.session()
        .post(
            f"{server.url}/services/oauth2/token",
            auth=auth,
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
        )
        .json()
    )
    refreshed = (
        server.session()
        .post(
            f"{server.url}/services/oauth2/token",
            auth=auth,
            data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        )
        .json()
    )
    assert "refresh_token" not in refreshed and "expires_in" not in refreshed
    assert refreshed["access_token"] != token["access_token"]


def test_refresh_token_rotation_returns_a_new_token_and_retires_the_old(salesforce_emulator):
    server = salesforce_emulator
    server.set_faults(refresh_token_rotation=True)
    token = _tokens(server)
    form = {"grant_type": "refresh_token", "client_id": DEMO_KEY, "client_secret": DEMO_SECRET}
    first = _token_call(server, **form, refresh_token=token["refresh_token"]).json()
    assert first["refresh_token"] != token["refresh_token"]
    again = _token_call(server, **form, refresh_token=token["refresh_token"]).json()
    assert again == {"error": "invalid_grant", "error_description": "expired access/refresh token"}


def test_revoke_refresh_token_kills_its_access_tokens(salesforce_emulator):
    server = salesforce_emulator
    token = _tokens(server)
    sf = Salesforce(
        instance_url=server.url, session_id=token["access_token"], session=server.session(), version="62.0"
    )
    revoke = server.session().post(
        f"{server.url}/services/oauth2/revoke", data={"token": token["refresh_token"]}
    )
    assert revoke.status_code == 200 and revoke.content == b""
    with pytest.raises(SalesforceExpiredSession):
        sf.query("SELECT Id FROM Lead")
    again = server.session().post(f"{server.url}/services/oauth2/revoke", data={"token": "nope"})
    assert again.json()["error"] == "invalid_token"
    assert (
        server.session().post(f"{server.url}/services/oauth2/revoke").json()["error"]
        == "unsupported_token_type"
    )


def test_access_token_expires_after_session_timeout(salesforce_emulator, sf):
    salesforce_emulator.set_faults(session_timeout=0)
    with pytest.raises(SalesforceExpiredSession) as raised:
        sf.query("SELECT Id FROM Lead")
    assert raised.value.content == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]


def test_sixth_approval_revokes_the_oldest_refresh_token(salesforce_emulator):
    server = salesforce_emulator
    tokens = [_tokens(server)["refresh_token"] for _ in range(6)]
    form = {"grant_type": "refresh_token", "client_id": DEMO_KEY, "client_secret": DEMO_SECRET}
    assert _token_call(server, **form, refresh_token=tokens[0]).json()["error"] == "invalid_grant"
    assert _token_call(server, **form, refresh_token=tokens[5]).status_code == 200
