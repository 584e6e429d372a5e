"""API calls per second the emulator sustains with 8 concurrent keep-alive clients; prints one JSON line.

python bench/emulator.py [--seconds-per-case 3] [--clients 8] [--client-processes 2]

The server runs alone in its own process (an in-memory org over HTTPS on loopback, the same
EmulatorServer as `manage.py run_salesforce_emulator --memory`), so the clients' TLS and JSON work
does not compete with it for the GIL. The clients are keep-alive simple-salesforce sessions: threads
spread over --client-processes processes. Every loop is bounded by time and by a call count.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MAX_CALLS_PER_CLIENT = 5000  # bounds each case even on a fast machine


def _single_create(sf: Any, n: int) -> None:
    sf.Lead.create({"LastName": f"Bench {n}", "Company": "Bench"})


def _collection_create(sf: Any, n: int) -> None:
    results = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "records": [
                {"attributes": {"type": "Lead"}, "LastName": f"Bench {n}-{i}", "Company": "Bench"}
                for i in range(200)
            ]
        },
    )
    assert all(r["success"] for r in results), results[:1]


def _query(sf: Any, n: int) -> None:
    sf.query("SELECT Id, Name FROM Campaign WHERE Name = 'World Tour Paris 2026'")


CASES = {
    "single_create_calls_per_s": _single_create,
    "collections_200_create_calls_per_s": _collection_create,
    "simple_query_calls_per_s": _query,
}


def _serve(cert_dir: str, connection: Any, clients: int) -> None:
    """The server process: an in-memory org; sends its URL, CA and one token per client, then serves."""
    from salesforce_emulator.server import EmulatorServer

    # Far above what the bench can spend: at ~1,700 calls/s the default 15,000 a day ran out mid-run.
    server = EmulatorServer(cert_dir=cert_dir, daily_api_limit=100_000_000).start()
    tokens = [server.issue_token() for _ in range(clients)]
    connection.send((server.url, str(server.ca_path), tokens, os.getpid()))
    connection.recv()  # blocks until the benchmark is over
    server.stop()


def _client(url: str, ca_path: str, token: str) -> Any:
    import requests
    from simple_salesforce import Salesforce

    session = requests.Session()
    session.verify = ca_path
    session.trust_env = False  # REQUESTS_CA_BUNDLE would override verify
    return Salesforce(instance_url=url, session_id=token, session=session, version="62.0")


def _drive(url: str, ca_path: str, tokens: list[str], case: str, seconds: float, start_at: float) -> int:
    """One client process: a thread per token, all starting at `start_at`; returns the calls made."""
    call = CASES[case]
    clients = [_client(url, ca_path, token) for token in tokens]
    for sf in clients:  # open the keep-alive connection (TLS handshake) before the clock starts
        sf.query("SELECT Id FROM User LIMIT 1")

    def run(sf: Any) -> int:
        while time.time() < start_at:
            time.sleep(0.001)
        deadline, calls = start_at + seconds, 0
        while time.time() < deadline and calls < MAX_CALLS_PER_CLIENT:
            call(sf, calls)
            calls += 1
        return calls

    with ThreadPoolExecutor(len(clients)) as pool:
        try:
            return sum(pool.map(run, clients))
        except Exception as exc:  # simple-salesforce's errors do not survive pickling back to the parent
            raise RuntimeError(f"{case}: {exc!r}") from None


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), to tell a busy server from a waiting one."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(
    pool: Any, url: str, ca_path: str, groups: list[list[str]], case: str, seconds: float, server_pid: int
) -> tuple[float, float | None]:
    """(calls per second, the server's CPU use in % of one core) over the case."""
    start_at = time.time() + 1.5  # lets every client process connect first
    jobs = [pool.apply_async(_drive, (url, ca_path, g, case, seconds, start_at)) for g in groups]
    time.sleep(max(0.0, start_at - time.time()))
    cpu_before = _cpu_seconds(server_pid)
    total = sum(job.get(timeout=seconds + 120) for job in jobs)
    elapsed = time.time() - start_at
    cpu_after = _cpu_seconds(server_pid)
    busy = None
    if cpu_before is not None and cpu_after is not None:
        busy = round(100 * (cpu_after - cpu_before) / elapsed)
    return round(total / elapsed, 1), busy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds-per-case", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--client-processes", type=int, default=2)
    options = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as certs:
        parent_end, child_end = context.Pipe()
        server = context.Process(target=_serve, args=(certs, child_end, options.clients), daemon=True)
        server.start()
        try:
            if not parent_end.poll(60):
                raise SystemExit("the emulator process did not start within 60 s")
            url, ca_path, tokens, server_pid = parent_end.recv()
            processes = max(1, min(options.client_processes, options.clients))
            groups = [tokens[i::processes] for i in range(processes)]
            figures: dict[str, Any] = {
                "clients": options.clients,
                "layout": (
                    f"server: 1 process (pid {server_pid}, threaded HTTPS, in-memory org); clients: "
                    f"{options.clients} keep-alive simple-salesforce sessions as threads in {processes} "
                    f"other process(es); loopback; {os.cpu_count()} CPUs"
                ),
            }
            busy: dict[str, float | None] = {}
            with context.Pool(processes) as pool:
                for case in CASES:
                    figures[case], busy[case.removesuffix("_calls_per_s")] = _measure(
                        pool, url, ca_path, groups, case, options.seconds_per_case, server_pid
                    )
            figures["server_cpu_percent_of_one_core"] = busy
            figures["collections_200_records_per_s"] = round(
                figures["collections_200_create_calls_per_s"] * 200
            )
        finally:
            parent_end.send("stop")
            server.join(10)
            if server.is_alive():
                server.kill()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
