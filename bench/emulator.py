"""API calls per second the emulator sustains with 8 concurrent keep-alive clients; prints one JSON line.

python bench/emulator.py [--seconds-per-case 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from salesforce_emulator.server import EmulatorServer  # noqa: E402

CLIENTS = 8
MAX_CALLS_PER_CLIENT = 400  # bounds each case even on a fast machine


def _single_create(sf, n: int) -> None:
    sf.Lead.create({"LastName": f"Bench {n}", "Company": "Bench"})


def _collection_create(sf, n: int) -> None:
    sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "records": [
                {"attributes": {"type": "Lead"}, "LastName": f"Bench {n}-{i}", "Company": "Bench"}
                for i in range(200)
            ]
        },
    )


def _query(sf, n: int) -> None:
    sf.query("SELECT Id, Name FROM Campaign WHERE Name = 'World Tour Paris 2026'")


def _measure(server: EmulatorServer, call, seconds: float) -> float:
    clients = [server.client() for _ in range(CLIENTS)]

    def run(sf) -> int:
        deadline, calls = time.monotonic() + seconds, 0
        while time.monotonic() < deadline and calls < MAX_CALLS_PER_CLIENT:
            call(sf, calls)
            calls += 1
        return calls

    start = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        total = sum(pool.map(run, clients))
    return round(total / (time.monotonic() - start), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds-per-case", type=float, default=3.0)
    seconds = parser.parse_args().seconds_per_case
    with tempfile.TemporaryDirectory() as certs, EmulatorServer(cert_dir=certs) as server:
        figures = {
            "clients": CLIENTS,
            "single_create_calls_per_s": _measure(server, _single_create, seconds),
            "collections_200_create_calls_per_s": _measure(server, _collection_create, seconds),
            "simple_query_calls_per_s": _measure(server, _query, seconds),
        }
        figures["collections_200_records_per_s"] = round(figures["collections_200_create_calls_per_s"] * 200)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
