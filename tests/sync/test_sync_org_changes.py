"""The org changes between a batch's look-up and its writes (a Lead converted, records merged) or a
participant's email changes: the row is looked up again, never failed for good, and nobody is duplicated."""

import pytest

from events.services import participant_create, participant_update
from tests.sync.conftest import campaign_id, settled, wait_until


def _calls(emulator, endpoint):
    return emulator.stats()["by_endpoint"].get(endpoint, 0)


def _after_the_look_up(emulator, change):
    """Run `change` once the batch's look-up was answered, while its writes are held by the latency."""
    wait_until(lambda: _calls(emulator, "POST /composite") >= 1, message="the look-up")
    change()


def _record(emulator, object_name, record_id):
    return next(r for r in emulator.records(object_name, include_deleted=True) if r["Id"] == record_id)


def _members_of(emulator, person_id):
    campaign = campaign_id(emulator)
    return [m for m in emulator.records("CampaignMember")
            if m["CampaignId"] == campaign and person_id in (m.get("ContactId"), m.get("LeadId"))]


@pytest.mark.parametrize("members", ["add_contact", "unchanged"])
def test_a_lead_converted_between_look_up_and_write_ends_synced_as_its_contact(
    connected_event, salesforce_emulator, sync_worker, members
):
    event = connected_event  # data update on
    lead = next(r["Id"] for r in salesforce_emulator.records("Lead") if r["Email"] == "jp.lefevre@example.fr")
    salesforce_emulator.set_faults(latency_ms=400, converted_lead_members=members)
    participant_create(event=event, values={"email": "jp.lefevre@example.fr", "first_name": "Jean-Pierre",
                                            "last_name": "Lefèvre", "job_title": "CEO", "has_come": True})
    converted = {}
    _after_the_look_up(salesforce_emulator,
                       lambda: converted.update(contact=salesforce_emulator.convert_lead(lead)))
    wait_until(settled(event), timeout=60, message="the sync")
    participant = event.participants.get()
    contact = converted["contact"]
    assert participant.salesforce_sync_state == "synced", participant.salesforce_error_message
    assert (participant.salesforce_object, participant.salesforce_id) == ("Contact", contact)
    assert _record(salesforce_emulator, "Contact", contact)["Title"] == "CEO"
    member = next(m for m in _members_of(salesforce_emulator, contact))
    assert member["Status"] == "Attended" and participant.salesforce_campaign_member_id == member["Id"]
    assert not [r for r in salesforce_emulator.records("Lead") if r["Email"] == "jp.lefevre@example.fr"
                and not r["IsConverted"]]


def test_a_lead_merged_away_between_look_up_and_write_ends_synced_on_the_master(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    sf = salesforce_emulator.client()
    loser = next(r["Id"] for r in salesforce_emulator.records("Lead")
                 if r["Email"] == "marta.kowalska@example.pl")
    master = sf.Lead.create({"FirstName": "Marta", "LastName": "Kowalska-Nowak", "Company": "Studio",
                             "Email": "marta@studio.example"})["id"]
    salesforce_emulator.set_faults(latency_ms=400)
    participant_create(event=event, values={"email": "marta.kowalska@example.pl", "first_name": "Marta",
                                            "last_name": "Kowalska", "is_registered": True})
    _after_the_look_up(salesforce_emulator, lambda: salesforce_emulator.merge(master, [loser]))
    wait_until(settled(event), timeout=60, message="the sync")
    participant = event.participants.get()
    assert participant.salesforce_sync_state == "synced", participant.salesforce_error_message
    assert (participant.salesforce_object, participant.salesforce_id) == ("Lead", master)
    assert _record(salesforce_emulator, "Lead", master)["Email"] == "marta@studio.example"  # left alone
    assert [m["Status"] for m in _members_of(salesforce_emulator, master)] == ["Registered"]
    assert not [r for r in salesforce_emulator.records("Lead") if r["Email"] == "marta.kowalska@example.pl"]


@pytest.mark.parametrize("copies", ["follow", "frozen"])
def test_an_email_change_keeps_the_linked_lead_and_its_membership(
    connected_event, salesforce_emulator, sync_worker, copies
):
    event = connected_event
    salesforce_emulator.set_faults(member_copies=copies)  # whether CampaignMember.Email follows is unknown
    participant = participant_create(event=event, values={
        "email": "first@example.org", "first_name": "Ida", "last_name": "Change", "is_registered": True})
    wait_until(settled(event), message="the first sync")
    participant.refresh_from_db()
    lead, member = participant.salesforce_id, participant.salesforce_campaign_member_id
    assert lead and member
    participant_update(participant=participant, values={"email": "second@example.org", "job_title": "CFO",
                                                        "has_come": True})
    wait_until(settled(event), message="the sync of the change")
    participant.refresh_from_db()
    assert participant.salesforce_sync_state == "synced", participant.salesforce_error_message
    assert (participant.salesforce_id, participant.salesforce_campaign_member_id) == (lead, member)
    people = [r for name in ("Lead", "Contact") for r in salesforce_emulator.records(name)
              if r.get("LastName") == "Change"]
    assert [p["Id"] for p in people] == [lead] and people[0]["Title"] == "CFO"
    assert [m["Status"] for m in _members_of(salesforce_emulator, lead)] == ["Attended"]
