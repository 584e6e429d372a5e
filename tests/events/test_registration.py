"""The public registration page: no login, public fields only, creates or updates a registered participant."""

from django.urls import reverse

from events.models import SyncState
from tests.factories import ParticipantFactory


def test_registration_page_shows_public_fields_only(client, event, custom_fields):
    custom_fields[0].staff_only = True
    custom_fields[0].save()
    page = client.get(reverse("events:registration", args=[event.slug])).content.decode()
    assert 'name="email"' in page and 'name="ticket"' in page
    assert 'name="shirt"' not in page  # staff only
    assert 'name="has_come"' not in page and 'name="is_registered"' not in page


def test_registering_creates_a_registered_pending_participant(client, event, custom_fields):
    url = reverse("events:registration", args=[event.slug])
    response = client.post(
        url, {"email": " lea@example.fr ", "first_name": "Léa", "ticket": "VIP"}, follow=True
    )
    assert "Thank you!" in response.content.decode()
    participant = event.participants.get()
    assert participant.email == "lea@example.fr" and participant.is_registered and not participant.has_come
    assert participant.data["ticket"] == "VIP"
    assert participant.salesforce_sync_state == SyncState.PENDING


def test_registering_again_with_a_known_email_marks_registered_without_overwriting_data(client, event):
    existing = ParticipantFactory(event=event, email="Lea@Example.fr", company="Old", has_come=True)
    url = reverse("events:registration", args=[event.slug])
    response = client.post(url, {"email": "lea@example.fr", "company": "Forged"})
    existing.refresh_from_db()
    assert response.status_code == 302  # the same thank-you page as a new registration: nothing leaks
    assert event.participants.count() == 1
    assert existing.company == "Old" and existing.is_registered and existing.has_come
    assert existing.email == "Lea@Example.fr"


def test_registration_errors_are_shown_inline(client, event, custom_fields):
    url = reverse("events:registration", args=[event.slug])
    page = client.post(url, {"email": "nope", "sessions_count": "abc"}).content.decode()
    assert "Enter a valid email address." in page and "Sessions attended: expected a number" in page
    assert not event.participants.exists()


def test_unknown_event_registration_is_404(client, db):
    assert client.get(reverse("events:registration", args=["no-such-event"])).status_code == 404
