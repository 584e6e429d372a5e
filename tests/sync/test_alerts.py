"""Organizers get one email when the sync stops by itself and needs them, not one per attempt."""

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.models import Role
from accounts.services import event_give
from connector.connection_client import connection_mark_needs_login
from connector.models import SalesforceConnection, SalesforceSetup
from sync.services import event_halt, event_pause
from tests.factories import EventFactory, UserFactory


@pytest.fixture
def organized_event(db):
    event = EventFactory(name="Summit")
    for organizer in (UserFactory(email="claire@example.org"), UserFactory(email="")):
        event_give(event=event, user=organizer, role=Role.ORGANIZER)
    event_give(event=event, user=UserFactory(email="staff@example.org"), role=Role.STAFF)
    for kind in ("halted", "paused", "needs_login"):  # event ids repeat from test to test
        cache.delete(f"sync:alert:{event.pk}:{kind}")
    return event


def test_a_halt_emails_the_organizers_once_with_the_reason_and_the_tile(organized_event):
    event_halt(event=organized_event, reason="API_DISABLED_FOR_ORG: API is not enabled")
    event_halt(event=organized_event, reason="API_DISABLED_FOR_ORG: API is not enabled")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["claire@example.org"] and sent.subject == "[Summit] Salesforce synchronization stopped"
    assert "API is not enabled" in sent.body
    assert f"/events/{organized_event.slug}/integrations/salesforce/" in sent.body


def test_a_pause_for_the_api_limit_emails_once_however_often_it_pauses(organized_event):
    for _ in range(3):
        event_pause(event=organized_event, reason="TotalRequests Limit exceeded.")
    assert [m.subject for m in mail.outbox] == ["[Summit] Salesforce synchronization paused"]
    assert "resumes by itself" in mail.outbox[0].body


def test_a_connection_that_needs_a_new_login_emails_once_for_every_event_using_it(organized_event):
    connection = SalesforceConnection.objects.create(account=organized_event.account)
    second = EventFactory(name="Forum", account=organized_event.account)
    cache.delete(f"sync:alert:{second.pk}:needs_login")
    event_give(event=second, user=UserFactory(email="sam@example.org"), role=Role.ORGANIZER)
    for event in (organized_event, second):
        SalesforceSetup.objects.create(event=event, is_active=True, connection=connection)
    for _ in range(2):
        connection_mark_needs_login(connection_id=connection.pk, reason="invalid_grant: token expired")
    assert sorted((m.subject, tuple(m.to)) for m in mail.outbox) == [
        ("[Forum] Salesforce needs a new login", ("sam@example.org",)),
        ("[Summit] Salesforce needs a new login", ("claire@example.org",)),
    ]
    assert "SALESFORCE LOGIN" in mail.outbox[0].body and "invalid_grant" in mail.outbox[0].body
