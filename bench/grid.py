"""Benchmark of the participant grid and its .xlsx export; prints one JSON line.

    .venv/bin/python bench/grid.py               # the grid and the export (with its memory pass)
    .venv/bin/python bench/grid.py --only grid   # the grid alone
    .venv/bin/python bench/grid.py --only export # only the 100,000-row event's export times

Runs against a throw-away SQLite database in var/bench/ (or DATABASE_URL when set: its events are
removed at the end). Seeds an event with 1,000 participants and one with 100,000, times the grid page
filtered on the Salesforce sync date on each (median of logged-in requests through django.test.Client,
the two events' requests alternating), and measures the .xlsx export of each: time to the first
byte of the export request, time until the file is complete (the background job above
EXPORT_BACKGROUND_ROWS, run in-process as the worker runs it) and peak Python memory (tracemalloc).
`--only export` seeds only the 100,000-participant event and times its export once, without the grid and
without the memory pass (which runs the export again, several times slower): a minute instead of several
when working on the export. Progress goes to stderr."""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
REQUESTS = 15
SMALL, LARGE = 1_000, 100_000
SYNC_DAYS = 60  # sync dates spread over the last 60 days; the filter asks for a 10-day window


def log(message: str) -> None:
    print(f"[bench/grid] {message}", file=sys.stderr, flush=True)


