"""The body of `manage.py bench_sync` (dev settings), run in a child process on a throw-away database."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psutil
import redis
from django.conf import settings
from django.utils import timezone

from events.models import Event, Participant, SyncState
from sync.models import RunState, SyncRun

CAMPAIGN = "World Tour Paris 2026"
REFERENCE_CALLS_PER_PARTICIPANT = 3


class PeakMemory:
    """The worker's peak resident memory, sampled every 0.2 s while the run is measured: the largest single
    process (the pool child that runs the flush) and the whole tree (the Celery parent and its children)."""

    def __init__(self, pid: int) -> None:
        self.process, self.largest, self.tree = psutil.Process(pid), 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        # Listing the children reads every process of the machine: done once a second, not at each sample,
        # since this thread shares the interpreter with the emulator it would slow down.
        processes: list[psutil.Process] = []
        listed = 0.0
        while True:  # a first sample at once: a live run can be over before 0.2 s
            try:
                if time.monotonic() - listed >= 1.0:
                    processes = [self.process, *self.process.children(recursive=True)]
                    listed = time.monotonic()
                sizes = [p.memory_info().rss for p in processes]
                self.largest, self.tree = max(self.largest, *sizes), max(self.tree, sum(sizes))
            except psutil.Error:
                listed = 0.0  # a child came or went between the listing and the reading
            if self._stop.wait(0.2):
                return

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return {"worker_peak_rss_mb": round(self.largest / 2**20, 1),
                "worker_tree_peak_rss_mb": round(self.tree / 2**20, 1)}


def _start_worker(*, queue: str, concurrency: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    args = [sys.executable, "-m", "celery", "-A", "backoffice", "worker", "--loglevel=INFO",
            f"--concurrency={concurrency}", "--without-gossip", "--without-mingle", "-Q", queue,
            "-n", f"{queue}@%h"]
    process = subprocess.Popen(args, cwd=settings.BASE_DIR, env=env, stdout=log.open("w"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while "ready" not in log.read_text(errors="replace") and time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text())
        time.sleep(0.2)
    return process


def _seed_org(server: Any, emails: list[str], campaign_id: str) -> None:
    """mixed: a third of the emails already Contacts, a third Leads (a tenth of them converted), and one
    person in six already a member of the campaign. Written straight into the emulator's store: uncounted."""
    from salesforce_emulator import ids

    store = server.emulator.store
    contact = next(iter(store.records("Contact")))
    lead = next(r for r in store.records("Lead") if not r.get("IsConverted"))
    member = next(iter(store.records("CampaignMember")))
    stamp = "2025-01-01T00:00:00.000+0000"
    with store.write_lock:
        tx = store.begin()
        for i, email in enumerate(emails):
            kind = i % 3
            if kind == 2:
                continue
            person_id = ids.new_record_id("Contact" if kind == 0 else "Lead")
            base = contact if kind == 0 else lead
            record = {**base, "Id": person_id, "Email": email, "LastName": f"Known {i}", "FirstName": "K",
                      "CreatedDate": stamp, "LastModifiedDate": stamp}
            if kind == 1 and i % 30 == 1:  # converted: its Contact carries another address
                contact_id = ids.new_record_id("Contact")
                tx.put({**contact, "Id": contact_id, "Email": f"converted.{email}", "LastName": f"Conv {i}",
                        "CreatedDate": stamp, "LastModifiedDate": stamp})
                record.update(IsConverted=True, ConvertedContactId=contact_id)
                person_id = contact_id
            tx.put(record)
            if i % 6 == 0:
                key = "ContactId" if person_id.startswith("003") else "LeadId"
                tx.put({**member, "Id": ids.new_record_id("CampaignMember"), "CampaignId": campaign_id,
                        "ContactId": None, "LeadId": None, key: person_id, "Status": "Registered",
                        "Email": email})
        tx.commit()


def _seed_name_twins(server: Any, emails: list[str]) -> None:
    """harsh: one participant in ten the org does not know by email has a Lead under a work address with
    the same name, title and company: Salesforce's standard matching rules call it a duplicate."""
    from salesforce_emulator import ids

    store = server.emulator.store
    lead = next(r for r in store.records("Lead") if not r.get("IsConverted"))
    with store.write_lock:
        tx = store.begin()
        for i, _email in enumerate(emails):
            if i % 3 == 2 and i % 10 == 5:
                tx.put({**lead, "Id": ids.new_record_id("Lead"), "Email": f"work.person{i}@bench-co.example",
                        "FirstName": "Bench", "LastName": f"Person {i}", "Company": "Bench Co",
                        "Title": "Attendee"})
        tx.commit()


