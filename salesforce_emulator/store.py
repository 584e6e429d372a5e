"""Records of the org in memory, optionally written through to SQLite, with all-or-none transactions.

Records are never mutated in place: a write replaces the dict, so readers may hold one without a lock.
The look-ups validation makes on every write (duplicate rules, campaign member uniqueness) go through
indexes, so a write costs O(1) instead of a scan of the object's table: O(n^2) over a sync of n records.
So do SOQL's Email filters (the sync's look-ups of a thousand emails per batch): `records_by_keys`."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any

from salesforce_emulator.ids import object_for_id
from salesforce_emulator.matching import name_keys

_ABSENT = object()
Keys = Callable[[dict[str, Any]], tuple[Any, ...]]


def _email(record: dict[str, Any]) -> tuple[Any, ...]:
    email = record.get("Email")
    return (email.lower(),) if email else ()


def _folded_email(record: dict[str, Any]) -> tuple[Any, ...]:
    """(object, Email as SOQL compares it: case-folded, the empty string as null): `Email IN (...)` reads
    this index. The object in the key keeps a Lead query off the CampaignMembers of the same address."""
    email = record.get("Email")
    return () if email in (None, "") else ((object_for_id(record["Id"]), str(email).casefold()),)


def _member(record: dict[str, Any]) -> tuple[Any, ...]:
    campaign_id = record.get("CampaignId")
    return tuple((campaign_id, p) for p in (record.get("LeadId"), record.get("ContactId")) if p)


def _member_person(record: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(p for p in (record.get("LeadId"), record.get("ContactId")) if p)


def _campaign(record: dict[str, Any]) -> tuple[Any, ...]:
    return (record.get("CampaignId"),)


def _member_status(record: dict[str, Any]) -> tuple[Any, ...]:
    return ((record.get("CampaignId"), record.get("Status")),)


# index name -> (objects indexed, keys of a record). Deleted records have no keys.
INDEXES: dict[str, tuple[tuple[str, ...], Keys]] = {
    "email": (("Lead", "Contact"), _email),  # lower-case Email: upsert on Email
    "soql_email": (("Lead", "Contact", "CampaignMember"), _folded_email),  # SOQL's Email filters
    "person_name": (("Lead", "Contact"), name_keys),  # folded last and first names: the matching rules
    "member": (("CampaignMember",), _member),  # (CampaignId, LeadId or ContactId): DUPLICATE_VALUE
    "member_person": (("CampaignMember",), _member_person),  # LeadId or ContactId: copies that follow
    "member_status": (("CampaignMember",), _member_status),  # (CampaignId, Status): a status in use
    "statuses": (("CampaignMemberStatus",), _campaign),  # CampaignId: a campaign's statuses
}
# Look-ups a write repeats for each of its records (a campaign's statuses, for every member), answered
# again from the transaction's memo until a record of that index is staged or undone, or the store changes.
_MEMOIZED = frozenset({"statuses"})
_INDEXED: dict[str, list[tuple[str, Keys]]] = {}
for _name, (_objects, _index_keys) in INDEXES.items():
    for _object in _objects:
        _INDEXED.setdefault(_object, []).append((_name, _index_keys))


def _keys(keys: Keys, record: dict[str, Any] | None) -> tuple[Any, ...]:
    return () if record is None or record.get("IsDeleted") else keys(record)


class Store:
    """Live records by Id, plus indexes for the look-ups validation makes on every write."""

    def __init__(self, data_path: Path | None = None) -> None:
        self._records: dict[str, dict[str, Any]] = {}
        self._by_object: dict[str, dict[str, dict[str, Any]]] = {}
        self._positions: dict[str, int] = {}  # Id -> rank in its object's table (records() order)
        self._indexes: dict[str, dict[Any, set[str]]] = {name: {} for name in INDEXES}
        self.write_lock = threading.RLock()
        self.version = 0  # commits so far: what a transaction's memo of look-ups was taken at
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
            self._positions.clear()
            for index in self._indexes.values():
                index.clear()
            self.version += 1
            rows = []
            for object_name, record in records:
                self._put(object_name, record)
                if self._db is not None:
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

    def indexed_ids(self, index: str, key: Any) -> set[str]:
        """Ids of the live records whose `index` keys include `key` (a copy: writers change the sets)."""
        return set(self._indexes[index].get(key, ()))

    def begin(self) -> Transaction:
        return Transaction(self)

    def apply(self, changes: dict[str, Any], keyed: dict[str, tuple[dict, list]] | None = None) -> None:
        """Make a transaction's staged records live (and durable), in one step. `keyed`: Id -> (record, its
        keys in each index of its object), as the transaction computed them when it staged that record."""
        if not changes:
            return
        keyed = keyed or {}
        with self.write_lock:
            self.version += 1
            rows = []
            for record_id, record in changes.items():
                object_name = object_for_id(record_id) or "Unknown"
                known = keyed.get(record_id)
                self._put(object_name, record, known[1] if known is not None and known[0] is record else None)
                if self._db is not None:
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

    def _put(self, object_name: str, record: dict[str, Any], new_keys: list | None = None) -> None:
        record_id = record["Id"]
        previous = self._records.get(record_id)
        self._records[record_id] = record
        table = self._by_object.setdefault(object_name, {})
        if record_id not in table:
            self._positions[record_id] = len(self._positions)
        table[record_id] = record
        live = not record.get("IsDeleted")  # `_keys`, the deleted test made once for all indexes
        for position, (name, keys) in enumerate(_INDEXED.get(object_name, ())):
            if new_keys is not None:
                new = new_keys[position]
            else:
                new = keys(record) if live else ()
            if previous is None:  # a record the store did not hold: nothing to take out of the index
                index = self._indexes[name]
                for key in new:
                    index.setdefault(key, set()).add(record_id)
                continue
            old = _keys(keys, previous)
            if old == new:
                continue
            index = self._indexes[name]
            for key in old:
                holders = index.get(key)
                if holders is not None:
                    holders.discard(record_id)
                    if not holders:
                        del index[key]
            for key in new:
                index.setdefault(key, set()).add(record_id)

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
    """Staged writes over the store; reads see them. Commit applies all, rollback none (allOrNone).

    A savepoint is a position in an undo log, so taking one (on every write) costs nothing. Staged
    records are indexed too; those index entries may outlive a restore, so `lookup` re-checks each
    record it returns against its current keys."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.staged: dict[str, dict[str, Any]] = {}
        self._undo: list[tuple[str, Any]] = []  # (Id, staged value before the put, or _ABSENT)
        self._new: dict[str, int] = {}  # staged records the store has never held, by object
        self._staged_ranks: dict[str, int] = {}  # Id -> when it entered `staged` (that dict's order)
        # Id -> (record, its keys per index of its object): the store indexes the records it is handed at
        # commit with these rather than computing them again (when the record is still the one staged).
        self._keyed: dict[str, tuple[dict[str, Any], list[tuple[Any, ...]]]] = {}
        self._memo: dict[str, dict[Any, list[dict[str, Any]]]] = {}  # index -> key -> lookup's answer
        self._memo_version = store.version
        self._next_rank = 0
        self._index: dict[str, dict[Any, set[str]]] = {name: {} for name in INDEXES}

    def records(self, object_name: str, include_deleted: bool = False) -> list[dict[str, Any]]:
        base = self.store.records(object_name, include_deleted=True)
        if self.staged:
            staged = {i: r for i, r in self.staged.items() if object_for_id(i) == object_name}
            if staged:
                base = [staged.pop(r["Id"], r) for r in base] + list(staged.values())
        return base if include_deleted else [r for r in base if not r.get("IsDeleted")]

    def get(self, record_id: str) -> dict[str, Any] | None:
        return self.staged.get(record_id) or self.store.get(record_id)

    def lookup(self, index: str, key: Any) -> list[dict[str, Any]]:
        """Live records (staged ones as staged) whose `index` keys include `key`, by Id."""
        if index not in _MEMOIZED:
            return self._lookup(index, key)
        if self._memo_version != self.store.version:
            self._memo, self._memo_version = {}, self.store.version
        memo = self._memo.setdefault(index, {})
        if key not in memo:
            memo[key] = self._lookup(index, key)
        return list(memo[key])  # the caller's own list

    def _lookup(self, index: str, key: Any) -> list[dict[str, Any]]:
        if key not in self.store._indexes[index] and key not in self._index[index]:
            return []  # most look-ups of a write (a new name, a new membership) find nothing
        candidates = self.store.indexed_ids(index, key)
        candidates.update(self._index[index].get(key, ()))
        keys = INDEXES[index][1]
        found = []
        for record_id in sorted(candidates):
            record = self.get(record_id)
            if record is not None and key in _keys(keys, record):
                found.append(record)
        return found

    def records_by_keys(self, object_name: str, index: str, keys: set[Any]) -> list[dict[str, Any]]:
        """The live records of `object_name` whose `index` keys include one of `keys`, in `records()` order:
        what a scan filtering on the indexed value would find, found through the index. (The keys of an
        index spanning several objects carry the object: "soql_email".)"""
        store_index, staged_index = self.store._indexes[index], self._index[index]
        candidates: set[str] = set()
        for key in keys:
            candidates.update(store_index.get(key, ()))  # one C call: no writer changes the set meanwhile
            candidates.update(staged_index.get(key, ()))
        index_keys = INDEXES[index][1]
        staged, held, positions = self.staged, self.store._records, self.store._positions
        # records() lists the store's records in its order, then the staged new ones in staging order.
        after_store = len(positions)
        ranked = []
        for record_id in candidates:
            if object_for_id(record_id) != object_name:
                continue
            record = staged.get(record_id) or held.get(record_id)
            if record is None or keys.isdisjoint(_keys(index_keys, record)):
                continue  # a staged entry a savepoint undid, or a deleted record
            position = positions.get(record_id)
            rank = position if position is not None else after_store + self._staged_ranks[record_id]
            ranked.append((rank, record))
        ranked.sort(key=itemgetter(0))
        return [record for _, record in ranked]

    def count(self, object_name: str) -> int:
        """Records ever created for the object, deleted ones included (auto-numbers)."""
        return self.store.count(object_name) + self._new.get(object_name, 0)

    def put(self, record: dict[str, Any]) -> None:
        record_id = record["Id"]
        previous = self.staged.get(record_id, _ABSENT)
        self._undo.append((record_id, previous))
        object_name = object_for_id(record_id) or "Unknown"
        if previous is _ABSENT:
            self._staged_ranks[record_id] = self._next_rank
            self._next_rank += 1
            if self.store.get(record_id) is None:
                self._new[object_name] = self._new.get(object_name, 0) + 1
        self.staged[record_id] = record
        indexed = _INDEXED.get(object_name, ())
        self._forget(indexed)
        if record.get("IsDeleted"):  # deleted records have no keys
            self._keyed[record_id] = (record, [()] * len(indexed))
            return
        keyed = []
        for name, keys in indexed:
            index = self._index[name]
            new = keys(record)
            keyed.append(new)
            for key in new:
                index.setdefault(key, set()).add(record_id)
        self._keyed[record_id] = (record, keyed)

    def savepoint(self) -> int:
        return len(self._undo)

    def restore(self, savepoint: int) -> None:
        while len(self._undo) > savepoint:
            record_id, previous = self._undo.pop()
            self._forget(_INDEXED.get(object_for_id(record_id) or "Unknown", ()))
            if previous is not _ABSENT:
                self.staged[record_id] = previous
                continue
            del self.staged[record_id]
            del self._staged_ranks[record_id]
            if self.store.get(record_id) is None:
                self._new[object_for_id(record_id) or "Unknown"] -= 1

    def _forget(self, indexed: Iterable[tuple[str, Keys]]) -> None:
        """Drop the memo of the indexes a staged or undone record belongs to."""
        if self._memo:
            for name, _ in indexed:
                self._memo.pop(name, None)

    def commit(self) -> None:
        self.store.apply(self.staged, self._keyed)
        self.rollback()

    def rollback(self) -> None:
        self.staged = {}
        self._undo = []
        self._new = {}
        self._staged_ranks = {}
        self._keyed = {}
        self._memo = {}
        self._index = {name: {} for name in INDEXES}
