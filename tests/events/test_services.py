"""Every change to a participant marks it pending for Salesforce and bumps its change counter."""

from django.utils import timezone

from events.models import Participant, SyncState
from events.services import (
    participant_check_in,
    participant_create,
    participant_field_create,
    participant_update,
    participants_import,
    participants_mark_pending,
)
from tests.factories import ParticipantFactory


def synced(participant: Participant) -> Participant:
    Participant.objects.filter(pk=participant.pk).update(
        salesforce_sync_state=SyncState.SYNCED, salesforce_sync_date=timezone.now()
    )
    participant.refresh_from_db()
    return participant


def test_created_participant_is_pending_with_trimmed_email(event):
    participant = participant_create(event=event, values={"email": "  Zoe@Example.com ", "shirt": "M"})
    participant.refresh_from_db()
    assert participant.email == "Zoe@Example.com"
    assert participant.salesforce_sync_state == SyncState.PENDING
    assert participant.change_counter == 1
    assert participant.data == {"shirt": "M"}


def test_check_in_marks_came_registered_and_pending_again(event):
    participant = synced(participant_create(event=event, values={"email": "a@example.com"}))
    participant_check_in(participant=participant)
    participant.refresh_from_db()
    assert (participant.has_come, participant.is_registered) == (True, True)
    assert participant.salesforce_sync_state == SyncState.PENDING
    assert participant.change_counter == 2


def test_retry_failed_marks_only_failed_participants_pending(event):
    failed = ParticipantFactory(event=event, salesforce_sync_state=SyncState.FAILED)
    ok = ParticipantFactory(event=event, salesforce_sync_state=SyncState.SYNCED)
    assert participants_mark_pending(event=event, only_state=SyncState.FAILED) == 1
    failed.refresh_from_db(), ok.refresh_from_db()
    assert failed.salesforce_sync_state == SyncState.PENDING and failed.change_counter == 1
    assert ok.salesforce_sync_state == SyncState.SYNCED and ok.change_counter == 0


def test_import_creates_new_and_updates_existing_by_email_case_insensitively(event):
    existing = synced(participant_create(event=event, values={"email": "Ana@example.com", "shirt": "S"}))
    result = participants_import(
        event=event,
        rows=[
            {"email": "ana@EXAMPLE.com", "first_name": "Ana", "shirt": "L"},
            {"email": "new@example.com", "first_name": "Nuno"},
        ],
    )
    assert (result.created, result.updated) == (1, 1)
    existing.refresh_from_db()
    assert existing.first_name == "Ana" and existing.data == {"shirt": "L"}
    assert existing.salesforce_sync_state == SyncState.PENDING
    assert existing.change_counter == 2
    assert existing.updated_at > existing.created_at
    new = event.participants.get(email="new@example.com")
    assert new.salesforce_sync_state == SyncState.PENDING and new.change_counter == 1


def test_import_tells_the_sync_engine_once(event, django_capture_on_commit_callbacks):
    rows = [{"email": f"p{i}@example.com"} for i in range(30)]
    with django_capture_on_commit_callbacks() as callbacks:
        participants_import(event=event, rows=rows)
    assert len(callbacks) == 1


def test_update_keeps_other_custom_values(event):
    participant = participant_create(
        event=event, values={"email": "b@example.com", "shirt": "M", "notes": "x"}
    )
    participant_update(participant=participant, values={"notes": "y"})
    participant.refresh_from_db()
    assert participant.data == {"shirt": "M", "notes": "y"}


def test_new_custom_field_goes_last(event):
    first = participant_field_create(
        event=event, key="a", label="A", type="Text", options=[], staff_only=False
    )
    second = participant_field_create(
        event=event, key="b", label="B", type="Date", options=[], staff_only=True
    )
    assert second.position > first.position
    assert [f.key for f in event.custom_fields.all()] == ["a", "b"]


def test_an_edit_of_a_stale_copy_keeps_what_the_sync_engine_wrote_meanwhile(event):
    participant = participant_create(event=event, values={"email": "ana@example.com", "last_name": "Lima"})
    stale = Participant.objects.get(pk=participant.pk)
    Participant.objects.filter(pk=participant.pk).update(
        salesforce_id="00Q000000000001AAA", salesforce_sent_hash="abc", salesforce_object="Lead"
    )
    participant_update(participant=stale, values={"company": "Initech"})
    fresh = Participant.objects.get(pk=participant.pk)
    assert fresh.company == "Initech" and fresh.salesforce_sync_state == "pending"
    assert (fresh.salesforce_id, fresh.salesforce_sent_hash, fresh.salesforce_object) == (
        "00Q000000000001AAA", "abc", "Lead"
    )
