"""Each participant's page tells its Salesforce story: when it was sent, what, to which record (with a link
into the org), and how it ended."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.services import participant_create, participant_update
from sync.models import SyncAttempt
from sync.services import attempts_prune
from tests.factories import PASSWORD, UserFactory
from tests.sync.conftest import settled, wait_until


@pytest.fixture
def organizer(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def _history(organizer, event, person) -> str:
    url = reverse("sync:participant_history", args=[event.slug, person.pk])
    return organizer.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_the_history_shows_what_was_sent_to_which_record_with_a_link_into_the_org(
    organizer, connected_event, sync_worker, salesforce_emulator
):
    event = connected_event
    person = participant_create(event=event, values={
        "email": "noor@example.org", "first_name": "Noor", "last_name": "Haddad", "is_registered": True,
    })
    assert "Not sent to Salesforce yet." in _history(organizer, event, person)
    wait_until(settled(event), timeout=60, message="the first sync")
    participant_update(participant=person, values={"first_name": "Nour"})
    wait_until(settled(event), timeout=60, message="the update")
    person.refresh_from_db()
    page = _history(organizer, event, person)
    lead_url = f"{salesforce_emulator.url}/{person.salesforce_id}"
    assert page.count('class="attempt attempt-synced"') == 2
    assert page.index("<dd>Nour</dd>") < page.index("<dd>Noor</dd>")  # newest first, each with its data
    assert f'href="{lead_url}"' in page and "status Registered" in page
    edit = organizer.get(reverse("events:participant_edit", args=[event.slug, person.pk]))
    edit_page = edit.content.decode()
    assert reverse("sync:participant_history", args=[event.slug, person.pk]) in edit_page


def test_attempts_older_than_the_history_days_are_forgotten(connected_event, settings):
    values = {"email": "old@example.org", "last_name": "Old"}
    person = participant_create(event=connected_event, values=values)
    now = timezone.now()
    old = now - dt.timedelta(days=settings.SYNC_HISTORY_DAYS, hours=1)
    SyncAttempt.objects.create(participant=person, at=old, outcome="synced")
    SyncAttempt.objects.create(participant=person, at=now, outcome="synced")
    assert attempts_prune() == 1 and SyncAttempt.objects.filter(participant=person).count() == 1


def test_someone_not_of_the_event_cannot_read_a_participants_history(client, connected_event):
    person = participant_create(event=connected_event, values={"email": "x@example.org", "last_name": "X"})
    stranger = UserFactory()
    client.login(username=stranger.username, password=PASSWORD)
    url = reverse("sync:participant_history", args=[connected_event.slug, person.pk])
    assert client.get(url).status_code == 404
