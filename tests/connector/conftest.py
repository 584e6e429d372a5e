"""Fixtures of the connector's tests: the emulator trusted and allowed as a login host, and a real OAuth
login driven through the emulator's own login and approval forms."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from connector import services
from connector.models import SalesforceConnection
from connector.salesforce import oauth

DEMO_KEY, DEMO_SECRET = "demo-consumer-key", "demo-consumer-secret"
DEMO_USER, DEMO_PASSWORD = "demo@emulator.example", "demo1234"
SITE_URL = "http://127.0.0.1:8000"  # a callback URL the demo connected app knows
_HIDDEN = re.compile(r"<input type='hidden' name='([^']*)' value='([^']*)'>")


@pytest.fixture
def emulator(salesforce_emulator, settings):
    """The emulator (reset), trusted through its CA and allowed as a login host."""
    settings.SALESFORCE_CA_BUNDLE = str(salesforce_emulator.ca_path)
    settings.SALESFORCE_EXTRA_LOGIN_HOSTS = [salesforce_emulator.url]
    settings.SITE_URL = SITE_URL
    settings.SALESFORCE_TIMEOUT_SECONDS = 5
    return salesforce_emulator


def emulator_authorize(server, authorize_url: str, *, button: str = "allow", password: str = DEMO_PASSWORD):
    """What the organizer does in the popup: log in, then Allow (or Deny). Returns Salesforce's redirect."""
    browser = server.session()
    login = browser.get(authorize_url)
    assert 'name="username"' in login.text, login.text[:500]
    approval = browser.post(
        f"{server.url}/services/oauth2/authorize",
        data={**_hidden(login.text), "username": DEMO_USER, "pw": password},
    )
    assert 'name="allow"' in approval.text, approval.text[:500]
    return browser.post(
        f"{server.url}/services/oauth2/authorize",
        data={**_hidden(approval.text), button: button.title()},
        allow_redirects=False,
    )


def _hidden(page: str) -> dict[str, str]:
    return {html.unescape(k): html.unescape(v) for k, v in _HIDDEN.findall(page)}


def callback_query(redirect) -> dict[str, str]:
    assert redirect.status_code == 302, redirect.text[:500]
    location = redirect.headers["Location"]
    assert location.startswith(SITE_URL + "/salesforce/oauth/callback/")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def configure(event, server, *, secret: str = DEMO_SECRET) -> SalesforceConnection:
    services.connection_set_active(event=event, active=True)
    return services.connection_credentials_set(
        event=event, consumer_key=DEMO_KEY, consumer_secret=secret, login_host=server.url
    )


def connect(event, server) -> SalesforceConnection:
    """A real login through the services: authorize, the emulator's forms, then the code exchange."""
    configure(event, server)
    session: dict = {}
    url = services.connection_login_start(event=event, session=session)
    query = callback_query(emulator_authorize(server, url))
    login = oauth.pending_login_pop(session, state=query["state"])
    outcome = services.connection_login_complete(event=event, login=login, code=query["code"])
    assert outcome.ok, outcome.message
    return SalesforceConnection.objects.get(setups__event=event)


@pytest.fixture
def connected(event, emulator) -> SalesforceConnection:
    return connect(event, emulator)
