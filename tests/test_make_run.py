"""`make run` keeps its processes alive: one that exits is restarted with a backoff and a log line, and
Ctrl-C still stops every process it started."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from backoffice import supervisor as supervision
from backoffice.demo_runner import emulator_command
from backoffice.embedded_redis import free_port
from backoffice.supervisor import Supervisor
from salesforce_emulator.org import load_org

ROOT = Path(__file__).resolve().parent.parent


def _exits_at_once(code: int = 3):
    return lambda: subprocess.Popen([sys.executable, "-c", f"raise SystemExit({code})"],
                                    start_new_session=True)


def _exited(child) -> None:
    child.process.wait(timeout=30)


def test_a_process_that_keeps_exiting_is_restarted_after_a_doubling_backoff_that_resets_once_it_runs(capsys):
    now = [0.0]
    supervisor = Supervisor(clock=lambda: now[0])
    child = supervisor.add("crasher", _exits_at_once())
    for expected_delay in (1, 2, 4, 8, 16, 30, 30):
        _exited(child)
        supervisor.tick()
        assert f"crasher exited with code 3 after 0.0 s; restarting it in {expected_delay} s" in \
            capsys.readouterr().err
        now[0] += expected_delay - 0.1
        supervisor.tick()
        assert child.restart_at is not None  # still waiting out its backoff
        now[0] += 0.1
        supervisor.tick()
        assert child.restart_at is None and "crasher restarted (pid" in capsys.readouterr().err
    assert child.restarts == 7
    _exited(child)
    now[0] += supervision.STABLE_SECONDS  # it ran a minute before exiting: back to the first delay
    supervisor.tick()
    assert "after 60.0 s; restarting it in 1 s" in capsys.readouterr().err


def test_a_process_that_cannot_start_again_is_retried_at_the_next_beat(capsys):
    now = [0.0]
    attempts = []

    def start():
        attempts.append(now[0])
        if len(attempts) > 1:
            raise RuntimeError("port 6390 taken")
        return _exits_at_once()()

    supervisor = Supervisor(clock=lambda: now[0])
    child = supervisor.add("Redis", start)
    _exited(child)
    supervisor.tick()
    now[0] += 1
    supervisor.tick()
    assert "Redis could not start: port 6390 taken" in capsys.readouterr().err
    now[0] += 0.5
    supervisor.tick()
    assert "Redis exited with code none (it did not start)" in capsys.readouterr().err
    now[0] += 2
    supervisor.tick()
    assert attempts == [0.0, 1.0, 3.5]


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _workers(runner: psutil.Process) -> list[psutil.Process]:
    workers = []
    for child in runner.children():
        try:
            if "celery" in " ".join(child.cmdline()):
                workers.append(child)
        except psutil.Error:  # it exited meanwhile
            continue
    return workers


@pytest.fixture
def demo_runner(tmp_path):
    web = f"127.0.0.1:{free_port()}"
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var"), "WEB_ADDRESS": web,
           "EMULATOR_PORT": str(free_port()), "EMBEDDED_REDIS_PORT": str(free_port())}
    for name in ("REDIS_URL", "DATABASE_URL", "CELERY_QUEUE"):  # the embedded defaults, as `make run`
        env.pop(name, None)
    log_path = tmp_path / "make-run.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "backoffice.demo_runner"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    yield process, f"http://{web}", log_path
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_make_run_restarts_a_killed_worker_with_a_log_line_and_ctrl_c_stops_every_process(demo_runner):
    process, url, log_path = demo_runner
    _wait(lambda: _answers(f"{url}/accounts/login/"), 180, "the web server of make run")
    runner = psutil.Process(process.pid)
    _wait(lambda: _workers(runner), 30, "the worker")
    (worker,) = _workers(runner)
    os.killpg(worker.pid, signal.SIGKILL)  # the worker and its pool, as the out-of-memory killer would
    _wait(lambda: "Celery worker restarted" in log_path.read_text(), 30, "the restart")
    log = log_path.read_text()
    assert "Celery worker exited with code -9 after" in log and "restarting it in 1 s" in log
    (new_worker,) = _workers(runner)
    assert new_worker.pid != worker.pid and new_worker.is_running()
    assert process.poll() is None  # the rest went on: the web server still answers
    assert _answers(f"{url}/accounts/login/")

    started = runner.children(recursive=True)  # Redis, the emulator, the worker and its pool, the web server
    assert len(started) >= 4
    os.kill(process.pid, signal.SIGINT)  # Ctrl-C
    assert process.wait(timeout=40) == 0
    gone, alive = psutil.wait_procs(started, timeout=5)
    assert not alive, f"still running after Ctrl-C: {[(p.pid, p.name()) for p in alive]}"
    assert "Stopping" in log_path.read_text()


def test_the_demo_emulator_accepts_the_callback_of_the_configured_web_address(tmp_path):
    """WEB_ADDRESS 127.0.0.1:8001: the demo connected app must accept that callback, or the OAuth popup of
    the demo ends on Salesforce's redirect_uri_mismatch page."""
    command = emulator_command({"SITE_URL": "http://127.0.0.1:8001"}, tmp_path)
    callback = command[command.index("--callback-url") + 1]
    key = command[command.index("--consumer-key") + 1]
    assert callback == "http://127.0.0.1:8001/salesforce/oauth/callback/"
    org = load_org()  # what run_salesforce_emulator does with these arguments
    org.add_app(key, command[command.index("--consumer-secret") + 1], [callback])
    assert org.app(key).callback_urls[-2:] == ["http://localhost:8000/salesforce/oauth/callback/", callback]
