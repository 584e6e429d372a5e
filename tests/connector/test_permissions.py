"""Object-level permission: a member of another event sees none of this event's Salesforce tile."""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from accounts.models import Role
from accounts.services import event_give, membership_grant
from connector.models import SalesforceConnection, SalesforceSetup
from connector.salesforce import oauth
from tests.connector.conftest import callback_query, configure, emulator_authorize
from tests.factories import PASSWORD, EventFactory, UserFactory

# Values for the URL parameters other than the event's slug; a new parameter must be added here.
OTHER_KWARGS = {"kind": "lead", "pk": 1}


def event_endpoints() -> list[tuple[str, tuple[str, ...]]]:
    """(url name, parameter names) of every URL of the tile and of the sync that takes an event slug,
    found by walking the URL resolver: an endpoint added later is covered without editing this test."""
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif namespace in ("connector", "sync") and "slug" in pattern.pattern.converters:
                found.append((f"{namespace}:{pattern.name}", tuple(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, None)
    return found


ENDPOINTS = event_endpoints()


def _url(name: str, params: tuple[str, ...], slug: str) -> str:
    return reverse(name, kwargs={p: slug if p == "slug" else OTHER_KWARGS[p] for p in params})


def test_the_walk_finds_the_tile_and_the_sync():
    names = {name for name, _ in ENDPOINTS}
    assert {"connector:salesforce", "connector:connection_save", "connector:mapping_check"} <= names
    assert {"sync:force_sync", "sync:progress"} <= names and len(names) == len(ENDPOINTS)


@pytest.fixture
def stranger(client, db):
    """An admin of another account, logged in."""
    other = UserFactory()
    membership_grant(account=EventFactory().account, user=other, role=Role.ADMIN)
    client.login(username=other.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(("name", "params"), ENDPOINTS, ids=[name for name, _ in ENDPOINTS])
def test_other_events_member_sees_what_a_missing_event_shows(stranger, event, name, params):
    """404 on the method the endpoint serves; the other method's 405 is the same as for no event at all."""
    statuses = []
    for method in (stranger.get, stranger.post):
        response = method(_url(name, params, event.slug), {"x": "1", "lead": "{}"})
        missing = method(_url(name, params, "no-such-event"), {"x": "1", "lead": "{}"})
        assert response.status_code in (404, 405) and response.status_code == missing.status_code
        statuses.append(response.status_code)
    assert 404 in statuses
    assert not SalesforceConnection.objects.filter(setups__event=event).exists()
    assert not SalesforceSetup.objects.filter(event=event).exists()


@pytest.mark.parametrize(("name", "params"), ENDPOINTS, ids=[name for name, _ in ENDPOINTS])
def test_anonymous_visitors_are_sent_to_log_in_from_every_endpoint(client, event, name, params):
    for method in (client.get, client.post):
        response = method(_url(name, params, event.slug))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_callback_for_another_users_pending_login_is_refused(client, event, emulator, user):
    """The state lives in the organizer's session: the same callback in another session is unknown."""
    client.login(username=user.username, password=PASSWORD)
    configure(event, emulator)
    authorize = client.get(reverse("connector:login_start", args=[event.slug]))["Location"]
    query = callback_query(emulator_authorize(emulator, authorize))
    other = UserFactory()
    event_give(event=event, user=other)
    client.logout()
    client.login(username=other.username, password=PASSWORD)
    assert client.get("/salesforce/oauth/callback/", query).status_code == 400
    assert not SalesforceConnection.objects.get(setups__event=event).refresh_token
    assert oauth.SESSION_KEY not in client.session or not client.session[oauth.SESSION_KEY]


def test_anonymous_callback_is_sent_to_log_in(client):
    """The callback has no event in its URL: it is found from the pending login of the session."""
    response = client.get("/salesforce/oauth/callback/", {"state": "x", "code": "y"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
