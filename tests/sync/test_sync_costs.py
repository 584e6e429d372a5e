"""What a sync costs in Salesforce API calls, counted by the emulator (counts, not time)."""

from events.services import participant_update
from sync.services import force_sync_start
from tests.sync.conftest import add_participants, duplicates, settled, states, wait_until


def test_forced_sync_of_2000_new_participants_then_resync_then_one_live_change_stay_within_budget(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    add_participants(event, 2000)
    force_sync_start(event=event)
    wait_until(settled(event), timeout=300, message="the forced sync")
    fresh_calls = salesforce_emulator.stats()["api_calls"]
    assert states(event) == {"synced": 2000}
    assert fresh_calls / 2000 <= 0.03
    assert duplicates(salesforce_emulator) == 0
    leads = {r["Email"]: r for r in salesforce_emulator.records("Lead")}
    assert all(f"person{i}@example.org" in leads for i in range(2000))

    assert force_sync_start(event=event).started
    wait_until(settled(event), timeout=120, message="the re-sync")
    resync_calls = salesforce_emulator.stats()["api_calls"] - fresh_calls
    assert resync_calls / 2000 <= 0.01
    assert states(event) == {"synced": 2000}

    before = salesforce_emulator.stats()["api_calls"]
    participant = event.participants.get(email="person7@example.org")
    participant_update(participant=participant, values={"job_title": "Chief Listener"})
    wait_until(settled(event), timeout=60, message="the live change")
    assert salesforce_emulator.stats()["api_calls"] - before <= 2
    lead = next(r for r in salesforce_emulator.records("Lead") if r["Email"] == "person7@example.org")
    assert lead["Title"] == "Chief Listener"
