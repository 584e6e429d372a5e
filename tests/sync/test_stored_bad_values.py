"""Stored data Salesforce cannot take (a `nan` left by a Text field turned Number) fails that participant
with a clear reason through the real worker; the others are synced and nothing is retried forever."""

from connector.models import SalesforceSetup
from events.models import SyncState
from events.services import participant_create
from tests.factories import ParticipantFieldFactory
from tests.sync.conftest import settled, wait_until


def test_a_stored_nan_fails_its_participant_with_the_reason_and_the_batch_goes_on(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    ParticipantFieldFactory(event=event, key="score", label="Score", type="Number")
    SalesforceSetup.objects.filter(event=event).update(lead_mapping={"job_title": "Title", "score": "Title"})
    bad = participant_create(event=event, values={"email": "nan@example.org", "last_name": "Nan",
                                                  "is_registered": True, "score": "nan"})
    good = participant_create(event=event, values={"email": "ok@example.org", "last_name": "Ok",
                                                   "is_registered": True})
    wait_until(settled(event), message="the live sync")

    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.salesforce_sync_state == SyncState.FAILED
    assert bad.salesforce_error_code == "INVALID_PARTICIPANT_VALUE"
    assert "The field score: 'nan' is not a number Salesforce can take" in bad.salesforce_error_message
    assert good.salesforce_sync_state == SyncState.SYNCED
    emails = {(r.get("Email") or "").lower() for r in salesforce_emulator.records("Lead")}
    assert "ok@example.org" in emails and "nan@example.org" not in emails
