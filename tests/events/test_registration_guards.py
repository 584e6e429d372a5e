"""The public registration page's guards: open/close dates, the honeypot, the per-IP and per-event rate
limits (on the Redis cache), and the email confirmation that holds a registrant back from Salesforce."""

import datetime as dt
import re

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import SyncState
from events.registration import HONEYPOT_FIELD
from events.services import participants_mark_pending
from sync.batches import batch_claim
from tests.factories import EventFactory


def _register(client, event, ip="10.0.0.1", forwarded=None, **data):
    url = reverse("events:registration", args=[event.slug])
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post(url, {"email": "lea@example.fr", **data}, REMOTE_ADDR=ip, **extra)


def test_before_opening_the_page_says_when_it_opens_and_saves_nothing(client, event):
    event.registration_opens_at = timezone.now() + dt.timedelta(days=2)
    event.save()
    page = client.get(reverse("events:registration", args=[event.slug]))
    assert page.status_code == 200 and "Registration is not open yet" in page.content.decode()
    assert 'name="email"' not in page.content.decode()
    assert _register(client, event).status_code == 403
    assert not event.participants.exists()


def test_after_closing_the_page_is_closed_and_saves_nothing(client, event):
    event.registration_closes_at = timezone.now() - dt.timedelta(minutes=1)
    event.save()
    response = _register(client, event)
    assert response.status_code == 403 and "Registration is closed" in response.content.decode()
    assert not event.participants.exists()


def test_between_the_dates_registration_works(client, event):
    event.registration_opens_at = timezone.now() - dt.timedelta(days=1)
    event.registration_closes_at = timezone.now() + dt.timedelta(days=1)
    event.save()
    assert _register(client, event).status_code == 302
    assert event.participants.get().email == "lea@example.fr"


def test_a_filled_honeypot_is_thanked_and_nothing_is_saved(client, event):
    page = client.get(reverse("events:registration", args=[event.slug])).content.decode()
    assert f'name="{HONEYPOT_FIELD}"' in page and 'tabindex="-1"' in page
    response = _register(client, event, **{HONEYPOT_FIELD: "http://spam.example"})
    assert response.status_code == 302 and response.url.endswith("/thanks/")
    assert not event.participants.exists()


def test_one_ip_is_limited_and_told_to_wait_and_nothing_more_is_saved(client, event, settings):
    settings.REGISTRATION_RATE_PER_IP = "3/h"
    for i in range(3):
        assert _register(client, event, ip="10.1.1.1", email=f"p{i}@example.org").status_code == 302
    refused = _register(client, event, ip="10.1.1.1", email="p3@example.org")
    assert refused.status_code == 429 and "Too many registrations right now" in refused.content.decode()
    assert event.participants.count() == 3
    assert _register(client, event, ip="10.1.1.2", email="p4@example.org").status_code == 302  # another IP


def test_behind_the_proxy_the_limit_is_per_client_not_per_proxy(client, event, settings):
    settings.REGISTRATION_RATE_PER_IP = "2/h"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # BEHIND_PROXY
    proxy = "172.18.0.1"
    for i in range(2):
        response = _register(client, event, ip=proxy, email=f"a{i}@example.org", forwarded="10.3.0.1")
        assert response.status_code == 302
    forged = _register(client, event, ip=proxy, email="a2@example.org", forwarded="1.2.3.4, 10.3.0.1")
    assert forged.status_code == 429  # the client's own first entry changes nothing
    other = _register(client, event, ip=proxy, email="b@example.org", forwarded="10.3.0.2")
    assert other.status_code == 302


def test_one_event_is_limited_whatever_the_ip(client, event, settings):
    settings.REGISTRATION_RATE_PER_EVENT = "2/h"
    for i in range(2):
        assert _register(client, event, ip=f"10.2.0.{i}", email=f"p{i}@example.org").status_code == 302
    assert _register(client, event, ip="10.2.0.9", email="p9@example.org").status_code == 429
    assert event.participants.count() == 2
    other = EventFactory()
    assert _register(client, other, ip="10.2.0.9", email="p9@example.org").status_code == 302


def test_confirmation_holds_the_registrant_back_until_the_link_is_followed(client, event):
    event.registration_confirms_email = True
    event.save()
    response = _register(client, event, first_name="Léa")
    assert response.status_code == 302 and response.url.endswith("/check-your-inbox/")
    participant = event.participants.get()
    assert participant.salesforce_sync_state == SyncState.AWAITING and not participant.email_confirmed
    participants_mark_pending(event=event)  # FORCE SYNCHRONIZATION does not send them either
    participant.refresh_from_db()
    assert participant.salesforce_sync_state == SyncState.AWAITING

    (message,) = mail.outbox
    assert message.to == ["lea@example.fr"] and event.name in message.subject
    link = re.search(r"https?://\S+/confirm/\S+/", message.body).group()
    path = link.split("://", 1)[1].split("/", 1)[1]
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert client.get(f"/{tampered}").status_code == 400
    page = client.get(f"/{path}")
    assert page.status_code == 200 and "Your email is confirmed" in page.content.decode()
    participant.refresh_from_db()
    assert participant.email_confirmed and participant.salesforce_sync_state == SyncState.PENDING


def test_a_link_for_another_email_or_event_is_refused(client, event):
    event.registration_confirms_email = True
    event.save()
    _register(client, event)
    (message,) = mail.outbox
    token = re.search(r"/confirm/(\S+)/", message.body).group(1)
    other = EventFactory()
    response = client.get(reverse("events:registration_confirm", args=[other.slug, token]))
    assert response.status_code == 400 and "This link is not valid" in response.content.decode()
    assert event.participants.get().salesforce_sync_state == SyncState.AWAITING


def test_the_sync_never_takes_an_unconfirmed_registrant(client, event):
    event.registration_confirms_email = True
    event.save()
    _register(client, event, email="wait@example.org")
    assert batch_claim(event=event).participants == []
