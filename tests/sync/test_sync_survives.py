"""The sync survives what Salesforce and the infrastructure throw at it (the emulator's fault injection)."""

import psutil

from bench.emulator_login import event_connect_to_emulator, event_setup_for_campaign
from connector.models import ConnectionHealth, SalesforceConnection, SalesforceSetup
from events.models import Participant, ParticipantField
from events.services import participant_create, participant_update
from salesforce_emulator import ids
from sync.models import EventSync, SyncTrigger
from sync.services import force_sync_start
from tests.factories import EventFactory
from tests.sync.conftest import (
    add_participants,
    campaign_id,
    duplicates,
    settled,
    states,
    wait_until,
)


def _calls(emulator, endpoint):
    return emulator.stats()["by_endpoint"].get(endpoint, 0)


def _edit(event, email, title):
    participant_update(participant=event.participants.get(email=email), values={"job_title": title})


def _lead_emails(emulator):
    return [r["Email"] for r in emulator.records("Lead")]


def test_access_token_expired_mid_run_is_refreshed_and_the_rotated_refresh_token_stored(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    salesforce_emulator.set_faults(refresh_token_rotation=True, latency_ms=50)
    first_refresh_token = SalesforceConnection.objects.get(setups__event=event).refresh_token
    # Four batches of up to 1,000. Once the first is recorded the second is in flight and the third may be
    # looked up already (sync.flush's pipeline), so the sessions expire with the fourth batch still to go.
    add_participants(event, 3500)
    force_sync_start(event=event)
    wait_until(lambda: states(event)["synced"] >= 1000, message="the first batch")
    salesforce_emulator.set_faults(expire_sessions=True)
    wait_until(settled(event), message="the forced sync")
    assert states(event) == {"synced": 3500}
    connection = SalesforceConnection.objects.get(setups__event=event)
    assert connection.health == ConnectionHealth.CONNECTED
    assert connection.refresh_token != first_refresh_token
    assert duplicates(salesforce_emulator) == 0


def test_revoked_refresh_token_keeps_everyone_pending_until_the_organizer_logs_in_again(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    salesforce_emulator.set_faults(revoke_refresh_tokens=True, expire_sessions=True)
    add_participants(event, 50)
    force_sync_start(event=event)
    connections = SalesforceConnection.objects.filter(setups__event=event)
    wait_until(lambda: connections.get().health == ConnectionHealth.NEEDS_LOGIN,
               message="the connection to need a login")
    assert states(event) == {"pending": 50}
    assert not any(e.startswith("person") for e in _lead_emails(salesforce_emulator))
    emulator = salesforce_emulator
    event_connect_to_emulator(event=event, url=emulator.url, ca_path=str(emulator.ca_path))
    wait_until(settled(event), message="the sync after the new login (by the sweep)")
    assert states(event) == {"synced": 50}


def test_daily_limit_exceeded_stops_the_run_at_once_and_it_resumes_by_itself(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    # 3 describes, one batch of 1,000 (a look-up, 2 write Composites), the second batch's look-up, then the
    # limit before its writes
    salesforce_emulator.set_faults(daily_api_limit=7)
    add_participants(event, 2000)
    force_sync_start(event=event)
    wait_until(lambda: EventSync.objects.filter(event=event, paused_until__isnull=False).exists(),
               message="the pause")
    assert states(event)["pending"] >= 1000
    # The sweep may have opened a live run for the new rows before the force: the force run says why it waits.
    assert "Paused" in event.sync_runs.get(trigger=SyncTrigger.FORCE).note
    salesforce_emulator.set_faults(daily_api_limit=15000)
    wait_until(settled(event), message="the resumed sync")
    assert states(event) == {"synced": 2000}
    assert duplicates(salesforce_emulator) == 0


def test_org_usage_above_the_configured_share_pauses_before_writing(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    salesforce_emulator.set_faults(api_calls_used=14_000)  # 93% of 15,000: above the 90% default
    add_participants(event, 20)
    force_sync_start(event=event)
    wait_until(lambda: EventSync.objects.filter(event=event, paused_until__isnull=False).exists(),
               message="the pause")
    assert not any(e.startswith("person") for e in _lead_emails(salesforce_emulator))
    salesforce_emulator.set_faults(api_calls_used=0)
    wait_until(settled(event), message="the resumed sync")
    assert states(event) == {"synced": 20}


def test_server_errors_timeouts_and_locked_rows_are_retried_then_everything_goes_through(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    salesforce_emulator.set_faults(fail_next=2, status=503)
    add_participants(event, 300)
    force_sync_start(event=event)
    wait_until(settled(event), message="the sync after 503s")
    assert states(event) == {"synced": 300}

    salesforce_emulator.set_faults(fail_next=1, status=500)
    _edit(event, "person1@example.org", "A")
    wait_until(settled(event), message="the sync after a 500")

    salesforce_emulator.set_faults(timeout_next=1, timeout_seconds=6)  # the worker gives up after 3 s
    _edit(event, "person2@example.org", "B")
    wait_until(settled(event), message="the sync after a timeout")

    lead = next(r for r in salesforce_emulator.records("Lead") if r["Email"] == "person3@example.org")
    salesforce_emulator.set_faults(lock_records=[lead["Id"]])
    _edit(event, "person3@example.org", "C")
    wait_until(lambda: "UNABLE_TO_LOCK_ROW" in sync_worker.log(), message="the locked row")
    assert event.participants.get(email="person3@example.org").salesforce_sync_state == "pending"
    salesforce_emulator.set_faults(lock_records=[])
    wait_until(settled(event), message="the sync after the row was unlocked")
    titles = {r["Email"]: r.get("Title") for r in salesforce_emulator.records("Lead")}
    assert [titles[f"person{i}@example.org"] for i in (1, 2, 3)] == ["A", "B", "C"]
    assert "retry 1 in" in sync_worker.log()  # the event's backoff (sync.services.event_backoff)
    assert duplicates(salesforce_emulator) == 0


def test_per_record_errors_fail_only_that_participant_with_salesforce_reason(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    ParticipantField.objects.create(event=event, key="ticket", label="Ticket", type="SelectList")
    SalesforceSetup.objects.filter(event=event).update(lead_mapping={"ticket": "Ticket_Type__c"})
    add_participants(event, 20)
    bad = {
        "missing.name@example.org": {"last_name": ""},
        "not-an-email@": {"last_name": "X"},
        "gold@example.org": {"last_name": "G", "ticket": "Gold"},
        "rejected@example.org": {"last_name": "R", "company": "ACME [reject]"},
    }
    for email, values in bad.items():
        participant_create(event=event, values={"email": email, "is_registered": True, **values})
    force_sync_start(event=event)
    wait_until(settled(event), message="the forced sync")
    failed = dict(event.participants.filter(salesforce_sync_state="failed").values_list("email",
                                                                                         "salesforce_error_code"))
    assert failed == {
        "missing.name@example.org": "REQUIRED_FIELD_MISSING",
        "not-an-email@": "INVALID_EMAIL_ADDRESS",
        "gold@example.org": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        "rejected@example.org": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
    }
    assert states(event)["synced"] == 20
    assert event.participants.get(email="gold@example.org").salesforce_error_message
    assert event.participants.get(email="gold@example.org").salesforce_sync_date is None


def test_a_batch_where_one_lead_create_fails_still_gives_every_other_new_person_their_campaign_membership(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    # Refused Leads in the middle and at the end of the batch: their references into the create's results
    # have no value, so Salesforce halts the whole "memberships of new people" subrequest.
    add_participants(event, 10)
    Participant.objects.bulk_create([Participant(event=event, email="not-an-email@", last_name="X",
                                                 is_registered=True, change_counter=1)])
    add_participants(event, 20, start=10)
    Participant.objects.bulk_create([Participant(event=event, email="rejected@example.org", last_name="R",
                                                 company="ACME [reject]", is_registered=True,
                                                 change_counter=1)])
    force_sync_start(event=event)
    wait_until(settled(event), message="the forced sync")
    failed = dict(event.participants.filter(salesforce_sync_state="failed").values_list("email",
                                                                                         "salesforce_error_code"))
    assert failed == {"not-an-email@": "INVALID_EMAIL_ADDRESS",
                      "rejected@example.org": "FIELD_CUSTOM_VALIDATION_EXCEPTION"}
    assert states(event)["synced"] == 30
    leads = {r["Email"]: r["Id"] for r in salesforce_emulator.records("Lead")}
    campaign = campaign_id(salesforce_emulator)
    members = {m["LeadId"]: m for m in salesforce_emulator.records("CampaignMember")
               if m["CampaignId"] == campaign and m.get("LeadId")}
    for participant in event.participants.filter(salesforce_sync_state="synced"):
        member = members[leads[participant.email]]
        assert member["Status"] == "Registered"
        assert participant.salesforce_campaign_member_id == member["Id"]
    assert "not-an-email@" not in leads and "rejected@example.org" not in leads
    assert duplicates(salesforce_emulator) == 0
    # The halted memberships cost one more write Composite (the batch had no other to ride in), only in
    # this error case: the look-up, the creates, the memberships.
    assert _calls(salesforce_emulator, "POST /composite") == 3
    assert _calls(salesforce_emulator, "POST /composite/sobjects") == 0


def test_duplicate_rule_on_create_links_to_the_record_it_names(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    salesforce_emulator.set_faults(duplicate_rules="block", latency_ms=400)
    participant_create(event=event, values={"email": "late@example.org", "first_name": "Lou",
                                            "last_name": "Late", "is_registered": True})
    # Someone else creates the Lead between our look-up and our create: the duplicate rule answers.
    wait_until(lambda: _calls(salesforce_emulator, "POST /composite") >= 1, message="the look-up")
    store = salesforce_emulator.emulator.store
    template = next(r for r in store.records("Lead") if not r.get("IsConverted"))
    with store.write_lock:
        tx = store.begin()
        tx.put({**template, "Id": ids.new_record_id("Lead"), "Email": "late@example.org", "FirstName": "Lou",
                "LastName": "Late"})
        tx.commit()
    wait_until(settled(event), message="the sync")
    leads = [r for r in salesforce_emulator.records("Lead") if r["Email"] == "late@example.org"]
    participant = event.participants.get()
    assert len(leads) == 1 and participant.salesforce_sync_state == "synced"
    assert participant.salesforce_id == leads[0]["Id"]
    assert any("duplicate rule" in note for note in participant.salesforce_warnings)
    members = [m for m in salesforce_emulator.records("CampaignMember") if m.get("LeadId") == leads[0]["Id"]]
    assert len(members) == 1
    assert participant.salesforce_campaign_member_id == members[0]["Id"]


def test_worker_killed_in_the_middle_of_a_batch_redoes_it_without_duplicates(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    salesforce_emulator.set_faults(latency_ms=300)
    add_participants(event, 400)
    force_sync_start(event=event)
    # The look-up is counted: the write Composite is on its way (and held 300 ms by the latency), so the
    # kill lands while Salesforce writes what the worker will never hear about.
    wait_until(lambda: _calls(salesforce_emulator, "POST /composite") >= 1, message="the look-up")
    children = psutil.Process(sync_worker.process.pid).children(recursive=True)
    assert children and states(event)["pending"] == 400  # killed while the first batch is in flight
    for child in children:
        child.kill()  # the pool processes, as an out-of-memory kill would; the main process requeues
    wait_until(settled(event), timeout=180, message="the redone sync")
    assert states(event) == {"synced": 400}
    assert duplicates(salesforce_emulator) == 0
    emails = [e for e in _lead_emails(salesforce_emulator) if e.startswith("person")]
    assert len(emails) == len(set(emails)) == 400


def test_edit_made_while_its_batch_is_in_flight_is_sent_afterwards(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    add_participants(event, 100, job_title="Before")
    # Each call held 1 s: once the batch's look-up is answered, its write Composite is on its way and
    # Salesforce applies it a second later; the edit lands in that second, after the batch was claimed.
    salesforce_emulator.set_faults(latency_ms=1000)
    composites = 0
    force_sync_start(event=event)
    wait_until(lambda: _calls(salesforce_emulator, "POST /composite") == 1, message="the look-up")
    participant_update(participant=event.participants.get(email="person5@example.org"),
                       values={"job_title": "After"})
    assert _calls(salesforce_emulator, "POST /composite") == composites + 1  # the write was not applied yet
    wait_until(lambda: _calls(salesforce_emulator, "POST /composite") >= composites + 2, message="the write")
    # The batch's write carried the value it was planned with; the edit is sent by a second update.
    titles = {r["Email"]: r.get("Title") for r in salesforce_emulator.records("Lead")}
    assert titles["person5@example.org"] == "Before"
    wait_until(settled(event), message="the sync of the edit")
    titles = {r["Email"]: r.get("Title") for r in salesforce_emulator.records("Lead")}
    assert titles["person5@example.org"] == "After" and titles["person6@example.org"] == "Before"
    assert _calls(salesforce_emulator, "POST /composite") == composites + 4  # its own look-up and update
    assert _lead_emails(salesforce_emulator).count("person5@example.org") == 1
    participant = event.participants.get(email="person5@example.org")
    assert participant.salesforce_sync_state == "synced"
    assert participant.salesforce_synced_counter == participant.change_counter


def test_two_events_of_one_org_syncing_the_same_emails_create_each_person_once(
    connected_event, salesforce_emulator, sync_worker, user
):
    first = connected_event
    second = EventFactory()
    emulator = salesforce_emulator
    event_connect_to_emulator(event=second, url=emulator.url, ca_path=str(emulator.ca_path))
    event_setup_for_campaign(event=second, campaign_id=campaign_id(salesforce_emulator),
                             allow_creating_leads=True, allow_data_update=True)
    add_participants(first, 300)
    add_participants(second, 300)
    force_sync_start(event=first)
    force_sync_start(event=second)
    wait_until(lambda: settled(first)() and settled(second)(), message="both syncs")
    assert states(first) == {"synced": 300} and states(second) == {"synced": 300}
    emails = [e for e in _lead_emails(salesforce_emulator) if e.startswith("person")]
    assert len(emails) == len(set(emails)) == 300
    assert duplicates(salesforce_emulator) == 0