def setup_django() -> str:
    sys.path.insert(0, str(ROOT))
    if not os.environ.get("DATABASE_URL"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        database = BENCH_DIR / "grid.sqlite3"
        for leftover in BENCH_DIR.glob("grid.sqlite3*"):
            leftover.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets django.test.Client's "testserver" host in
    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def seed(event, count: int, now: dt.datetime) -> float:
    """Demo participants; about 60% synchronized (dates over SYNC_DAYS), 5% failed, the rest pending."""
    from django.db import transaction

    from events.demo import SEED_BATCH_SIZE, demo_participants
    from events.models import Participant, SyncState

    rng = random.Random(count)
    started = time.perf_counter()
    with transaction.atomic():
        batch = []
        for participant in demo_participants(event=event, count=count):
            draw = rng.random()
            if draw < 0.6:
                participant.salesforce_sync_state = SyncState.SYNCED
                participant.salesforce_sync_date = now - dt.timedelta(
                    seconds=rng.randint(0, SYNC_DAYS * 86400)
                )
            elif draw < 0.65:
                participant.salesforce_sync_state = SyncState.FAILED
                participant.salesforce_error_code = "REQUIRED_FIELD_MISSING"
                participant.salesforce_error_message = "Required fields are missing: [Company]"
            batch.append(participant)
            if len(batch) >= SEED_BATCH_SIZE:
                Participant.objects.bulk_create(batch)
                batch = []
        Participant.objects.bulk_create(batch)
    return time.perf_counter() - started


def settle(vendor: str) -> None:
    """PostgreSQL: what autovacuum does within a minute of a large insert (visibility map, statistics).
    Timed before it, the grid measures a table no running site keeps for long: index-only scans fetch
    every heap row while the visibility map is empty."""
    if vendor == "postgresql":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE events_participant")


def grid_medians_ms(client, events: dict, now: dt.datetime) -> dict[str, tuple[float, int]]:
    """Per event label: the median time of the grid page and its number of matches. The events' requests
    alternate, so a load that comes and goes on the machine weighs on both sizes alike, not on one."""
    from django.urls import reverse

    start = (now - dt.timedelta(days=20)).date().isoformat()
    end = (now - dt.timedelta(days=11)).date().isoformat()
    params = {"sync_date": "between", "from_date": start, "to_date": end}
    urls = {label: reverse("events:participant_list", args=[event.slug]) for label, event in events.items()}
    timings: dict[str, list[float]] = {label: [] for label in events}
    matches: dict[str, int] = {}
    for url in urls.values():
        response = client.get(url, params)  # warm-up: templates, caches
        assert response.status_code == 200, response.status_code
    for _ in range(REQUESTS):
        for label, url in urls.items():
            started = time.perf_counter()
            response = client.get(url, params)
            timings[label].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            matches[label] = response.context["page"].paginator.count
    return {label: (statistics.median(timings[label]), matches[label]) for label in events}


def export_figures(client, event, *, memory: bool = True) -> dict:
    """The .xlsx export as a person meets it: the time to the first byte of the export request, then the
    time until the file is complete (in the request when it is small, else the background job's work, run
    here in-process exactly as the worker runs it). The peak Python memory comes from a second export
    under tracemalloc, which slows Python several times over and would spoil the times."""
    figures = _export_once(client, event)
    if not memory:
        return figures
    tracemalloc.start()
    _export_once(client, event)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {**figures, "peak_mb": round(peak / 2**20, 1)}


def _export_once(client, event) -> dict:
    from django.urls import reverse

    from events.export_jobs import export_job_build, export_job_path
    from events.models import ExportJob

    url = reverse("events:participant_export", args=[event.slug, "xlsx"])
    started, cpu_started = time.perf_counter(), time.process_time()
    response = client.get(url)
    if response.status_code == 302:  # a background job: the request only queued it
        first_byte = time.perf_counter() - started
        job = ExportJob.objects.filter(event=event).latest("id")
        export_job_build(job_id=job.pk)
        size = export_job_path(job).stat().st_size
        mode = "background"
    else:
        chunks = iter(response.streaming_content)
        size = len(next(chunks))
        first_byte = time.perf_counter() - started
        size += sum(len(chunk) for chunk in chunks)
        mode = "request"
    # The CPU time beside the wall-clock time: on a shared, busy machine it says more about the code.
    return {"mode": mode, "first_byte_seconds": round(first_byte, 2),
            "ready_seconds": round(time.perf_counter() - started, 1),
            "ready_cpu_seconds": round(time.process_time() - cpu_started, 1), "bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(description="Times the participant grid and its .xlsx export.")
    parser.add_argument("--only", choices=("grid", "export"), help="measure only this part")
    only = parser.parse_args().only
    vendor = setup_django()
    from django.conf import settings

    from backoffice.celery import app as celery_app
    from backoffice.embedded_redis import start_embedded_redis

    # A broker for the export request to queue its job on (no worker reads it: the bench runs the job).
    redis_server = None if os.environ.get("REDIS_URL") else start_embedded_redis()
    if redis_server:
        settings.REDIS_URL = settings.CELERY_BROKER_URL = celery_app.conf.broker_url = redis_server.url
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from accounts.services import account_ensure, event_give
    from events.demo import demo_fields_ensure
    from events.models import Event

    run = uuid.uuid4().hex[:6]
    user = get_user_model().objects.create_user(f"bench-{run}", password="bench-password-123")
    client = Client()
    client.force_login(user)
    now = timezone.now()
    results: dict = {"database": vendor, "requests_per_median": REQUESTS}
    events: dict = {}
    try:
        sizes = ((LARGE, "100k"),) if only == "export" else ((SMALL, "1k"), (LARGE, "100k"))
        for count, label in sizes:
            account = account_ensure(slug=f"bench-{run}", name=f"Bench {run}")
            event = Event.objects.create(
                name=f"Bench {label} {run}", slug=f"bench-{label}-{run}", account=account
            )
            event_give(event=event, user=user)
            demo_fields_ensure(event=event)
            events[label] = event
            log(f"seeding {count} participants")
            results[f"seed_{label}_seconds"] = round(seed(event, count, now), 1)
            settle(vendor)
            if only != "grid":
                log(f"exporting {count} participants to .xlsx")
                export = export_figures(client, event, memory=only != "export")
                for key, value in export.items():
                    results[f"export_xlsx_{label}_{key}"] = value
        if only != "export":
            log("timing the grid at both sizes")
            for label, (median, matches) in grid_medians_ms(client, events, now).items():
                results[f"grid_ms_{label}"] = round(median, 1)
                results[f"grid_matches_{label}"] = matches
            results["grid_ratio_100k_vs_1k"] = round(results["grid_ms_100k"] / results["grid_ms_1k"], 2)
    finally:
        if vendor != "sqlite":  # a shared database: leave nothing behind
            for event in events.values():
                event.delete()
            user.delete()
        if redis_server:
            redis_server.stop()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
