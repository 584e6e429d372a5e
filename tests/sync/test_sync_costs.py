"""What a sync costs in Salesforce API calls, counted by the emulator (counts, not time).

The pattern: per batch of up to 1,000 participants, one Composite of look-ups, and the writes as sObject
Collections subrequests of 200 records, 5 to a Composite; the three object describes once per setup."""

from events.services import participant_create, participant_update
from sync.services import force_sync_start
from tests.sync.conftest import add_participants, campaign_id, duplicates, settled, states, wait_until

DESCRIBES = 3


def _calls(emulator, endpoint=None):
    stats = emulator.stats()
    return stats["by_endpoint"].get(endpoint, 0) if endpoint else stats["api_calls"]


def test_forced_sync_of_2000_new_participants_then_resync_then_one_live_change_stay_within_budget(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    add_participants(event, 2000)
    force_sync_start(event=event)
    wait_until(settled(event), timeout=300, message="the forced sync")
    fresh_calls = _calls(salesforce_emulator)
    assert states(event) == {"synced": 2000}
    assert fresh_calls / 2000 <= 0.03
    # Two batches of 1,000: a look-up Composite each, and 2 write Composites of 5 Collections of 200 each
    # (2,000 records: the creates, and their memberships by reference or, for the create in a call's fifth
    # place, by Id in the next call).
    assert fresh_calls <= DESCRIBES + 2 * (1 + 2)
    assert _calls(salesforce_emulator, "POST /composite/sobjects") == 0  # every write went inside a Composite
    assert duplicates(salesforce_emulator) == 0
    leads = {r["Email"]: r for r in salesforce_emulator.records("Lead")}
    assert all(f"person{i}@example.org" in leads for i in range(2000))
    # Each membership belongs to its own Lead.
    campaign = campaign_id(salesforce_emulator)
    member_of = {m["LeadId"]: m["Id"] for m in salesforce_emulator.records("CampaignMember")
                 if m["CampaignId"] == campaign and m.get("LeadId")}
    for participant in event.participants.all():
        assert participant.salesforce_id == leads[participant.email]["Id"]
        assert participant.salesforce_campaign_member_id == member_of[participant.salesforce_id]

    assert force_sync_start(event=event).started
    wait_until(settled(event), timeout=120, message="the re-sync")
    resync_calls = _calls(salesforce_emulator) - fresh_calls
    assert resync_calls / 2000 <= 0.01
    assert resync_calls <= 2  # two look-up Composites of 1,000; nothing changed, nothing written
    assert states(event) == {"synced": 2000}

    before = _calls(salesforce_emulator)
    participant = event.participants.get(email="person7@example.org")
    participant_update(participant=participant, values={"job_title": "Chief Listener"})
    wait_until(settled(event), timeout=60, message="the live change")
    assert _calls(salesforce_emulator) - before <= 2
    lead = next(r for r in salesforce_emulator.records("Lead") if r["Email"] == "person7@example.org")
    assert lead["Title"] == "Chief Listener"


def test_one_new_participant_arriving_live_costs_2_api_calls_one_look_up_composite_one_write_composite(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    participant_create(event=event, values={"email": "first@example.org", "last_name": "First",
                                            "is_registered": True})
    wait_until(settled(event), message="the first live sync (it also describes the objects, once)")
    before, composites = _calls(salesforce_emulator), _calls(salesforce_emulator, "POST /composite")

    participant_create(event=event, values={"email": "new.arrival@example.org", "first_name": "New",
                                            "last_name": "Arrival", "job_title": "Speaker",
                                            "is_registered": True})
    wait_until(settled(event), message="the live sync of the new participant")
    assert _calls(salesforce_emulator) - before == 2
    assert _calls(salesforce_emulator, "POST /composite") - composites == 2
    lead = next(r for r in salesforce_emulator.records("Lead") if r["Email"] == "new.arrival@example.org")
    assert lead["Title"] == "Speaker"
    members = [m for m in salesforce_emulator.records("CampaignMember") if m.get("LeadId") == lead["Id"]]
    assert [m["Status"] for m in members] == ["Registered"]
    participant = event.participants.get(email="new.arrival@example.org")
    assert participant.salesforce_sync_state == "synced" and participant.salesforce_sync_date
    assert participant.salesforce_id == lead["Id"]
    assert participant.salesforce_campaign_member_id == members[0]["Id"]


def _describe_calls(emulator):
    return sum(n for endpoint, n in emulator.stats()["by_endpoint"].items() if "describe" in endpoint)


def test_runs_after_refresh_fields_read_the_describes_from_the_setup_and_call_salesforce_for_none(
    connected_event, salesforce_emulator, sync_worker
):
    from connector.models import SalesforceSetup
    from connector.services import setup_describe_refresh

    event = connected_event
    setup = SalesforceSetup.objects.get(event=event)
    setup.describe_cache = {"Lead": {"Title": {"name": "Title", "type": "string", "length": 5}}}
    setup.save(update_fields=["describe_cache"])
    setup_describe_refresh(event=event)  # REFRESH FIELDS (CHECK SETUP fetches the same three)
    assert _describe_calls(salesforce_emulator) == DESCRIBES
    refreshed = SalesforceSetup.objects.get(event=event).describe_cache
    assert set(refreshed) == {"Lead", "Contact", "CampaignMember"}
    assert refreshed["Lead"]["Title"]["length"] > 5  # the stale entry was replaced, not kept

    add_participants(event, 300, job_title="Head of Listening")
    force_sync_start(event=event)
    wait_until(settled(event), timeout=120, message="the first forced sync")
    assert force_sync_start(event=event).started
    wait_until(settled(event), timeout=120, message="the second forced sync")
    assert states(event) == {"synced": 300}
    assert _describe_calls(salesforce_emulator) == DESCRIBES  # neither run described anything again
    lead = next(r for r in salesforce_emulator.records("Lead") if r["Email"] == "person7@example.org")
    assert lead["Title"] == "Head of Listening"  # the refreshed length, not the stale 5
