"""The grid header's counts, kept by database triggers (events/counts.py), stay equal to the rows'
through every path that writes participants."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from events import services
from events.counts import MERGE_ABOVE, TRIGGERS, triggers_ensure
from events.models import Participant, ParticipantCounts, SyncState
from events.selectors import participant_grid_counts
from tests.factories import EventFactory, ParticipantFactory


def header(event) -> tuple[int, int, int, int]:
    counts = participant_grid_counts(event=event)
    return counts.total, counts.synced, counts.pending, counts.failed


def recounted(event) -> tuple[int, int, int, int]:
    """The same four numbers counted from the rows themselves."""
    rows = Participant.objects.filter(event=event)
    return (
        rows.count(),
        rows.filter(salesforce_sync_date__isnull=False).count(),
        rows.filter(salesforce_sync_state=SyncState.PENDING).count(),
        rows.filter(salesforce_sync_state=SyncState.FAILED).count(),
    )


def test_header_counts_follow_creates_edits_check_ins_imports_and_force_sync(event):
    anna = services.participant_create(event=event, values={"email": "anna@example.com", "last_name": "A"})
    services.participant_create(event=event, values={"email": "ben@example.com", "last_name": "B"})
    assert header(event) == (2, 0, 2, 0)
    # What the sync engine writes: its conditional updates, straight on the rows.
    Participant.objects.filter(pk=anna.pk).update(
        salesforce_sync_state=SyncState.SYNCED, salesforce_sync_date=timezone.now()
    )
    Participant.objects.filter(email="ben@example.com").update(salesforce_sync_state=SyncState.FAILED)
    assert header(event) == (2, 1, 0, 1)
    services.participant_check_in(participant=Participant.objects.get(pk=anna.pk))
    assert header(event) == (2, 1, 1, 1)  # still has its sync date: Salesforce has had it
    result = services.participants_import(
        event=event,
        rows=[
            {"email": "BEN@example.com", "company": "Acme"},
            {"email": "carl@example.com", "company": "Co"},
        ],
    )
    assert (result.created, result.updated) == (1, 1)
    assert header(event) == (3, 1, 3, 0) == recounted(event)
    Participant.objects.filter(event=event).update(
        salesforce_sync_state=SyncState.SYNCED, salesforce_sync_date=timezone.now()
    )
    assert header(event) == (3, 3, 0, 0)
    services.participants_mark_pending(event=event)  # FORCE SYNCHRONIZATION
    assert header(event) == (3, 3, 3, 0) == recounted(event)


def test_header_counts_drop_deleted_participants_and_a_deleted_events_counts_go_with_it(event):
    other = EventFactory()
    ParticipantFactory.create_batch(3, event=event, salesforce_sync_state=SyncState.FAILED)
    ParticipantFactory(
        event=other, salesforce_sync_date=timezone.now(), salesforce_sync_state=SyncState.SYNCED
    )
    Participant.objects.filter(event=event).first().delete()
    assert header(event) == (2, 0, 0, 2) == recounted(event)
    assert header(other) == (1, 1, 0, 0)
    other_id = other.pk
    other.delete()
    assert not ParticipantCounts.objects.filter(event_id=other_id).exists()
    assert header(event) == (2, 0, 0, 2)


def test_an_event_without_participants_shows_zeros(event):
    assert header(event) == (0, 0, 0, 0)


def test_counts_are_rebuilt_when_a_migration_dropped_the_participant_tables_triggers(event):
    """SQLite drops a table's triggers when a migration rebuilds the table; migrate's post_migrate puts
    them back and recounts."""
    ParticipantFactory.create_batch(2, event=event)
    with connection.cursor() as cursor:
        for name, table in zip(TRIGGERS, ["events_participant"] * 3 + ["events_event"], strict=True):
            cursor.execute(
                f"DROP TRIGGER IF EXISTS {name}" + ("" if connection.vendor == "sqlite" else f" ON {table}")
            )
    ParticipantFactory(event=event, salesforce_sync_date=timezone.now() - dt.timedelta(days=1))
    assert header(event) != recounted(event)  # without the triggers the counts went stale
    triggers_ensure(using=connection.alias)
    assert header(event) == (3, 1, 3, 0) == recounted(event)
    ParticipantFactory(event=event, salesforce_sync_state=SyncState.FAILED)
    assert header(event) == (4, 1, 3, 1)


@pytest.mark.django_db(transaction=True)
def test_many_separate_transactions_keep_the_counts_exact_and_the_rows_few(user):
    """PostgreSQL gives each transaction a counts row of its own; reads merge them once they pile up."""
    event = EventFactory()
    for i in range(MERGE_ABOVE + 5):  # each create is its own transaction
        services.participant_create(event=event, values={"email": f"p{i}@example.com"})
    assert header(event) == (MERGE_ABOVE + 5, 0, MERGE_ABOVE + 5, 0)
    assert ParticipantCounts.objects.filter(event=event).count() <= MERGE_ABOVE
    assert header(event) == recounted(event)
