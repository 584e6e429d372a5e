"""What Salesforce ends up holding after a sync, rule by rule, through a real worker and the emulator."""

import time

from connector import services
from connector.models import SalesforceSetup
from connector.receivers import RECHECK_DELAY_SECONDS
from events.services import participant_create, participant_update
from tests.sync.conftest import campaign_id, settled, wait_until

# limits, then one Composite: the campaign, its statuses, three describes (connector.setup_check)
CHECK_SETUP_CALLS = 2


def _by_email(emulator, object_name):
    records = emulator.records(object_name)
    return {(r.get("Email") or "").lower(): r for r in records if not r.get("IsConverted")}


def test_people_are_matched_contact_first_converted_to_contact_and_new_ones_become_leads(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    SalesforceSetup.objects.filter(event=event).update(allow_data_update=False, default_company="Independent")
    create = lambda **values: participant_create(event=event, values=values)  # noqa: E731
    amelie = create(email="Amelie.Durand@example.com ", first_name="A", last_name="Durand", has_come=True,
                    is_registered=True, job_title="Should not overwrite")
    create(email="chloe.martin@example.com", first_name="Chloé", last_name="Martin", is_registered=True)
    create(email="jp.lefevre@example.fr", first_name="JP", last_name="Lefèvre", is_registered=True)
    create(email="sean.oconnor@example.ie", first_name="Seán", last_name="O'Connor")
    create(email="new.person@example.org", first_name="New", last_name="Person", is_registered=True,
           job_title="T" * 200)
    wait_until(settled(event), message="the live sync")

    contacts, leads = _by_email(salesforce_emulator, "Contact"), _by_email(salesforce_emulator, "Lead")
    campaign = campaign_id(salesforce_emulator)
    members = {m.get("ContactId") or m.get("LeadId"): m for m in salesforce_emulator.records("CampaignMember")
               if m["CampaignId"] == campaign}
    assert contacts["amelie.durand@example.com"]["Title"] == "Managing Director"  # data update is off
    assert members[contacts["amelie.durand@example.com"]["Id"]]["Status"] == "Attended"
    assert members[contacts["chloe.martin@example.com"]["Id"]]["Status"] == "Registered"
    assert members[leads["jp.lefevre@example.fr"]["Id"]]["Status"] == "Registered"
    assert contacts["sean.oconnor@example.ie"]["Id"] not in members
    new = leads["new.person@example.org"]
    assert new["Company"] == "Independent" and members[new["Id"]]["Status"] == "Registered"
    assert len(new["Title"]) == 128
    participant = event.participants.get(email="new.person@example.org")
    assert participant.salesforce_sync_date and participant.salesforce_id == new["Id"]
    assert "cut to 128" in participant.salesforce_warnings[0]
    chloe = event.participants.get(email="chloe.martin@example.com")
    chloe_contact = contacts["chloe.martin@example.com"]["Id"]
    assert (chloe.salesforce_object, chloe.salesforce_id) == ("Contact", chloe_contact)

    participant_update(participant=amelie, values={"has_come": False})
    wait_until(settled(event), message="the second live sync")
    members = {m.get("ContactId"): m for m in salesforce_emulator.records("CampaignMember")}
    assert members[contacts["amelie.durand@example.com"]["Id"]]["Status"] == "Attended"  # never downgraded


def test_no_lead_creation_makes_contacts_and_force_button_starts_one_run_at_a_time(
    connected_event, salesforce_emulator, sync_worker, client, user
):
    event = connected_event
    SalesforceSetup.objects.filter(event=event).update(allow_creating_leads=False)
    for i in range(3):
        participant_create(event=event, values={"email": f"c{i}@example.org", "last_name": f"C{i}",
                                                "is_registered": True})
    wait_until(settled(event), message="the live sync")
    client.force_login(user)
    # A run of 3 unchanged people is one look-up: held 1 s, so the second click surely meets it running.
    salesforce_emulator.set_faults(latency_ms=1000)
    url = f"/events/{event.slug}/salesforce/force-sync/"
    first = client.post(url, follow=True)
    second = client.post(url, follow=True)
    assert event.sync_runs.filter(trigger="force").count() == 1
    assert "already running" in second.content.decode() or "started" in first.content.decode()
    wait_until(settled(event), message="the forced sync")
    contacts = _by_email(salesforce_emulator, "Contact")
    assert all(f"c{i}@example.org" in contacts for i in range(3))
    assert not any(r["Email"].startswith("c0@") for r in salesforce_emulator.records("Lead"))
    progress = client.get(f"/events/{event.slug}/salesforce/sync-progress/")
    assert progress.status_code == 200 and "Force synchronization" in progress.content.decode()


def test_force_sync_and_progress_are_404_for_someone_not_member_of_the_event(connected_event, client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.post(f"/events/{connected_event.slug}/salesforce/force-sync/").status_code == 404
    assert client.get(f"/events/{connected_event.slug}/salesforce/sync-progress/").status_code == 404
    assert not connected_event.sync_runs.exists()


def test_a_look_up_of_more_than_one_page_follows_it_inside_composite_and_links_the_newest_match(
    connected_event, salesforce_emulator, sync_worker
):
    from salesforce_emulator import ids

    event = connected_event
    # 2,001 Contacts share one email: Salesforce answers 2,000 records a page, the newest is on page two.
    store = salesforce_emulator.emulator.store
    template = next(iter(store.records("Contact")))
    with store.write_lock:
        tx = store.begin()
        for i in range(2001):
            stamp = f"2025-01-01T00:{i // 60:02d}:{i % 60:02d}.000+0000"
            tx.put({**template, "Id": ids.new_record_id("Contact"), "Email": "many@example.org",
                    "LastName": f"Many {i}", "CreatedDate": stamp, "LastModifiedDate": stamp})
        tx.commit()
    newest = [r for r in salesforce_emulator.records("Contact") if r["Email"] == "many@example.org"][-1]
    assert newest["LastName"] == "Many 2000"
    participant_create(event=event, values={"email": "many@example.org", "last_name": "Many",
                                            "is_registered": True})
    wait_until(settled(event), message="the live sync")
    participant = event.participants.get()
    assert participant.salesforce_sync_state == "synced"
    assert participant.salesforce_id == newest["Id"]
    by_endpoint = salesforce_emulator.stats()["by_endpoint"]
    assert by_endpoint.get("GET /query", 0) == 0  # every page went inside a Composite
    assert by_endpoint["POST /composite"] == 3  # look-up, its second page, the writes


def test_a_changed_status_is_checked_again_by_itself_and_the_sync_goes_on(
    connected_event, sync_worker, salesforce_emulator
):
    event = connected_event
    values = {"email": "kim@example.org", "last_name": "Kim", "is_registered": True}
    person = participant_create(event=event, values=values)
    wait_until(settled(event), timeout=60, message="the first sync")
    services.setup_statuses_set(event=event, registered_status="Responded", came_status="Attended")
    assert SalesforceSetup.objects.get(event=event).last_check_ok is None  # the sync waits for a check…
    participant_update(participant=person, values={"first_name": "Kimberly"})
    # …which nobody clicks: the worker runs it, and the change reaches Salesforce.
    wait_until(lambda: SalesforceSetup.objects.get(event=event).last_check_ok is True, timeout=30,
               message="the background check")
    wait_until(settled(event), timeout=60, message="the change after the check")
    lead = _by_email(salesforce_emulator, "Lead")["kim@example.org"]
    member = next(m for m in salesforce_emulator.records("CampaignMember") if m.get("LeadId") == lead["Id"])
    assert lead["FirstName"] == "Kimberly" and member["Status"] == "Responded"


def test_saves_in_a_row_make_one_background_check_and_options_none(
    connected_event, sync_worker, salesforce_emulator
):
    event = connected_event
    wait_until(settled(event), timeout=60, message="nothing left from the login")
    before = salesforce_emulator.stats()["api_calls"]
    services.setup_options_set(event=event, allow_creating_leads=False, allow_data_update=True,
                               default_company="Acme")
    assert SalesforceSetup.objects.get(event=event).last_check_ok is True  # options need no check
    services.setup_statuses_set(event=event, registered_status="Responded", came_status="Attended")
    services.setup_statuses_set(event=event, registered_status="Registered", came_status="Attended")
    wait_until(lambda: SalesforceSetup.objects.get(event=event).last_check_ok is True, timeout=30,
               message="the background check")
    time.sleep(RECHECK_DELAY_SECONDS + 2)  # room for a second check, if one had been queued
    assert salesforce_emulator.stats()["api_calls"] - before == CHECK_SETUP_CALLS