def _convert_meanwhile(server: Any, emails: set[str], stop: threading.Event) -> list[str]:
    """harsh: an admin converts one in five of the participants' Leads while the sync runs."""
    leads = [r["Id"] for r in server.records("Lead")
             if (r.get("Email") or "") in emails and not r.get("IsConverted")][::5]
    converted: list[str] = []

    def run() -> None:
        for lead_id in leads:
            if stop.wait(0.02):
                return
            server.convert_lead(lead_id)
            converted.append(lead_id)

    threading.Thread(target=run, daemon=True).start()
    return converted


def _rename_came_status(server: Any, campaign_id: str) -> None:
    """harsh: "Attended" is renamed in Salesforce after CHECK SETUP."""
    status = next(s for s in server.records("CampaignMemberStatus")
                  if s["CampaignId"] == campaign_id and s["Label"] == "Attended")
    server.client().CampaignMemberStatus.update(status["Id"], {"Label": "Checked in"})


def _repick_when_halted(event: Event) -> int:
    """What the organizer does on the tile after the halt: picks the renamed status, runs CHECK SETUP."""
    from connector.services import setup_statuses_set
    from connector.setup_check import setup_check
    from sync.selectors import event_halt
    from sync.services import events_sweep

    halts = 0
    while not _settled(event):
        if event_halt(event=event):  # a halt not yet lifted by a CHECK SETUP
            halts += 1
            setup_statuses_set(event=event, registered_status="Registered", came_status="Checked in")
            setup_check(event=event)  # lifts the halt
            events_sweep()  # what beat's sweep does within SYNC_SWEEP_SECONDS (this worker runs no beat)
        time.sleep(0.05)
    return halts


def _calls_by_kind(server: Any) -> dict[str, int]:
    """The measured calls by kind: plain REST calls by endpoint, Composites by what they carried (a
    look-up is "query", the writes "collections", the creates that learn a duplicate match "record")."""
    stats = server.stats()
    kinds = {endpoint: n for endpoint, n in stats["by_endpoint"].items() if endpoint != "POST /composite"}
    kinds.update({f"composite {kind}": n for kind, n in stats["composite_kinds"].items()})
    return dict(sorted(kinds.items()))


def _batches(event: Event) -> dict[str, int]:
    """Batches that recorded outcomes, and the participants left pending by one (changed meanwhile)."""
    from sync.models import AttemptOutcome, SyncAttempt

    attempts = SyncAttempt.objects.filter(participant__event=event)
    return {"batches_recorded": attempts.values("at").distinct().count(),
            "attempts_replanned": attempts.filter(outcome=AttemptOutcome.REPLAN).count(),
            "attempts_retried": attempts.filter(outcome=AttemptOutcome.RETRY).count()}


def _failed_reasons(event: Event) -> dict[str, int]:
    failed = event.participants.filter(salesforce_sync_state=SyncState.FAILED)
    return dict(Counter(failed.values_list("salesforce_error_code", flat=True)))


def _settled(event: Event) -> bool:
    pending = event.participants.filter(salesforce_sync_state=SyncState.PENDING).exists()
    return not pending and not SyncRun.objects.filter(event=event, state=RunState.RUNNING).exists()


def _wait(event: Event, timeout: float = 3600) -> float:
    started = time.monotonic()
    while not _settled(event):
        if time.monotonic() - started > timeout:
            raise RuntimeError("the sync did not settle")
        time.sleep(0.05)
    return time.monotonic() - started


def _duplicates(server: Any, known_before: Counter, campaign_id: str) -> tuple[int, int]:
    people = [r for o in ("Lead", "Contact") for r in server.records(o) if not r.get("IsConverted")]
    per_email = Counter((r.get("Email") or "").lower() for r in people)
    duplicates = 0
    for email, count in per_email.items():
        created = count - known_before.get(email, 0)
        duplicates += created if known_before.get(email) else max(0, created - 1)
    members = Counter((m.get("ContactId") or m.get("LeadId")) for m in server.records("CampaignMember")
                      if m["CampaignId"] == campaign_id)
    return duplicates + sum(n - 1 for n in members.values() if n > 1), sum(members.values())


