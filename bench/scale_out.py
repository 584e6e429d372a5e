"""Benchmark of scale-out: do events of two Salesforce orgs sync in parallel on several workers? Prints one
JSON line.

    .venv/bin/python bench/scale_out.py [--participants 2000] [--latency-ms 50] [--rounds 3]

Two emulators, each its own org (another org id, so another org lock) in a process of its own, an event
connected to each, and real Celery worker subprocesses. Each round times a forced sync of fresh
participants (new emails, so every round creates its Leads and members as the first one did), from FORCE
SYNCHRONIZATION until nobody is pending, in three set-ups: one org alone on one worker of concurrency 1,
both orgs at once on that one worker, both orgs at once on two workers of concurrency 1. Medians over the
rounds, and the CPU the workers and emulators used per wall second. Runs on a throw-away SQLite database
in var/bench/ (or DATABASE_URL: its rows are left there, so give it a database of its own) with its own
Redis. Progress goes to stderr."""

import argparse
import dataclasses
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
sys.path.insert(0, str(ROOT))  # the emulators' processes import salesforce_emulator too
CAMPAIGN = "World Tour Paris 2026"


def log(message: str) -> None:
    print(f"[bench/scale_out] {message}", file=sys.stderr, flush=True)


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        for leftover in BENCH_DIR.glob("scale_out.sqlite3*"):
            leftover.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DIR / 'scale_out.sqlite3'}"
    os.environ["CELERY_QUEUE"] = f"bench-scale-{uuid.uuid4().hex[:8]}"  # no other worker takes its tasks
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def start_worker(*, name: str, env: dict[str, str]) -> subprocess.Popen:
    """One Celery worker of concurrency 1 on the bench's queue, started once it says it is ready."""
    from django.conf import settings

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    log_path = BENCH_DIR / f"scale_out.{name}.log"
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "backoffice",
        "worker",
        "--loglevel=INFO",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "-Q",
        queue,
        "-n",
        f"{name}.{queue}@%h",
    ]
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while "ready" not in log_path.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(log_path.read_text())
        time.sleep(0.2)
    return process


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=60)


@dataclasses.dataclass
class OrgProcess:
    """An emulator serving one org from a process of its own: two orgs' emulators in this process would
    share its GIL and slow each other, which no two real orgs do."""

    url: str
    ca_path: str
    campaign_id: str
    process: Any
    pipe: Any

    def stop(self) -> None:
        self.pipe.send("stop")
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()


def _serve_org(name: str, latency_ms: int, pipe: Any) -> None:
    from salesforce_emulator.org import load_org, stable_id
    from salesforce_emulator.server import EmulatorServer

    org = dataclasses.replace(load_org(), id=stable_id("00D", name), name=name)  # its own org lock
    server = EmulatorServer(org, latency_ms=latency_ms, daily_api_limit=10_000_000).start()
    campaign_id = next(c["Id"] for c in server.records("Campaign") if c["Name"] == CAMPAIGN)
    pipe.send((server.url, str(server.ca_path), campaign_id))
    pipe.recv()  # until the bench is over
    server.stop()


def start_org(name: str, latency_ms: int) -> OrgProcess:
    context = multiprocessing.get_context("spawn")
    parent_end, child_end = context.Pipe()
    process = context.Process(target=_serve_org, args=(name, latency_ms, child_end), daemon=True)
    process.start()
    if not parent_end.poll(60):
        raise RuntimeError(f"the emulator of {name} did not start within 60 s")
    url, ca_path, campaign_id = parent_end.recv()
    return OrgProcess(url, ca_path, campaign_id, process, parent_end)


