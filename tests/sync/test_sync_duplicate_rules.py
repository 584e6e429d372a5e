"""Salesforce's standard duplicate rules (on by default, as in a new real org) against the sync: a person
matched by name, title and company under another email is linked, or created anyway when the organizer
chose so; a Block rule under "create anyway" fails the participant with the rule's name."""

import pytest

from connector.models import DuplicateMatchAction, SalesforceSetup
from events.services import participant_create
from sync.services import force_sync_start
from tests.sync.conftest import add_participants, campaign_id, duplicates, settled, wait_until


@pytest.fixture
def anna(salesforce_emulator):
    """Contact "Anna Schmidt", CTO at Acme Corp, anna@acme.example: the example of the issue."""
    sf = salesforce_emulator.client()
    account = next(a["Id"] for a in salesforce_emulator.records("Account") if a["Name"] == "Acme Corp")
    return sf.Contact.create({"FirstName": "Anna", "LastName": "Schmidt", "Title": "CTO",
                              "AccountId": account, "Email": "anna@acme.example"})["id"]


def _register_anna(event):
    return participant_create(event=event, values={
        "email": "a.schmidt@gmail.example", "first_name": "Anna", "last_name": "Schmidt",
        "job_title": "CTO", "company": "ACME Corp", "is_registered": True})


def _members_of(emulator, person_id):
    campaign = campaign_id(emulator)
    return [m for m in emulator.records("CampaignMember")
            if m["CampaignId"] == campaign and person_id in (m.get("ContactId"), m.get("LeadId"))]


def _people_named(emulator, last_name):
    people = [*emulator.records("Contact"), *emulator.records("Lead")]
    return [r for r in people if r.get("LastName") == last_name]


def test_a_participant_matching_a_contact_by_name_title_and_company_joins_as_that_contact(
    connected_event, salesforce_emulator, sync_worker, anna
):
    event = connected_event  # data update on, Leads allowed, job title mapped to Title
    _register_anna(event)
    wait_until(settled(event), message="the sync")
    participant = event.participants.get()
    assert participant.salesforce_sync_state == "synced", participant.salesforce_error_message
    assert (participant.salesforce_object, participant.salesforce_id) == ("Contact", anna)
    assert any("duplicate rules" in note for note in participant.salesforce_warnings)
    assert [p["Id"] for p in _people_named(salesforce_emulator, "Schmidt")] == [anna]  # no second person
    contact = next(r for r in salesforce_emulator.records("Contact") if r["Id"] == anna)
    assert contact["Email"] == "anna@acme.example"  # matched on name, not on this email: left alone
    members = _members_of(salesforce_emulator, anna)
    assert len(members) == 1 and members[0]["Status"] == "Registered"
    assert participant.salesforce_campaign_member_id == members[0]["Id"]


def test_create_anyway_saves_a_second_person_past_an_allow_rule(
    connected_event, salesforce_emulator, sync_worker, anna
):
    event = connected_event
    SalesforceSetup.objects.filter(event=event).update(duplicate_match_action=DuplicateMatchAction.CREATE)
    _register_anna(event)
    wait_until(settled(event), message="the sync")
    participant = event.participants.get()
    assert participant.salesforce_sync_state == "synced", participant.salesforce_error_message
    lead = next(r for r in salesforce_emulator.records("Lead") if r.get("LastName") == "Schmidt")
    assert (participant.salesforce_object, participant.salesforce_id) == ("Lead", lead["Id"])
    assert lead["Email"] == "a.schmidt@gmail.example"
    assert len(_members_of(salesforce_emulator, lead["Id"])) == 1
    assert not _members_of(salesforce_emulator, anna)


def test_create_anyway_against_a_block_rule_fails_the_participant_naming_the_rule(
    connected_event, salesforce_emulator, sync_worker, anna
):
    event = connected_event
    salesforce_emulator.set_faults(duplicate_rules="block")
    SalesforceSetup.objects.filter(event=event).update(duplicate_match_action=DuplicateMatchAction.CREATE)
    _register_anna(event)
    wait_until(settled(event), message="the sync")
    participant = event.participants.get()
    assert participant.salesforce_sync_state == "failed"
    assert participant.salesforce_error_code == "DUPLICATES_DETECTED"
    assert "Standard_Lead_Duplicate_Rule" in participant.salesforce_error_message
    assert anna in participant.salesforce_error_message
    assert "named no record" not in participant.salesforce_error_message
    assert [p["Id"] for p in _people_named(salesforce_emulator, "Schmidt")] == [anna]


def test_link_against_a_block_rule_joins_as_the_matched_contact(
    connected_event, salesforce_emulator, sync_worker, anna
):
    event = connected_event
    salesforce_emulator.set_faults(duplicate_rules="block")
    _register_anna(event)
    wait_until(settled(event), message="the sync")
    participant = event.participants.get()
    assert participant.salesforce_sync_state == "synced" and participant.salesforce_id == anna
    assert len(_members_of(salesforce_emulator, anna)) == 1


def test_name_twins_among_450_new_participants_are_linked_within_the_batchs_own_write_composites(
    connected_event, salesforce_emulator, sync_worker
):
    """Three new participants have a Lead under a work address with their name, title and company: the
    Collections create refuses them without naming the match. Their single-record creates, and the 197
    memberships their refusal halted, ride in the batch's next write Composite; only the three memberships
    of the matched Leads need one more: the look-up and three write Composites, no Collections call."""
    event = connected_event
    sf = salesforce_emulator.client()
    twins = {i: sf.Lead.create({"FirstName": "Pat", "LastName": f"Doe{i}", "Company": "Acme Corp",
                                "Title": "CTO", "Email": f"pat.doe{i}@acme.example"})["id"]
             for i in (3, 77, 150)}
    before = salesforce_emulator.stats()["by_endpoint"]
    add_participants(event, 450, company="Acme Corp", job_title="CTO")
    force_sync_start(event=event)
    wait_until(settled(event), timeout=120, message="the sync")
    after = salesforce_emulator.stats()["by_endpoint"]
    assert after.get("POST /composite", 0) - before.get("POST /composite", 0) == 4
    assert after.get("POST /composite/sobjects", 0) == before.get("POST /composite/sobjects", 0)
    assert event.participants.filter(salesforce_sync_state="synced").count() == 450
    for i, lead_id in twins.items():
        participant = event.participants.get(email=f"person{i}@example.org")
        assert participant.salesforce_id == lead_id
        assert any("duplicate rules" in note for note in participant.salesforce_warnings)
        assert len(_members_of(salesforce_emulator, lead_id)) == 1
    assert duplicates(salesforce_emulator) == 0
    campaign = campaign_id(salesforce_emulator)
    members = [m for m in salesforce_emulator.records("CampaignMember") if m["CampaignId"] == campaign]
    assert len({m.get("LeadId") or m.get("ContactId") for m in members}) == len(members) >= 450