def bench_run(*, participants: int, latency_ms: int, scenario: str, concurrency: int) -> dict[str, Any]:
    from accounts.services import account_ensure
    from backoffice.celery import app
    from backoffice.embedded_redis import start_embedded_redis
    from bench.emulator_login import event_connect_to_emulator, event_setup_for_campaign
    from connector.services import setup_describe_refresh
    from events.services import participant_update
    from salesforce_emulator.server import EmulatorServer
    from sync.services import force_sync_start

    redis_server = start_embedded_redis()
    settings.REDIS_URL = settings.CELERY_BROKER_URL = app.conf.broker_url = redis_server.url
    server = EmulatorServer(latency_ms=latency_ms, daily_api_limit=10_000_000).start()
    settings.SALESFORCE_CA_BUNDLE = str(server.ca_path)
    settings.SALESFORCE_EXTRA_LOGIN_HOSTS = [server.url]  # this process logs in to it as the tile would
    settings.SITE_URL = "http://127.0.0.1:8000"  # a callback URL of the emulator's demo connected app
    worker = None
    try:
        slug = f"bench-{int(time.time())}"
        event = Event.objects.create(
            name="Sync benchmark", slug=slug, account=account_ensure(slug=slug, name="Sync benchmark")
        )
        event_connect_to_emulator(event=event, url=server.url, ca_path=str(server.ca_path))
        campaign_id = next(c["Id"] for c in server.records("Campaign") if c["Name"] == CAMPAIGN)
        event_setup_for_campaign(event=event, campaign_id=campaign_id, campaign_name=CAMPAIGN,
                                 allow_creating_leads=True, allow_data_update=True,
                                 lead_mapping={"job_title": "Title"}, contact_mapping={"job_title": "Title"})
        # A checked setup holds the describes (CHECK SETUP and REFRESH FIELDS fetch them into the setup's
        # cache, and every run reads them from there): fetched here the tile's way, outside the measure.
        setup_describe_refresh(event=event)
        server.emulator.usage.reset()
        emails = [f"bench.person{i}@example.org" for i in range(participants)]
        Participant.objects.bulk_create(
            [Participant(event=event, email=e, first_name="Bench", last_name=f"Person {i}",
                         company="Bench Co", job_title="Attendee", is_registered=True, change_counter=1)
             for i, e in enumerate(emails)], batch_size=2000)
        if scenario in ("mixed", "harsh"):
            _seed_org(server, emails, campaign_id)
        if scenario == "harsh":
            _seed_name_twins(server, emails)
            Participant.objects.filter(event=event, email__in=emails[::100]).update(has_come=True)
            _rename_came_status(server, campaign_id)
            server.emulator.usage.reset()  # the admin's rename is Salesforce's own call, not the connector's
        known = Counter((r.get("Email") or "").lower() for o in ("Lead", "Contact") for r in server.records(o)
                        if not r.get("IsConverted"))
        env = {**os.environ, "REDIS_URL": redis_server.url, "SALESFORCE_CA_BUNDLE": str(server.ca_path),
               "SALESFORCE_EXTRA_LOGIN_HOSTS": server.url}  # a token refresh may go to the emulator
        # The login queued a flush (connection_login_complete tells the sync): dropped with its claim, so
        # that the measured run is the forced one alone, not a live flush of the seeded rows racing it.
        broker = redis.Redis.from_url(redis_server.url)
        broker.delete(settings.CELERY_TASK_DEFAULT_QUEUE, *broker.scan_iter("sync:flush:*"))
        worker = _start_worker(queue=settings.CELERY_TASK_DEFAULT_QUEUE, concurrency=concurrency, env=env,
                               log=Path(settings.DATABASES["default"]["NAME"]).with_suffix(".worker.log"))
        measured = participants
        if scenario in ("resync", "live"):
            force_sync_start(event=event)
            _wait(event)
            server.emulator.usage.reset()
        started_at = timezone.now()
        if scenario == "live":
            measured = 1
            participant_update(participant=event.participants.get(email=emails[len(emails) // 2]),
                               values={"job_title": "Changed live"})
        else:
            force_sync_start(event=event)
        stop = threading.Event()
        memory = PeakMemory(worker.pid)
        clock = time.monotonic()
        converted = _convert_meanwhile(server, set(emails), stop) if scenario == "harsh" else []
        halts = _repick_when_halted(event) if scenario == "harsh" else 0
        _wait(event)
        seconds = time.monotonic() - clock
        stop.set()
        peak = memory.stop()
        api_calls = server.stats()["api_calls"]
        duplicates, members = _duplicates(server, known, campaign_id)
        synced = event.participants.filter(salesforce_sync_date__gte=started_at).count()
        failed = event.participants.filter(salesforce_sync_state=SyncState.FAILED).count()
        return {
            "participants": measured,
            "api_calls": api_calls,
            "api_calls_per_participant": round(api_calls / measured, 4),
            "baseline_api_calls": REFERENCE_CALLS_PER_PARTICIPANT * measured,
            "seconds": round(seconds, 2),
            "participants_per_second": round(measured / seconds, 1) if seconds else None,
            "synced": synced,
            "failed": failed,
            "duplicate_records": duplicates,
            "campaign_members": members,
            **({"leads_converted_during_run": len(converted), "status_halts": halts,
                "failed_reasons": _failed_reasons(event)} if scenario == "harsh" else {}),
            "calls_by_kind": _calls_by_kind(server),
            **peak,
            **_batches(event),
        }
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        server.stop()
        redis_server.stop()
