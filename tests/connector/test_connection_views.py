"""Connecting through the tile: the OAuth popup flow end to end with the Django test client and the
emulator's real login pages, and every way it can go wrong."""

import base64
import hashlib
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from connector import services
from connector.models import ConnectionHealth, SalesforceConnection
from connector.salesforce import oauth
from tests.connector.conftest import (
    DEMO_KEY,
    DEMO_SECRET,
    DEMO_USER,
    SITE_URL,
    callback_query,
    configure,
    emulator_authorize,
)
from tests.factories import PASSWORD

CALLBACK = "/salesforce/oauth/callback/"


@pytest.fixture
def organizer(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def _start(organizer, event) -> str:
    response = organizer.get(reverse("connector:login_start", args=[event.slug]))
    assert response.status_code == 302
    return response["Location"]


def test_login_start_sends_state_pkce_s256_and_the_exact_callback(organizer, event, emulator):
    configure(event, emulator)
    url = _start(organizer, event)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{emulator.url}/services/oauth2/authorize?")
    assert query["redirect_uri"] == SITE_URL + CALLBACK and query["client_id"] == DEMO_KEY
    pending = organizer.session[oauth.SESSION_KEY][query["state"]]
    digest = hashlib.sha256(pending["verifier"].encode()).digest()
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert pending["verifier"] not in url


def test_organizer_logs_in_and_the_tile_says_connected_as_username_and_org(organizer, event, emulator):
    configure(event, emulator)
    query = callback_query(emulator_authorize(emulator, _start(organizer, event)))
    response = organizer.get(CALLBACK, query)
    assert response.status_code == 200 and "window.opener" in response.content.decode()
    connection = SalesforceConnection.objects.get(setups__event=event)
    assert connection.health == ConnectionHealth.CONNECTED and connection.username == DEMO_USER
    assert connection.org_id.startswith("00D") and connection.user_id.startswith("005")
    assert connection.instance_url == emulator.url
    status = organizer.get(reverse("connector:connection_status", args=[event.slug]))
    assert f"Connected as {DEMO_USER} ({connection.org_id})" in status.content.decode()
    polled = organizer.get(reverse("connector:connection_status", args=[event.slug]), {"polling": "1"})
    assert polled["HX-Refresh"] == "true"  # the polling setup screen redraws itself, connected


def test_two_pending_logins_do_not_clobber_each_other(organizer, event, emulator):
    configure(event, emulator)
    first = _start(organizer, event)
    _start(organizer, event)
    query = callback_query(emulator_authorize(emulator, first))
    assert organizer.get(CALLBACK, query).status_code == 200
    assert SalesforceConnection.objects.get(setups__event=event).is_connected


def test_denied_consent_says_so_and_stores_nothing(organizer, event, emulator):
    configure(event, emulator)
    query = callback_query(emulator_authorize(emulator, _start(organizer, event), button="deny"))
    assert query["error"] == "access_denied"
    response = organizer.get(CALLBACK, query)
    assert response.status_code == 400 and "denied access" in response.content.decode()
    connection = SalesforceConnection.objects.get(setups__event=event)
    assert not connection.refresh_token and not connection.access_token and not connection.is_connected
    status = organizer.get(reverse("connector:connection_status", args=[event.slug]))
    assert "You denied access in Salesforce" in status.content.decode()


@pytest.mark.parametrize("state", ["", "forged-state"])
def test_callback_refuses_a_missing_or_wrong_state(organizer, event, emulator, state):
    configure(event, emulator)
    query = callback_query(emulator_authorize(emulator, _start(organizer, event)))
    response = organizer.get(CALLBACK, {**query, "state": state})
    assert response.status_code == 400 and "unknown, expired or already used" in response.content.decode()
    assert not SalesforceConnection.objects.get(setups__event=event).refresh_token


def test_callback_replayed_is_refused(organizer, event, emulator):
    configure(event, emulator)
    query = callback_query(emulator_authorize(emulator, _start(organizer, event)))
    assert organizer.get(CALLBACK, query).status_code == 200
    SalesforceConnection.objects.filter(setups__event=event).update(refresh_token="", access_token="")
    assert organizer.get(CALLBACK, query).status_code == 400
    assert not SalesforceConnection.objects.get(setups__event=event).refresh_token


def test_a_used_code_under_a_fresh_state_is_refused_by_salesforce(organizer, event, emulator):
    configure(event, emulator)
    used = callback_query(emulator_authorize(emulator, _start(organizer, event)))
    assert organizer.get(CALLBACK, used).status_code == 200
    SalesforceConnection.objects.filter(setups__event=event).update(
        refresh_token="", access_token="", health="not_connected"
    )
    fresh_state = parse_qs(urlsplit(_start(organizer, event)).query)["state"][0]
    response = organizer.get(CALLBACK, {"code": used["code"], "state": fresh_state})
    assert response.status_code == 400 and "expired or was already used" in response.content.decode()
    assert not SalesforceConnection.objects.get(setups__event=event).refresh_token


def test_wrong_consumer_secret_ends_with_a_clear_message(organizer, event, emulator):
    configure(event, emulator, secret="not-the-secret")
    query = callback_query(emulator_authorize(emulator, _start(organizer, event)))
    response = organizer.get(CALLBACK, query)
    assert response.status_code == 400 and "Consumer Key or Consumer Secret" in response.content.decode()
    assert not SalesforceConnection.objects.get(setups__event=event).refresh_token


def test_wrong_consumer_key_is_stopped_on_salesforces_side(organizer, event, emulator):
    configure(event, emulator)
    SalesforceConnection.objects.filter(setups__event=event).update(consumer_key="unknown-key")
    page = emulator.session().get(_start(organizer, event))
    assert "invalid_client_id" in page.text and 'name="username"' not in page.text


def test_closed_popup_is_reported_on_the_tile(organizer, event, emulator):
    configure(event, emulator)
    _start(organizer, event)
    status = organizer.get(reverse("connector:connection_status", args=[event.slug]), {"popup_closed": "1"})
    assert "closed before the login finished" in status.content.decode()


def test_login_without_key_and_secret_explains_what_is_missing(organizer, event, emulator):
    response = organizer.get(reverse("connector:login_start", args=[event.slug]))
    assert (
        response.status_code == 400 and "Consumer Key and Consumer Secret first" in response.content.decode()
    )


def test_disconnect_revokes_the_tokens_in_salesforce_and_forgets_them(organizer, event, emulator):
    configure(event, emulator)
    organizer.get(CALLBACK, callback_query(emulator_authorize(emulator, _start(organizer, event))))
    refresh_token = SalesforceConnection.objects.get(setups__event=event).refresh_token
    response = organizer.post(reverse("connector:disconnect", args=[event.slug]))
    assert response.status_code == 302
    connection = SalesforceConnection.objects.get(setups__event=event)
    assert (
        not connection.refresh_token and not connection.access_token and connection.health == "not_connected"
    )
    with pytest.raises(Exception) as caught:
        oauth.token_refresh(
            login_host=emulator.url,
            client_id=DEMO_KEY,
            client_secret=DEMO_SECRET,
            refresh_token=refresh_token,
        )
    assert caught.value.code == "invalid_grant"


def test_connection_form_keeps_the_secret_write_only(organizer, event, emulator):
    organizer.post(reverse("connector:activate", args=[event.slug]))
    url = reverse("connector:connection_save", args=[event.slug])
    data = {"consumer_key": DEMO_KEY, "consumer_secret": DEMO_SECRET, "login_host": emulator.url}
    assert organizer.post(url, data).status_code == 302
    page = organizer.get(reverse("connector:salesforce", args=[event.slug])).content.decode()
    assert DEMO_SECRET not in page and 'id="secret-set"' in page
    assert organizer.post(url, {**data, "consumer_secret": ""}).status_code == 302  # blank keeps it
    assert SalesforceConnection.objects.get(setups__event=event).consumer_secret == DEMO_SECRET


@pytest.mark.parametrize(
    ("choice", "url", "accepted"),
    [
        ("https://login.salesforce.com", "", True),
        ("https://test.salesforce.com", "", True),
        ("my_domain", "https://acme.my.salesforce.com", True),
        ("my_domain", "https://acme--uat.sandbox.my.salesforce.com", True),
        ("my_domain", "https://acme.my.salesforce.com.evil.example", False),
        ("my_domain", "http://acme.my.salesforce.com", False),
        ("my_domain", "https://evil.example", False),
    ],
)
def test_login_host_is_production_sandbox_or_a_my_domain_url(
    organizer, event, emulator, choice, url, accepted
):
    organizer.post(reverse("connector:activate", args=[event.slug]))
    data = {
        "consumer_key": DEMO_KEY,
        "consumer_secret": DEMO_SECRET,
        "login_host": choice,
        "my_domain_url": url,
    }
    response = organizer.post(reverse("connector:connection_save", args=[event.slug]), data)
    assert (response.status_code == 302) is accepted
    if not accepted:
        assert 'class="invalid"' in response.content.decode() or "invalid" in response.content.decode()


def test_emulator_host_is_allowed_only_by_the_setting(emulator, settings):
    settings.SALESFORCE_EXTRA_LOGIN_HOSTS = []
    with pytest.raises(oauth.InvalidLoginHost):
        oauth.login_host_validate(emulator.url)


def test_no_secret_or_token_in_responses_or_logs(organizer, event, emulator, caplog):
    caplog.set_level(logging.DEBUG)
    configure(event, emulator)
    callback = organizer.get(CALLBACK, callback_query(emulator_authorize(emulator, _start(organizer, event))))
    connection = SalesforceConnection.objects.get(setups__event=event)
    emulator.set_faults(expire_sessions=True)
    typed = "typed-secret-of-a-refused-form"
    refused = organizer.post(
        reverse("connector:connection_save", args=[event.slug]),
        {"consumer_key": DEMO_KEY, "consumer_secret": typed, "login_host": "my_domain", "my_domain_url": "x"},
    )
    assert refused.status_code == 400
    pages = [
        callback,
        refused,
        organizer.get(reverse("connector:salesforce", args=[event.slug])),
        organizer.post(reverse("connector:check", args=[event.slug])),  # refreshes the expired session
        organizer.get(reverse("connector:integrations", args=[event.slug])),
    ]
    refreshed = SalesforceConnection.objects.get(setups__event=event)
    secrets = {DEMO_SECRET, typed, connection.refresh_token, connection.access_token, refreshed.access_token}
    assert refreshed.access_token != connection.access_token
    for response in pages:
        body = response.content.decode()
        assert not any(secret in body for secret in secrets)
    assert caplog.records and not any(secret in caplog.text for secret in secrets)


def test_saving_the_same_key_with_surrounding_spaces_keeps_the_login(event, connected, emulator):
    connection = services.connection_credentials_set(
        event=event, consumer_key=f"  {DEMO_KEY} ", consumer_secret="", login_host=emulator.url
    )
    assert connection.consumer_key == DEMO_KEY
    assert connection.is_connected and connection.refresh_token == connected.refresh_token


def test_another_consumer_key_forgets_the_tokens(event, connected, emulator):
    connection = services.connection_credentials_set(
        event=event, consumer_key="another-key", consumer_secret="", login_host=emulator.url
    )
    assert not connection.refresh_token and connection.health == ConnectionHealth.NOT_CONNECTED


def test_a_pending_login_prints_without_its_verifier():
    login = oauth.PendingLogin(state="s", code_verifier="the-verifier", event_id=1, redirect_uri=SITE_URL)
    assert "the-verifier" not in repr(login) and "the-verifier" not in str(login)
