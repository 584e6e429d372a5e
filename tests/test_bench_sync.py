"""`manage.py bench_sync` runs on the dev settings (the bench app, beside the emulator it starts) and prints
its one JSON line; the production settings do not offer it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = [sys.executable, "manage.py", "bench_sync", "--participants", "20", "--latency-ms", "0"]


def test_bench_sync_on_the_dev_settings_syncs_everyone_once_and_prints_its_figures():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backoffice.settings_dev"}
    result = subprocess.run(COMMAND, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["synced"] == 20 and figures["failed"] == 0 and figures["duplicate_records"] == 0


def test_the_production_settings_have_no_bench_sync_command():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backoffice.settings"}
    result = subprocess.run(COMMAND, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "Unknown command: 'bench_sync'" in result.stderr
