"""Connect an event to a running Salesforce emulator without a browser: the real OAuth web server flow
(login form, approval, code, token endpoint), then a campaign and a checked setup. For the benchmark, the
end-to-end tests and demos; a real org is connected through the tile instead."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import requests
from django.utils import timezone

from connector.models import ConnectionHealth, SalesforceConnection, SalesforceSetup
from events.models import Event

DEMO_KEY, DEMO_SECRET = "demo-consumer-key", "demo-consumer-secret"
DEMO_USER, DEMO_PASSWORD = "demo@emulator.example", "demo1234"
DEMO_CALLBACK = "http://127.0.0.1:8000/salesforce/oauth/callback/"


def _session(ca_path: str) -> requests.Session:
    session = requests.Session()
    session.verify = str(ca_path)
    session.trust_env = False
    return session


def emulator_tokens(*, url: str, ca_path: str) -> dict:
    """The token endpoint's answer for the demo user of the demo connected app."""
    http = _session(ca_path)
    params = {"response_type": "code", "client_id": DEMO_KEY, "redirect_uri": DEMO_CALLBACK,
              "scope": "api refresh_token"}
    authorize = f"{url}/services/oauth2/authorize"
    page = http.post(authorize, data={**params, "username": DEMO_USER, "pw": DEMO_PASSWORD})
    ticket = re.search(r"name=[\"']ticket[\"'] value=[\"']([^\"']+)[\"']", page.text).group(1)
    answer = http.post(authorize, data={**params, "ticket": ticket, "allow": "Allow"}, allow_redirects=False)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    token = http.post(f"{url}/services/oauth2/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": DEMO_CALLBACK,
        "client_id": DEMO_KEY, "client_secret": DEMO_SECRET,
    })
    token.raise_for_status()
    return token.json()


def event_connect_to_emulator(*, event: Event, url: str, ca_path: str) -> SalesforceConnection:
    token = emulator_tokens(url=url, ca_path=ca_path)
    org_id, user_id = token["id"].rstrip("/").split("/")[-2:]
    connection, _ = SalesforceConnection.objects.update_or_create(event=event, defaults={
        "is_active": True, "consumer_key": DEMO_KEY, "consumer_secret": DEMO_SECRET, "login_host": url,
        "refresh_token": token["refresh_token"], "access_token": token["access_token"],
        "instance_url": token["instance_url"], "org_id": org_id, "user_id": user_id, "username": DEMO_USER,
        "health": ConnectionHealth.CONNECTED, "last_error": "", "connected_at": timezone.now(),
    })
    return connection


def event_setup_for_campaign(
    *, event: Event, campaign_id: str, registered: str = "Registered", came: str = "Attended", **options
) -> SalesforceSetup:
    """A setup taken as checked (CHECK SETUP is the tile's job and has its own tests)."""
    setup, _ = SalesforceSetup.objects.update_or_create(event=event, defaults={
        "campaign_name": options.pop("campaign_name", ""), "campaign_id": campaign_id,
        "registered_status": registered, "came_status": came, "last_check_ok": True,
        "last_checked_at": timezone.now(), **options,
    })
    return setup
