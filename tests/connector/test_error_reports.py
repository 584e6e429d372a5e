"""A crash while the connector holds a secret shows none of it: not on the DEBUG page, not in the report an
error reporter (mail_admins, a tracker) builds from the `django.request` log record in production.

The crashes are real failing dependencies: a broken FIELD_ENCRYPTION_KEY while saving the connected app,
Redis unreachable when an expired session needs the refresh lock."""

import logging

import pytest
from django.test import Client
from django.urls import reverse
from django.views.debug import ExceptionReporter

from connector import services
from tests.connector.conftest import DEMO_KEY, DEMO_SECRET

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # port 1: refused at once


@pytest.fixture
def crashing_client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _error_pages(response, caplog) -> list[str]:
    """The page the browser got, and the report an error reporter would send from the log record."""
    assert response.status_code == 500
    record = next(r for r in caplog.records if r.name == "django.request" and r.exc_info)
    report = ExceptionReporter(record.request, *record.exc_info, is_email=True)
    return [response.content.decode(), report.get_traceback_html(), report.get_traceback_text()]


@pytest.mark.parametrize("debug", [True, False])
def test_a_crash_while_saving_the_connected_app_shows_no_secret(
    crashing_client, event, emulator, settings, caplog, debug
):
    settings.DEBUG = debug
    services.connection_set_active(event=event, active=True)
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key"]  # a misconfigured deployment
    data = {"consumer_key": DEMO_KEY, "consumer_secret": DEMO_SECRET, "login_host": emulator.url}
    response = crashing_client.post(reverse("connector:connection_save", args=[event.slug]), data)
    pages = _error_pages(response, caplog)
    assert "Fernet key must be 32" in pages[1]  # the report does show what went wrong
    if debug:
        assert "Fernet key must be 32" in pages[0] and "consumer_secret" in pages[0]
    for page in pages:
        assert DEMO_SECRET not in page


@pytest.mark.parametrize("debug", [True, False])
def test_a_crash_while_refreshing_the_session_shows_no_token(
    crashing_client, event, connected, emulator, settings, caplog, debug
):
    settings.DEBUG = debug
    emulator.set_faults(expire_sessions=True)  # CHECK SETUP will need a refresh, under the Redis lock
    settings.REDIS_URL = UNREACHABLE_REDIS
    caplog.set_level(logging.ERROR, logger="django.request")
    response = crashing_client.post(reverse("connector:check", args=[event.slug]))
    pages = _error_pages(response, caplog)
    assert "access_token_refresh" in pages[1] and "ConnectionError" in pages[1]
    for page in pages:
        for secret in (DEMO_SECRET, connected.access_token, connected.refresh_token):
            assert secret not in page
