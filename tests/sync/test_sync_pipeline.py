"""Batches in a pipeline (sync.flush): a batch's look-up runs while the batch before writes. What that look-up
says of the people the batch before touched may be stale, so those participants wait for a later batch."""

from connector.models import SalesforceSetup
from sync.models import SyncAttempt
from sync.services import force_sync_start
from tests.sync.conftest import add_participants, duplicates, settled, states, wait_until


def test_participants_of_consecutive_batches_on_one_lead_give_one_membership_that_keeps_came(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    sf = salesforce_emulator.client()
    lead_id = sf.Lead.create({"FirstName": "Pat", "LastName": "Doe5", "Company": "Acme Corp",
                              "Email": "person5@example.org"})["id"]
    add_participants(event, 1200)  # two batches of 1,000: person5 in the first, person1100 in the second
    event.participants.filter(email="person5@example.org").update(has_come=True)
    event.participants.filter(email="person1100@example.org").update(salesforce_id=lead_id,
                                                                     salesforce_object="Lead")
    force_sync_start(event=event)
    wait_until(settled(event), timeout=300, message="the forced sync")
    assert states(event) == {"synced": 1200}
    came = SalesforceSetup.objects.get(event=event).came_status
    members = [m for m in salesforce_emulator.records("CampaignMember") if m.get("LeadId") == lead_id]
    assert [m["Status"] for m in members] == [came]  # one membership; "registered" never downgraded it
    assert event.participants.get(email="person1100@example.org").salesforce_id == lead_id
    # Looked up while the first batch wrote to its Lead: deferred, sent after the rest of its batch.
    late = SyncAttempt.objects.get(participant__email="person1100@example.org")
    neighbour = SyncAttempt.objects.get(participant__email="person1101@example.org")
    assert late.at > neighbour.at
    assert duplicates(salesforce_emulator) == 0
