"""A real Celery worker in a subprocess, on the test database and the test Redis."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """The URL of the database the tests run on, for another process to open it."""
    params = connection.settings_dict
    if params["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(params['NAME']).resolve()}"
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{params['NAME']}"


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    log_path: Path
    env: dict = field(repr=False)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """Kill the worker and its pool children at once, as a crash would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_worker(
    *, redis_url: str, queue: str, log_path: Path, extra_env: dict | None = None, concurrency: int = 2,
    beat: bool = False,
) -> WorkerProcess:
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        **(extra_env or {}),
    }
    args = [
        sys.executable, "-m", "celery", "-A", "backoffice", "worker", "--loglevel=INFO",
        f"--concurrency={concurrency}", "--without-gossip", "--without-mingle", "-Q", queue,
        "-n", f"{queue}@%h",
    ]
    if beat:
        args.append("--beat")
        args.append(f"--schedule={log_path.with_suffix('.beat')}")
    log = log_path.open("w")
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    worker = WorkerProcess(process, log_path, env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if "ready." in worker.log():
            return worker
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited early:\n{worker.log()}")
        time.sleep(0.2)
    worker.kill()
    raise RuntimeError(f"Celery worker not ready within 60 s:\n{worker.log()}")
