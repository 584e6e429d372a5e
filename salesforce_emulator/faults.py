"""Injected failures and the API usage counter: what `/__emulator__/faults` and `/stats` act on."""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

FAULT_KEYS = ("latency_ms", "fail_next", "status", "timeout_next", "timeout_seconds", "lock_records")


@dataclass
class Faults:
    latency_ms: int = 0
    fail_next: int = 0
    status: int = 500
    timeout_next: int = 0
    timeout_seconds: float = 30.0
    lock_records: frozenset[str] = frozenset()
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def set(self, values: dict[str, Any]) -> None:
        with self._lock:
            for key in FAULT_KEYS:
                if key in values:
                    value = values[key]
                    setattr(self, key, frozenset(value or []) if key == "lock_records" else value)

    def take_failure(self) -> int | None:
        with self._lock:
            if self.fail_next <= 0:
                return None
            self.fail_next -= 1
            return self.status

    def take_timeout(self) -> bool:
        with self._lock:
            if self.timeout_next <= 0:
                return False
            self.timeout_next -= 1
            return True

    def clear(self) -> None:
        self.set(
            {
                "latency_ms": 0,
                "fail_next": 0,
                "status": 500,
                "timeout_next": 0,
                "timeout_seconds": 30.0,
                "lock_records": [],
            }
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "fail_next": self.fail_next,
            "status": self.status,
            "timeout_next": self.timeout_next,
            "timeout_seconds": self.timeout_seconds,
            "lock_records": sorted(self.lock_records),
        }


@dataclass
class Usage:
    """API calls counted the Salesforce way, and the latest calls for the people page."""

    daily_api_limit: int
    api_calls: int = 0
    by_endpoint: Counter = field(default_factory=Counter)
    # Composite calls by what they carried ("query", "collections", "record+collections", …): one counted
    # call says little about its cost driver, and benchmarks break their calls down by it.
    composite_kinds: Counter = field(default_factory=Counter)
    recent: deque = field(default_factory=lambda: deque(maxlen=50))
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def try_count(self, endpoint: str) -> bool:
        """Count one call; False (nothing counted) when the daily allocation is used up."""
        with self._lock:
            if self.api_calls >= self.daily_api_limit:
                return False
            self.api_calls += 1
            self.by_endpoint[endpoint] += 1
            return True

    def note_composite(self, kinds: str) -> None:
        with self._lock:
            self.composite_kinds[kinds] += 1

    def record(self, method: str, path: str, status: int) -> None:
        self.recent.appendleft((time.strftime("%H:%M:%S"), method, path[:160], status))

    def header(self) -> str:
        return f"api-usage={self.api_calls}/{self.daily_api_limit}"

    def reset(self) -> None:
        with self._lock:
            self.api_calls = 0
            self.by_endpoint.clear()
            self.composite_kinds.clear()
            self.recent.clear()

    def stats(self) -> dict[str, Any]:
        return {
            "api_calls": self.api_calls,
            "by_endpoint": dict(self.by_endpoint),
            "composite_kinds": dict(self.composite_kinds),
            "daily_api_limit": self.daily_api_limit,
        }
