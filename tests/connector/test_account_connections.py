"""Connections at account level, as the tile and the account's Salesforce page show them: an organizer
picks the account's connection for their event, a second login as the same Salesforce user reuses it, the
account page lists who uses it, the org's API usage and each event's sync health, and disconnecting
it names the events it stops."""

import html

from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services import event_give
from connector import services
from connector.models import SalesforceConnection, SalesforceSetup
from events.models import SyncState
from sync.models import EventSync, SyncRun, SyncTrigger
from tests.connector.conftest import connect
from tests.factories import EventFactory, ParticipantFactory, UserFactory


def _second_event(connected, user):
    event = EventFactory(name="Webinar Series", account=connected.account)
    event_give(event=event, user=user, role=Role.ORGANIZER)
    return event


def test_an_organizer_picks_the_accounts_connection_and_the_tile_says_connected(client, connected):
    organizer = UserFactory()
    event = _second_event(connected, organizer)
    client.force_login(organizer)
    services.connection_set_active(event=event, active=True)
    tile = client.get(reverse("connector:salesforce", args=[event.slug])).content.decode()
    assert "connection-use-form" in tile and connected.username in tile
    assert "connection-form" not in tile  # no key, secret or login host for an organizer
    use = reverse("connector:connection_use", args=[event.slug])
    response = client.post(use, {"connection": connected.pk})
    assert response.status_code == 302
    tile = client.get(reverse("connector:salesforce", args=[event.slug])).content.decode()
    assert f"Connected as {connected.username}" in tile
    assert SalesforceSetup.objects.get(event=event).connection == connected
    assert SalesforceConnection.objects.filter(account=connected.account).count() == 1


def test_a_connection_of_another_account_cannot_be_picked(client, connected, user):
    other = EventFactory()
    event_give(event=other, user=user, role=Role.ADMIN)
    client.force_login(user)
    client.post(reverse("connector:connection_use", args=[other.slug]), {"connection": connected.pk})
    assert not SalesforceSetup.objects.filter(event=other, connection=connected).exists()


def test_logging_in_again_as_the_same_salesforce_user_reuses_the_accounts_connection(
    connected, emulator, user
):
    event = _second_event(connected, user)
    connect(event, emulator)  # a new blank connection for this event, then the same user logs in
    assert SalesforceConnection.objects.filter(account=connected.account).count() == 1
    assert SalesforceSetup.objects.get(event=event).connection_id == connected.pk


def test_the_account_page_lists_the_connection_its_events_usage_and_health(client, connected, user):
    first = connected.setups.get().event
    second = _second_event(connected, user)
    services.connection_set_active(event=second, active=True)
    services.event_connection_use(event=second, connection_id=connected.pk)
    # Halted after the login and the last check: nothing lifted it yet.
    EventSync.objects.create(event=second, halted_at=timezone.now(), halted_reason="API_DISABLED_FOR_ORG")
    ParticipantFactory.create_batch(2, event=first, salesforce_sync_state=SyncState.FAILED)
    SyncRun.objects.create(event=first, trigger=SyncTrigger.FORCE, org_api_used=120, org_api_max=15000)
    client.force_login(user)
    page = html.unescape(client.get(reverse("connector:account_salesforce", args=[connected.account.slug]))
                         .content.decode())
    names = sorted([first.name, second.name])
    assert connected.username in page and "120 / 15000 (1 %)" in page
    assert f"{names[0]}</a>, " in page  # both events use the connection, listed by name
    assert "Halted: API_DISABLED_FOR_ORG" in page
    assert "?sync_state=failed\">2</a>" in page
    stops = "These events stop sending to Salesforce until someone logs in again: "
    assert f"{stops}{names[0]}, {names[1]}." in page


def test_disconnecting_from_the_account_page_stops_every_event_using_it(client, connected, user):
    second = _second_event(connected, user)
    services.event_connection_use(event=second, connection_id=connected.pk)
    client.force_login(user)
    url = reverse("connector:account_connection_disconnect", args=[connected.account.slug, connected.pk])
    assert client.post(url).status_code == 302
    connected.refresh_from_db()
    assert not connected.refresh_token and not connected.is_connected
    for event in (connected.setups.first().event, second):
        tile = client.get(reverse("connector:salesforce", args=[event.slug])).content.decode()
        assert "Connected as" not in tile


def test_an_organizer_cannot_open_the_accounts_salesforce_page(client, connected):
    organizer = UserFactory()
    _second_event(connected, organizer)
    client.force_login(organizer)
    page = reverse("connector:account_salesforce", args=[connected.account.slug])
    assert client.get(page).status_code == 403


def test_staff_see_the_tile_read_only_without_forms_or_secrets(client, connected):
    event = connected.setups.get().event
    staff = UserFactory()
    event_give(event=event, user=staff, role=Role.STAFF)
    ParticipantFactory.create_batch(3, event=event, salesforce_sync_state=SyncState.SYNCED)
    client.force_login(staff)
    page = client.get(reverse("connector:salesforce", args=[event.slug])).content.decode()
    assert f"Connected as {connected.username}" in page and "3 synced · 0 pending · 0 failed" in page
    assert "<form" not in page.split('<main class="content">')[1].split("</main>")[0]
    assert connected.consumer_key not in page and connected.consumer_secret not in page
    assert client.post(reverse("connector:activate", args=[event.slug])).status_code == 403
