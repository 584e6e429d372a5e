"""Connect an event to a running emulator without a browser, for the benchmark, the tests and demos: the
connector's own services do everything an organizer's clicks would (credentials, login start, the code
exchange in connection_login_complete); only the popup's login and approval forms are filled here, with the
demo org's credentials. A real org is connected through the tile instead. It lives here, beside the
benchmark and outside both rooms it joins: the emulator knows nothing of the connector, and the connector
nothing of the emulator.

The calling process must trust the emulator (SALESFORCE_CA_BUNDLE) and allow it as a login host
(SALESFORCE_EXTRA_LOGIN_HOSTS), and SITE_URL must give a callback URL the demo connected app knows
(http://127.0.0.1:8000 or http://localhost:8000)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import requests
from django.utils import timezone

DEMO_KEY, DEMO_SECRET = "demo-consumer-key", "demo-consumer-secret"
DEMO_USER, DEMO_PASSWORD = "demo@emulator.example", "demo1234"
_HIDDEN = re.compile(r"<input type=['\"]hidden['\"] name=['\"]([^'\"]*)['\"] value=['\"]([^'\"]*)['\"]>")


def _hidden(page: str) -> dict[str, str]:
    return {html.unescape(k): html.unescape(v) for k, v in _HIDDEN.findall(page)}


def _authorize(authorize_url: str, *, url: str, ca_path: str) -> dict[str, str]:
    """What the organizer does in the popup: log in as the demo user, then Allow; the callback's query."""
    browser = requests.Session()
    browser.verify, browser.trust_env = str(ca_path), False
    login = browser.get(authorize_url)
    approval = browser.post(f"{url}/services/oauth2/authorize",
                            data={**_hidden(login.text), "username": DEMO_USER, "pw": DEMO_PASSWORD})
    answer = browser.post(f"{url}/services/oauth2/authorize",
                          data={**_hidden(approval.text), "allow": "Allow"}, allow_redirects=False)
    if answer.status_code != 302:
        raise RuntimeError(f"the emulator did not approve the login ({answer.status_code})")
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


def event_connect_to_emulator(*, event, url: str, ca_path: str):
    """Activate the tile, save the demo connected app, log in through the connector's services."""
    from connector import services
    from connector.models import SalesforceConnection
    from connector.salesforce import oauth

    services.connection_set_active(event=event, active=True)
    services.connection_credentials_set(event=event, consumer_key=DEMO_KEY, consumer_secret=DEMO_SECRET,
                                        login_host=url)
    session: dict = {}
    authorize_url = services.connection_login_start(event=event, session=session)
    query = _authorize(authorize_url, url=url, ca_path=ca_path)
    login = oauth.pending_login_pop(session, state=query.get("state", ""))
    if login is None:
        raise RuntimeError("the emulator's answer did not carry the state of the login started")
    outcome = services.connection_login_complete(event=event, login=login, code=query.get("code", ""))
    if not outcome.ok:
        raise RuntimeError(f"the emulator login failed: {outcome.message}")
    return SalesforceConnection.objects.get(setups__event=event)


def event_setup_for_campaign(
    *, event, campaign_id: str, registered: str = "Registered", came: str = "Attended", **options
):
    """A setup taken as checked (CHECK SETUP is the tile's job and has its own tests)."""
    from connector.models import SalesforceSetup

    setup, _ = SalesforceSetup.objects.update_or_create(event=event, defaults={
        "campaign_name": options.pop("campaign_name", ""), "campaign_id": campaign_id,
        "registered_status": registered, "came_status": came, "last_check_ok": True,
        "last_checked_at": timezone.now(), **options,
    })
    return setup
