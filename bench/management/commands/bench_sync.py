"""Benchmark of the sync engine: its own emulator, Redis, database and a real Celery worker subprocess.
Prints one JSON line about the measured run.

python manage.py bench_sync --participants 2000 --latency-ms 50 --scenario fresh|mixed|resync|live|harsh

with DJANGO_SETTINGS_MODULE=backoffice.settings_dev: a command of the `bench` app, which only the dev settings
install, beside the emulator it starts.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

ROOT = Path(settings.BASE_DIR)


class Command(BaseCommand):
    help = "Measure a forced (or live) sync against a local emulator through a real Celery worker."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=2000)
        parser.add_argument("--latency-ms", type=int, default=50)
        parser.add_argument(
            "--scenario", choices=["fresh", "mixed", "resync", "live", "harsh"], default="fresh"
        )
        parser.add_argument("--concurrency", type=int, default=2, help="Worker processes.")

    def handle(self, *args, **options):
        if os.environ.get("BENCH_SYNC_CHILD") != "1":
            return self._isolated(options)
        from bench.sync_harness import bench_run

        result = bench_run(participants=options["participants"], latency_ms=options["latency_ms"],
                           scenario=options["scenario"], concurrency=options["concurrency"])
        self.stdout.write(json.dumps(result))

    def _isolated(self, options) -> None:
        """Re-run in a child on a throw-away SQLite database, so the bench never touches real data."""
        with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
            # The child (and its worker) on these settings too, however they were chosen (--settings).
            env = {**os.environ, "BENCH_SYNC_CHILD": "1", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                   "LOG_LEVEL": "WARNING", "CELERY_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
                   "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
            manage = [sys.executable, str(ROOT / "manage.py")]
            subprocess.run([*manage, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
            argv = [*manage, "bench_sync", "--participants", str(options["participants"]), "--latency-ms",
                    str(options["latency_ms"]), "--scenario", options["scenario"],
                    "--concurrency", str(options["concurrency"])]
            started = time.monotonic()
            child = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
            lines = [line for line in child.stdout.splitlines() if line.startswith("{")]
            if child.returncode or not lines:
                self.stderr.write(child.stdout[-4000:] + child.stderr[-4000:])
                raise SystemExit(child.returncode or 1)
            self.stdout.write(lines[-1])
            self.stderr.write(f"(bench wall time {time.monotonic() - started:.1f} s)")