def event_on(server: OrgProcess, *, org: str, label: str):
    """A new event of the org's account, connected to its emulator and set up for the campaign."""
    from accounts.services import account_ensure
    from bench.emulator_login import event_connect_to_emulator, event_setup_for_campaign
    from connector.services import setup_describe_refresh
    from events.models import Event

    slug = f"scale-{org}-{label}".lower()
    account = account_ensure(slug=f"scale-{org}".lower(), name=f"Scale-out {org}")
    event = Event.objects.create(name=f"Scale-out {org} {label}", slug=slug, account=account)
    event_connect_to_emulator(event=event, url=server.url, ca_path=str(server.ca_path))
    event_setup_for_campaign(
        event=event,
        campaign_id=server.campaign_id,
        campaign_name=CAMPAIGN,
        allow_creating_leads=True,
        allow_data_update=True,
    )
    setup_describe_refresh(event=event)
    # The login queued a flush of the (still empty) event: let it finish, so it takes none of the rows.
    from sync.locks import _flush_key as flush_key
    from sync.locks import redis_client

    deadline = time.monotonic() + 60
    while redis_client().exists(flush_key(event.pk)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return event


def seed(event, count: int, label: str) -> None:
    from events.models import Participant

    Participant.objects.bulk_create(
        [
            Participant(
                event=event,
                email=f"{label}.person{i}@example.org",
                first_name="Scale",
                last_name=f"Person {i}",
                company="Scale Co",
                is_registered=True,
                change_counter=1,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )


def cpu_seconds(pids: set[int], groups: set[int]) -> float:
    """User + system CPU time (Linux /proc) of these processes and of every process in these process
    groups (a worker and its pool child), so that a wall time can be told CPU-bound from waiting."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(stat.parent.name) in pids or int(fields[2]) in groups:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def settled(event) -> bool:
    from events.models import SyncState
    from sync.models import RunState, SyncRun

    pending = event.participants.filter(salesforce_sync_state=SyncState.PENDING).exists()
    return not pending and not SyncRun.objects.filter(event=event, state=RunState.RUNNING).exists()


def timed_sync(events: list, timeout: float = 1800) -> float:
    """Seconds from FORCE SYNCHRONIZATION of every event until none has anyone pending."""
    from events.models import SyncState
    from sync.services import force_sync_start

    started = time.monotonic()
    for event in events:
        assert force_sync_start(event=event).started
    while not all(settled(event) for event in events):
        if time.monotonic() - started > timeout:
            raise RuntimeError("the sync did not settle")
        time.sleep(0.05)
    seconds = time.monotonic() - started
    for event in events:
        synced = event.participants.filter(salesforce_sync_state=SyncState.SYNCED).count()
        assert synced == event.participants.count(), f"{event.slug}: {synced} synced"
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description="Two orgs on one worker, then on two.")
    parser.add_argument("--participants", type=int, default=2000, help="per event")
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    setup_django()
    from django.conf import settings

    from backoffice.celery import app
    from backoffice.embedded_redis import start_embedded_redis

    redis_server = start_embedded_redis()
    settings.REDIS_URL = settings.CELERY_BROKER_URL = app.conf.broker_url = redis_server.url
    servers = {org: start_org(f"Scale-out org {org}", options.latency_ms) for org in ("A", "B")}
    # This process logs in to both emulators as the tile would (one CA file each: both are trusted).
    bundle = BENCH_DIR / "scale_out.ca.pem"
    bundle.write_text("".join(Path(server.ca_path).read_text() for server in servers.values()))
    settings.SALESFORCE_CA_BUNDLE = str(bundle)
    settings.SALESFORCE_EXTRA_LOGIN_HOSTS = [server.url for server in servers.values()]
    settings.SITE_URL = "http://127.0.0.1:8000"  # a callback URL of the emulator's demo connected app
    env = {
        **os.environ,
        "REDIS_URL": redis_server.url,
        "SALESFORCE_CA_BUNDLE": str(bundle),
        "SALESFORCE_EXTRA_LOGIN_HOSTS": ",".join(settings.SALESFORCE_EXTRA_LOGIN_HOSTS),
    }
    setups = {
        "one_org_1_worker": (["A"], 1),
        "two_orgs_1_worker": (["A", "B"], 1),
        "two_orgs_2_workers": (["A", "B"], 2),
    }
    timings: dict[str, list[float]] = {name: [] for name in setups}
    cpu: dict[str, list[float]] = {name: [] for name in setups}
    emulators = {server.process.pid for server in servers.values()}
    workers: list[subprocess.Popen] = []
    try:
        for workers_wanted in (1, 2):
            workers = [start_worker(name=f"w{i}", env=env) for i in range(workers_wanted)]
            for round_ in range(options.rounds):
                for name, (orgs, count) in setups.items():
                    if count != workers_wanted:
                        continue
                    label = f"{name.replace('_', '-')}-r{round_}"
                    events = [event_on(servers[org], org=org, label=label) for org in orgs]
                    for event in events:
                        seed(event, options.participants, f"{label}-{event.pk}")
                    log(f"{name}, round {round_ + 1}: syncing {len(events)} x {options.participants}")
                    cpu_before = cpu_seconds(emulators, {w.pid for w in workers})
                    timings[name].append(timed_sync(events))
                    cpu[name].append(cpu_seconds(emulators, {w.pid for w in workers}) - cpu_before)
            stop_workers(workers)
            workers = []
    finally:
        stop_workers(workers)
        for server in servers.values():
            server.stop()
        redis_server.stop()
    medians = {f"{name}_seconds": round(statistics.median(t), 2) for name, t in timings.items()}
    print(
        json.dumps(
            {
                "participants_per_event": options.participants,
                "latency_ms": options.latency_ms,
                "rounds": options.rounds,
                **medians,
                "all_seconds": {name: [round(s, 2) for s in t] for name, t in timings.items()},
                # CPU of the workers and emulators during the sync, per wall second: at the machine's
                # core count the sync waits for CPU, not for Salesforce's latency.
                "cpu_cores_busy": {
                    name: round(statistics.median(c) / statistics.median(timings[name]), 2)
                    for name, c in cpu.items()
                },
                "cpus": os.cpu_count(),
                "two_orgs_2_workers_vs_one_org": round(
                    medians["two_orgs_2_workers_seconds"] / medians["one_org_1_worker_seconds"], 2
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
