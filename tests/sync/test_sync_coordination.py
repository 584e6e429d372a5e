"""How flushes coordinate: the org lock outlives slow calls, one flush chain per event, bounded retries
through an outage, and a stop (with its reason on the tile) when Salesforce refuses a batch for good."""

import time

import pytest
from django.urls import reverse

from bench.emulator_login import event_connect_to_emulator, event_setup_for_campaign
from connector.describe import describe_compact
from connector.models import SalesforceSetup
from events.services import participant_update
from sync.models import EventSync, RunState, SyncTrigger
from sync.services import force_sync_start
from tests.factories import EventFactory
from tests.sync.conftest import add_participants, campaign_id, duplicates, settled, states, wait_until

LOCK_TTL_SECONDS = 1


@pytest.fixture
def worker_env(worker_env):
    # The org lock lives 1 s unless kept alive (production: 5 min), and calls may take several seconds.
    return {**worker_env, "SYNC_LOCK_TTL_SECONDS": str(LOCK_TTL_SECONDS), "SALESFORCE_TIMEOUT_SECONDS": "10"}


def _flushes_received(worker) -> int:
    lines = worker.log().splitlines()
    return sum(1 for line in lines if "sync.tasks.flush_event[" in line and "received" in line)


def _describe_caches(emulator, *events) -> None:
    """The setups' describe cache filled, as after CHECK SETUP: a batch is then exactly look-up + writes."""
    sf = emulator.client()
    cache = {name: describe_compact(sf.restful(f"sobjects/{name}/describe/"))
             for name in ("Lead", "Contact", "CampaignMember")}
    SalesforceSetup.objects.filter(event__in=events).update(describe_cache=cache)


def test_batches_slower_than_the_org_lock_ttl_keep_the_lock_and_two_events_create_each_person_once(
    connected_event, salesforce_emulator, sync_worker
):
    first, second, emulator = connected_event, EventFactory(), salesforce_emulator
    event_connect_to_emulator(event=second, url=emulator.url, ca_path=str(emulator.ca_path))
    event_setup_for_campaign(event=second, campaign_id=campaign_id(salesforce_emulator),
                             allow_creating_leads=True, allow_data_update=True)
    _describe_caches(salesforce_emulator, first, second)
    add_participants(first, 200)
    add_participants(second, 200)
    # Every call takes 3 s, three times the lock's TTL. Were the lock not kept alive, the second event's
    # flush (retrying the busy lock every 2 s) would take it while the first event's look-up is answered,
    # and look the same 200 emails up before the first event's creates land: 200 duplicate Leads.
    salesforce_emulator.set_faults(latency_ms=3000)
    force_sync_start(event=first)
    force_sync_start(event=second)
    wait_until(lambda: settled(first)() and settled(second)(), timeout=180, message="both syncs")
    assert states(first) == {"synced": 200} and states(second) == {"synced": 200}
    leads = [r["Email"] for r in salesforce_emulator.records("Lead") if r["Email"].startswith("person")]
    assert len(leads) == len(set(leads)) == 200
    assert duplicates(salesforce_emulator) == 0
    assert "lost the lock" not in sync_worker.log()


def test_live_edits_and_sweeps_during_a_slow_forced_sync_keep_one_flush_chain_for_the_event(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    add_participants(event, 1000, job_title="Before")
    salesforce_emulator.set_faults(latency_ms=300)
    force_sync_start(event=event)
    wait_until(lambda: states(event)["synced"] >= 200, message="the first batch")
    # 40 live edits while the run goes on (the beat's sweep ticks every 2 s meanwhile): each one used to
    # start a flush chain of its own, polling the busy lock every 2 s.
    for i in range(40):
        participant_update(participant=event.participants.get(email=f"person{i * 7}@example.org"),
                           values={"job_title": f"Edited {i}"})
        time.sleep(0.1)
    wait_until(settled(event), timeout=180, message="the forced sync and the edits")
    assert states(event) == {"synced": 1000}
    titles = {r["Email"]: r.get("Title") for r in salesforce_emulator.records("Lead")}
    assert all(titles[f"person{i * 7}@example.org"] == f"Edited {i}" for i in range(40))
    # 5 batches of the run, at most 2 more for the edits, the flushes the login and the click enqueued,
    # one look after the end: one message per batch, not one per edit or sweep.
    assert _flushes_received(sync_worker) <= 14


def test_salesforce_down_costs_a_bounded_number_of_attempts_then_everything_syncs(
    connected_event, salesforce_emulator, sync_worker
):
    event = connected_event
    outage = 10_000
    salesforce_emulator.set_faults(fail_next=outage, status=503)
    add_participants(event, 50)
    force_sync_start(event=event)
    # A 15 s window of outage: the batch is tried after 0, then ~1, 2, 4, 8 s (the test worker's backoff:
    # SYNC_RETRY_BASE_SECONDS=1, halved at random), whatever the sweep (every 2 s) and the flush chain do.
    time.sleep(15)
    attempts = outage - salesforce_emulator.emulator.faults.fail_next
    assert 1 <= attempts <= 6
    assert states(event) == {"pending": 50}
    assert EventSync.objects.get(event=event).failures == attempts
    assert "attempt" in event.sync_runs.get(trigger=SyncTrigger.FORCE, state=RunState.RUNNING).note
    salesforce_emulator.set_faults(fail_next=0)
    wait_until(settled(event), timeout=60, message="the sync after the outage")
    assert states(event) == {"synced": 50}
    assert EventSync.objects.get(event=event).failures == 0


def test_a_batch_salesforce_refuses_for_good_stops_the_event_with_its_reason_on_the_tile_until_forced(
    connected_event, salesforce_emulator, sync_worker, client, user
):
    event = connected_event
    refusals = 100
    salesforce_emulator.set_faults(fail_next=refusals, status=403)
    add_participants(event, 20)
    force_sync_start(event=event)
    wait_until(lambda: EventSync.objects.filter(event=event, halted_at__isnull=False).exists(),
               message="the stop")
    participant_update(participant=event.participants.get(email="person3@example.org"),
                       values={"job_title": "Live change while stopped"})
    time.sleep(6)  # three sweeps and the live change's flush: none of them may call Salesforce
    assert refusals - salesforce_emulator.emulator.faults.fail_next == 1
    assert states(event) == {"pending": 20}
    client.force_login(user)
    panel = client.get(reverse("sync:progress", args=[event.slug])).content.decode()
    assert "Stopped since" in panel and "Injected failure (403)" in panel
    salesforce_emulator.set_faults(fail_next=0)
    assert not force_sync_start(event=event).started  # the stopped run is tried again, not a new one
    wait_until(settled(event), timeout=60, message="the forced sync after the stop")
    assert states(event) == {"synced": 20}
    assert not EventSync.objects.get(event=event).halted_at
