"""A connected event, a real Celery worker (with beat: the sweep runs) and helpers to wait and count."""

import time
from collections import Counter

import pytest
import redis

from bench.emulator_login import event_connect_to_emulator, event_setup_for_campaign
from events.models import Participant, SyncState
from sync.models import RunState, SyncRun
from tests.celery_worker import start_worker

CAMPAIGN = "World Tour Paris 2026"


@pytest.fixture
def worker_env(salesforce_emulator_server):
    return {
        "SALESFORCE_CA_BUNDLE": str(salesforce_emulator_server.ca_path),
        # The emulator's instance URL is not a Salesforce host: allowed, so token refreshes may reach it.
        "SALESFORCE_EXTRA_LOGIN_HOSTS": salesforce_emulator_server.url,
        "SYNC_PAUSE_SECONDS": "3",
        "SYNC_SWEEP_SECONDS": "2",
        "SALESFORCE_TIMEOUT_SECONDS": "3",
        # A failing batch is retried after 1, 2, 4, 8 then every 8 to 16 s (production: 2 s up to 15 min).
        "SYNC_RETRY_BASE_SECONDS": "1",
        "SYNC_RETRY_MAX_SECONDS": "16",
    }


@pytest.fixture
def sync_worker(transactional_db, redis_url, celery_queue, tmp_path, worker_env, artifacts_dir, request):
    worker = start_worker(redis_url=redis_url, queue=celery_queue, log_path=tmp_path / "worker.log",
                          extra_env=worker_env, beat=True)
    yield worker
    worker.stop()
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        (artifacts_dir / f"{request.node.name}-worker.log").write_text(worker.log())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


def campaign_id(emulator, name=CAMPAIGN):
    return next(c["Id"] for c in emulator.records("Campaign") if c["Name"] == name)


@pytest.fixture
def connected_event(transactional_db, celery_queue, event, salesforce_emulator, settings, redis_url):
    emulator = salesforce_emulator
    # This process logs in to the emulator (bench.emulator_login) the way the tile would.
    settings.SALESFORCE_CA_BUNDLE = str(emulator.ca_path)
    settings.SALESFORCE_EXTRA_LOGIN_HOSTS = [emulator.url]
    settings.SITE_URL = "http://127.0.0.1:8000"  # a callback URL of the emulator's demo connected app
    # Event ids repeat from test to test: no flush claim or org lock left over by an earlier test. (The
    # queue is emptied first, celery_queue: the flushes the login enqueues stay for the worker.)
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter("sync:*"):
        client.delete(key)
    event_connect_to_emulator(event=event, url=emulator.url, ca_path=str(emulator.ca_path))
    event_setup_for_campaign(event=event, campaign_id=campaign_id(emulator), campaign_name=CAMPAIGN,
                             allow_creating_leads=True, allow_data_update=True,
                             lead_mapping={"job_title": "Title"}, contact_mapping={"job_title": "Title"})
    return event


def add_participants(event, count, *, start=0, **values):
    rows = [Participant(event=event, email=f"person{i}@example.org", first_name="Pat", last_name=f"Doe{i}",
                        change_counter=1, is_registered=True, **values) for i in range(start, start + count)]
    Participant.objects.bulk_create(rows)


def wait_until(predicate, timeout=120, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {message}")


def settled(event):
    def check():
        pending = event.participants.filter(salesforce_sync_state=SyncState.PENDING).exists()
        running = SyncRun.objects.filter(event=event, state=RunState.RUNNING).exists()
        return not pending and not running
    return check


def states(event):
    return Counter(event.participants.values_list("salesforce_sync_state", flat=True))


def duplicates(emulator):
    """Leads/Contacts sharing an email, and memberships beyond one per person and campaign."""
    emails = Counter((r.get("Email") or "").lower() for o in ("Lead", "Contact") for r in emulator.records(o)
                     if not r.get("IsConverted"))
    members = Counter((m["CampaignId"], m.get("ContactId") or m.get("LeadId"))
                      for m in emulator.records("CampaignMember"))
    return sum(n - 1 for n in emails.values() if n > 1) + sum(n - 1 for n in members.values() if n > 1)
