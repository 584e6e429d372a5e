"""Object-level permission: a member of another event sees none of this event's Salesforce tile."""

import pytest
from django.urls import reverse

from connector.models import SalesforceConnection
from connector.salesforce import oauth
from tests.connector.conftest import callback_query, configure, emulator_authorize
from tests.factories import PASSWORD, EventFactory, UserFactory

GET_ENDPOINTS = ["integrations", "salesforce", "connection_status", "login_start", "statuses"]
POST_ENDPOINTS = [
    "activate",
    "deactivate",
    "connection_save",
    "disconnect",
    "options_save",
    "campaign_check",
    "campaign_save",
    "statuses_save",
    "status_create",
    "mappings_save",
    "describe_refresh",
    "check",
]


@pytest.fixture
def stranger(client, db):
    """A user who organizes another event, logged in."""
    other = UserFactory()
    EventFactory().members.add(other)
    client.login(username=other.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("name", GET_ENDPOINTS)
def test_other_events_member_gets_404_on_every_page(stranger, event, name):
    assert stranger.get(reverse(f"connector:{name}", args=[event.slug])).status_code == 404


@pytest.mark.parametrize("name", POST_ENDPOINTS)
def test_other_events_member_gets_404_on_every_action(stranger, event, name):
    assert stranger.post(reverse(f"connector:{name}", args=[event.slug]), {"x": "1"}).status_code == 404
    assert not SalesforceConnection.objects.filter(event=event, is_active=True).exists()


def test_other_events_member_gets_404_on_mapping_check(stranger, event):
    url = reverse("connector:mapping_check", args=[event.slug, "lead"])
    assert stranger.post(url, {"lead": "{}"}).status_code == 404


def test_a_callback_for_another_users_pending_login_is_refused(client, event, emulator, user):
    """The state lives in the organizer's session: the same callback in another session is unknown."""
    client.login(username=user.username, password=PASSWORD)
    configure(event, emulator)
    authorize = client.get(reverse("connector:login_start", args=[event.slug]))["Location"]
    query = callback_query(emulator_authorize(emulator, authorize))
    other = UserFactory()
    event.members.add(other)
    client.logout()
    client.login(username=other.username, password=PASSWORD)
    assert client.get("/salesforce/oauth/callback/", query).status_code == 400
    assert not SalesforceConnection.objects.get(event=event).refresh_token
    assert oauth.SESSION_KEY not in client.session or not client.session[oauth.SESSION_KEY]


def test_anonymous_visitors_are_sent_to_log_in(client, event):
    response = client.get(reverse("connector:salesforce", args=[event.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/salesforce/oauth/callback/", {"state": "x", "code": "y"}).status_code == 302
