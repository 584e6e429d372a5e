"""Records of the org in memory, optionally written through to SQLite, with all-or-none transactions.

Records are never mutated in place: a write replaces the dict, so readers may hold one without a lock."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from salesforce_emulator.ids import object_for_id

_DELETED = object()


class Store:
    """Live records by Id, plus indexes for the look-ups validation makes on every write."""

    def __init__(self, data_path: Path | None = None) -> None:
        self._records: dict[str, dict[str, Any]] = {}
        self._by_object: dict[str, dict[str, dict[str, Any]]] = {}
        self.write_lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        if data_path is not None:
            data_path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(data_path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, object TEXT, data TEXT)"
            )
            self._db.execute("CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, data TEXT)")

    @property
    def persistent(self) -> bool:
        return self._db is not None

    def load_persisted(self) -> bool:
        """Fill memory from SQLite; False when the database holds no org yet."""
        if self._db is None:
            return False
        rows = self._db.execute("SELECT object, data FROM records").fetchall()
        for object_name, data in rows:
            self._put(object_name, json.loads(data))
        return bool(rows)

    def replace_all(self, records: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """Swap the whole org for `records` (object name, record) — used by load and reset."""
        with self.write_lock:
            self._records.clear()
            self._by_object.clear()
            rows = []
            for object_name, record in records:
                self._put(object_name, record)
                rows.append((record["Id"], object_name, json.dumps(record)))
            if self._db is not None:
                with self._sql_transaction():
                    self._db.execute("DELETE FROM records")
                    self._db.executemany("INSERT INTO records VALUES (?, ?, ?)", rows)

    # StoreLike
    def records(self, object_name: str, include_deleted: bool = False) -> list[dict[str, Any]]:
        rows = list(self._by_object.get(object_name, {}).values())
        return rows if include_deleted else [r for r in rows if not r.get("IsDeleted")]

    def get(self, record_id: str) -> dict[str, Any] | None:
        return self._records.get(record_id)

    def count(self, object_name: str) -> int:
        return len(self._by_object.get(object_name, {}))

    def begin(self) -> Transaction:
        return Transaction(self)

    def apply(self, changes: dict[str, Any]) -> None:
        """Make a transaction's staged records live (and durable), in one step."""
        if not changes:
            return
        with self.write_lock:
            rows = []
            for record_id, record in changes.items():
                object_name = object_for_id(record_id) or "Unknown"
                self._put(object_name, record)
                rows.append((record_id, object_name, json.dumps(record)))
            if self._db is not None:
                with self._sql_transaction():
                    self._db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?)", rows)

    def load_state(self, key: str) -> Any:
        if self._db is None:
            return None
        row = self._db.execute("SELECT data FROM state WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_state(self, key: str, value: Any) -> None:
        if self._db is not None:
            with self.write_lock:
                self._db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (key, json.dumps(value)))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _put(self, object_name: str, record: dict[str, Any]) -> None:
        self._records[record["Id"]] = record
        self._by_object.setdefault(object_name, {})[record["Id"]] = record

    @contextmanager
    def _sql_transaction(self) -> Iterator[None]:
        assert self._db is not None
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


class Transaction:
    """Staged writes over the store; reads see them. Commit applies all, rollback none (allOrNone)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.staged: dict[str, dict[str, Any]] = {}

    def records(self, object_name: str, include_deleted: bool = False) -> list[dict[str, Any]]:
        base = self.store.records(object_name, include_deleted=True)
        if self.staged:
            staged = {i: r for i, r in self.staged.items() if object_for_id(i) == object_name}
            base = [staged.pop(r["Id"], r) for r in base] + list(staged.values())
        return base if include_deleted else [r for r in base if not r.get("IsDeleted")]

    def get(self, record_id: str) -> dict[str, Any] | None:
        return self.staged.get(record_id) or self.store.get(record_id)

    def count(self, object_name: str) -> int:
        """Records ever created for the object, deleted ones included (auto-numbers)."""
        new = sum(1 for i in self.staged if self.store.get(i) is None and object_for_id(i) == object_name)
        return self.store.count(object_name) + new

    def put(self, record: dict[str, Any]) -> None:
        self.staged[record["Id"]] = record

    def savepoint(self) -> dict[str, dict[str, Any]]:
        return dict(self.staged)

    def restore(self, savepoint: dict[str, dict[str, Any]]) -> None:
        self.staged = dict(savepoint)

    def commit(self) -> None:
        self.store.apply(self.staged)
        self.staged = {}

    def rollback(self) -> None:
        self.staged = {}
