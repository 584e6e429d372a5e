"""Helpers of the emulator tests (its fixtures come from the plugin registered in tests/conftest.py)."""

import html
import re

import pytest
from simple_salesforce import Salesforce

DEMO_KEY, DEMO_SECRET = "demo-consumer-key", "demo-consumer-secret"
CALLBACK = "http://127.0.0.1:8000/salesforce/oauth/callback/"
_HIDDEN = re.compile(r"<input type='hidden' name='([^']*)' value='([^']*)'>")


def hidden_fields(page: str) -> dict[str, str]:
    return {html.unescape(k): html.unescape(v) for k, v in _HIDDEN.findall(page)}


@pytest.fixture
def sf(salesforce_emulator) -> Salesforce:
    return salesforce_emulator.client()


@pytest.fixture
def http(salesforce_emulator):
    """A requests session trusting the emulator's CA, with the API base URL and a bearer token."""
    session = salesforce_emulator.session()
    session.headers["Authorization"] = f"Bearer {salesforce_emulator.issue_token()}"
    session.base = f"{salesforce_emulator.url}/services/data/v62.0"
    return session


def campaign_id(server, name: str) -> str:
    return next(c["Id"] for c in server.records("Campaign") if c["Name"] == name)


def record_id(server, object_name: str, email: str) -> str:
    return next(r["Id"] for r in server.records(object_name) if r["Email"] == email)
