"""Salesforce's standard duplicate rules (on by default, as in a new real org) against the sync: a person
matched by name, title and company under another email is linked, or created anyway when the organizer
chose so; a Block rule under "create anyway" fails the participant with the rule's name."""

import pytest

from connector.models import DuplicateMatchAction, SalesforceSetup
from events.services import participant_create
from tests.sync.conftest import campaign_id, settled, wait_until


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
