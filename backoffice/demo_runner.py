"""`make run`: the whole demo on one machine, embedded defaults.

Migrates, seeds the demo event on first start, starts an embedded Redis (unless REDIS_URL is set), the
Salesforce emulator, a Celery worker with beat and the web server, prints where to go, restarts any of them
that exits (backoffice.supervisor: with a backoff and a log line), and on Ctrl-C stops every process it
started. Every one of them runs on the dev settings (backoffice.settings_dev): production's plus the emulator.
This module only starts the emulator's command, it never imports it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from backoffice.embedded_redis import start_embedded_redis
from backoffice.supervisor import Supervisor

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("VAR_DIR", ROOT / "var"))
WEB_ADDRESS = os.environ.get("WEB_ADDRESS", "127.0.0.1:8000")
EMULATOR_PORT = int(os.environ.get("EMULATOR_PORT", "8443"))
EMBEDDED_REDIS_PORT = int(os.environ.get("EMBEDDED_REDIS_PORT", "6390"))
DEMO_LOGIN = ("organizer", "demo-organizer")
DEV_SETTINGS = "backoffice.settings_dev"
# The emulator's demo connected app (salesforce_emulator/orgs/demo.json).
DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET = "demo-consumer-key", "demo-consumer-secret"


def manage(*args: str, env: dict | None = None) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def spawn(args: list[str], env: dict) -> subprocess.Popen:
    # Each child leads its own process group so that Ctrl-C can take down its own children too.
    return subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True)


def wait_for_file(path: Path, process: subprocess.Popen | None, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process is None or process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"The Salesforce emulator did not start (no {path}).")
        time.sleep(0.2)


def _start_redis() -> subprocess.Popen:
    # Its own session: Ctrl-C reaches the terminal's process group, and Redis must outlive the worker.
    return start_embedded_redis(port=EMBEDDED_REDIS_PORT, own_session=True).process


def emulator_command(env: dict, cert_dir: Path) -> list[str]:
    """The emulator, whose demo connected app also accepts this back-office's own callback URL: the demo's
    OAuth works whatever WEB_ADDRESS (or SITE_URL) says, not only on port 8000."""
    callback = f"{env['SITE_URL'].rstrip('/')}/salesforce/oauth/callback/"
    return [sys.executable, "manage.py", "run_salesforce_emulator", "--port", str(EMULATOR_PORT),
            "--data", str(cert_dir / "org.sqlite3"), "--cert-dir", str(cert_dir),
            "--consumer-key", DEMO_CONSUMER_KEY, "--consumer-secret", DEMO_CONSUMER_SECRET,
            "--callback-url", callback]


def _start_demo(supervisor: Supervisor, env: dict) -> None:
    cert_dir = VAR / "emulator"
    emulator_url = f"https://127.0.0.1:{EMULATOR_PORT}"
    env.setdefault("SALESFORCE_CA_BUNDLE", str(cert_dir / "ca.pem"))
    env.setdefault("SALESFORCE_EXTRA_LOGIN_HOSTS", emulator_url)
    env.setdefault("SITE_URL", f"http://{WEB_ADDRESS}")
    env.setdefault("DEBUG", "true")
    emulator = supervisor.add("Salesforce emulator", lambda: spawn(emulator_command(env, cert_dir), env))
    wait_for_file(cert_dir / "ca.pem", emulator.process)
    supervisor.add("Celery worker", lambda: spawn(
        [sys.executable, "-m", "celery", "-A", "backoffice", "worker", "--beat", "--loglevel=INFO",
         "--concurrency=2", f"--schedule={VAR / 'celerybeat-schedule'}"],
        env,
    ))
    supervisor.add("web server", lambda: spawn(
        [sys.executable, "manage.py", "runserver", "--noreload", WEB_ADDRESS], env
    ))
    time.sleep(2)
    print(
        f"\n  Back-office:          http://{WEB_ADDRESS}/"
        f"   (log in as {DEMO_LOGIN[0]} / {DEMO_LOGIN[1]})\n"
        f"  Salesforce emulator:  {emulator_url}/   (org login demo@emulator.example / demo1234)\n"
        f"  Connect the demo event: Third-party tools integration → Salesforce, Consumer Key\n"
        f"  {DEMO_CONSUMER_KEY}, Consumer Secret {DEMO_CONSUMER_SECRET}, login host {emulator_url};\n"
        f"  campaign “World Tour Paris 2026”, statuses Registered / Attended, then CHECK SETUP and\n"
        f"  FORCE SYNCHRONIZATION (README.md, “The demo, step by step”).\n"
        f"  A process that exits is started again; Ctrl-C stops everything.\n",
        flush=True,
    )


def _stop_on_signal(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    # Ctrl-C and `kill` (SIGTERM) both stop everything. SIGINT is set explicitly: a shell that starts the
    # demo in the background (`make run &` in a script) hands it down ignored, and then nothing would stop.
    signal.signal(signal.SIGINT, _stop_on_signal)
    signal.signal(signal.SIGTERM, _stop_on_signal)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": DEV_SETTINGS}  # run_salesforce_emulator is a dev command
    VAR.mkdir(exist_ok=True)
    manage("migrate", "--no-input", "-v", "0", env=env)
    first_start = not (VAR / ".demo-seeded").exists()
    if first_start:
        manage("seed_demo", env=env)
        (VAR / ".demo-seeded").touch()

    supervisor = Supervisor()
    try:
        if "REDIS_URL" not in env:
            supervisor.add("Redis", _start_redis, stop_last=True)  # the worker needs it to stop cleanly
            env["REDIS_URL"] = f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}/0"
        _start_demo(supervisor, env)
        supervisor.run()
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
    finally:
        # A second Ctrl-C must not cut the stop short and leave orphans (the stop kills after 15 s anyway).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        supervisor.stop()


if __name__ == "__main__":
    main()
