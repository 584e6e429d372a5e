"""Participant pages and the grid say what will happen to a change in Salesforce, and why not when not."""

import pytest
from django.urls import reverse

from connector import services
from connector.setup_check import setup_check
from events.models import SyncState
from events.services import participant_create
from sync.models import EventSync
from sync.services import event_halt, event_pause
from tests.factories import PASSWORD


@pytest.fixture
def organizer(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def _person(event, **values):
    return participant_create(event=event, values={"email": "ana@example.org", "last_name": "Ana", **values})


def _page(organizer, event, person) -> str:
    return organizer.get(reverse("events:participant_edit", args=[event.slug, person.pk])).content.decode()


def test_a_valid_setup_says_the_change_goes_within_seconds(organizer, connected_event):
    person = _person(connected_event)
    assert "Changes are sent to Salesforce within seconds." in _page(organizer, connected_event, person)
    saved = organizer.post(
        reverse("events:participant_edit", args=[connected_event.slug, person.pk]),
        {"email": person.email, "last_name": "Anna"},
        follow=True,
    )
    assert "Saved. Changes are sent to Salesforce within seconds." in saved.content.decode()


def test_with_data_update_off_a_known_person_is_told_only_the_status_follows(organizer, connected_event):
    services.setup_options_set(event=connected_event, allow_creating_leads=True, allow_data_update=False,
                               default_company="Unknown")
    person = _person(connected_event)
    assert "within seconds" in _page(organizer, connected_event, person)  # not in Salesforce yet: created
    person.salesforce_id, person.salesforce_sync_state = "00Q000000000001AAA", SyncState.SYNCED
    person.save()
    page = _page(organizer, connected_event, person)
    assert "“Allow contacts or leads data update” is off: only the campaign member status follows" in page


def test_a_setup_being_checked_a_stopped_or_a_paused_sync_is_said_on_the_page_and_the_grid(
    organizer, connected_event
):
    event = connected_event
    person = _person(event)
    services.setup_statuses_set(event=event, registered_status="Responded", came_status="Attended")
    page = _page(organizer, event, person)
    assert "Not sent for now: The settings changed: they are being checked against Salesforce" in page
    grid = organizer.get(reverse("events:participant_list", args=[event.slug])).content.decode()
    assert "Not sent for now: The settings changed" in grid
    assert setup_check(event=event).ok
    event_halt(event=event, reason="API_DISABLED_FOR_ORG: API is not enabled for this Organization")
    assert "Not sent for now: the synchronization is stopped (Salesforce refused the batch" in _page(
        organizer, event, person
    )
    EventSync.objects.filter(event=event).update(halted_at=None, halted_reason="")
    event_pause(event=event, reason="TotalRequests Limit exceeded.")
    assert "(TotalRequests Limit exceeded): changes are sent after, by themselves." in _page(
        organizer, event, person
    )


def test_a_tile_not_activated_says_nothing_is_sent(organizer, event):
    person = _person(event)
    assert "Salesforce is not activated for this event: nothing is sent." in _page(organizer, event, person)
