"""Keeps `make run`'s processes alive: one that exits is started again after a backoff, with a log line.

A process that ran for STABLE_SECONDS before exiting is restarted after RESTART_BASE_SECONDS; one that keeps
exiting sooner waits twice as long each time, up to RESTART_MAX_SECONDS, so a process that cannot start
(a port taken, a broken setting) does not spin. `stop()` ends them all: the ones marked `stop_last` (Redis,
which the worker needs to shut down cleanly) after the others."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

RESTART_BASE_SECONDS = 1.0
RESTART_MAX_SECONDS = 30.0
STABLE_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0


def log(message: str) -> None:
    print(f"[make run] {message}", file=sys.stderr, flush=True)


@dataclass
class Supervised:
    name: str
    start: Callable[[], subprocess.Popen]
    stop_last: bool = False
    process: subprocess.Popen | None = None  # None: its last start failed
    started_at: float = 0.0
    quick_exits: int = 0  # exits in a row, each within STABLE_SECONDS of its start
    restart_at: float | None = None
    restarts: int = 0

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Supervisor:
    clock: Callable[[], float] = time.monotonic
    children: list[Supervised] = field(default_factory=list)

    def add(self, name: str, start: Callable[[], subprocess.Popen], *, stop_last: bool = False) -> Supervised:
        """Start a process (`start` puts it in its own process group) and keep it running."""
        child = Supervised(name, start, stop_last, process=start(), started_at=self.clock())
        self.children.append(child)
        return child

    def tick(self) -> None:
        """Notice the processes that exited and restart those whose backoff is over."""
        now = self.clock()
        for child in self.children:
            if child.restart_at is None and not child.running:
                self._schedule_restart(child, now)
            if child.restart_at is not None and now >= child.restart_at:
                self._restart(child, now)

    def _schedule_restart(self, child: Supervised, now: float) -> None:
        ran = now - child.started_at
        child.quick_exits = child.quick_exits + 1 if ran < STABLE_SECONDS else 1
        delay = min(RESTART_BASE_SECONDS * 2 ** (child.quick_exits - 1), RESTART_MAX_SECONDS)
        child.restart_at = now + delay
        code = child.process.returncode if child.process else "none (it did not start)"
        log(f"{child.name} exited with code {code} after {ran:.1f} s; restarting it in {delay:g} s")

    def _restart(self, child: Supervised, now: float) -> None:
        child.started_at, child.restart_at = now, None
        try:
            child.process = child.start()
        except Exception as exc:  # it could not even start (a port still taken): the next tick retries
            child.process = None
            log(f"{child.name} could not start: {exc}")
            return
        child.restarts += 1
        log(f"{child.name} restarted (pid {child.process.pid})")

    def run(self, poll_seconds: float = 0.5) -> None:
        while True:
            self.tick()
            time.sleep(poll_seconds)

    def stop(self) -> None:
        stop_processes([c.process for c in self.children if c.process and not c.stop_last])
        stop_processes([c.process for c in self.children if c.process and c.stop_last])


def stop_processes(processes: list[subprocess.Popen]) -> None:
    """SIGTERM to each process group, SIGKILL to those still there after STOP_TIMEOUT_SECONDS."""
    running = [p for p in processes if p.poll() is None]
    for process in running:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass
