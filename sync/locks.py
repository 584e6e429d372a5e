"""Redis coordination of the sync: a lock per Salesforce org, and one flush chain per event.

Both are short leases (SYNC_LOCK_TTL_SECONDS, 15 s by default) that the running flush renews every third of
their length from a thread (LeaseKeeper): a batch may take as long as Salesforce makes it, yet a worker that
dies (killed, out of memory, its machine gone) frees its org and its event within one lease, and the sweep
starts the event again.

The org lock: two events connected to one org must not create the same Lead twice. Its token is the Celery
task id: a task redelivered after its worker died (acks_late) carries the same id, so it takes back the lock
its previous run left behind instead of waiting for the lease to end. The holder checks it before every
Salesforce call, stopping (LockLost) when the token is no longer its own, so no second flush takes its rows.

The flush key: at most one flush of an event is queued or running. Its value is the id of the chain's next
(or current) task; a task whose id is not the key's value belongs to a superseded chain and stops."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Self

import redis
from django.conf import settings

_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
_HANDOFF = (
    "local v = redis.call('get', KEYS[1]) "
    "if v == false or v == ARGV[1] then return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) end "
    "return 0"
)
_EXTEND = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end "
    "return 0"
)


class LockLost(Exception):
    """The org lock expired or passed to another flush: nothing more may be written or recorded."""


@lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    # An unreachable Redis fails in seconds: a participant's save enqueues through here.
    return redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=3)


def redis_client() -> redis.Redis:
    return _redis(settings.REDIS_URL)


def lock_ttl_ms() -> int:
    """The length of the org lock's and the running flush's leases."""
    return int(settings.SYNC_LOCK_TTL_SECONDS * 1000)


def org_lock_key(org_key: str) -> str:
    return f"sync:org-lock:{org_key}"


def org_lock_acquire(*, org_key: str, token: str) -> bool:
    client = redis_client()
    key = org_lock_key(org_key)
    if client.set(key, token, nx=True, px=lock_ttl_ms()):
        return True
    # Our own earlier delivery died holding it: take it back (token-checked, never someone else's).
    return bool(client.eval(_EXTEND, 1, key, token, str(lock_ttl_ms())))


def org_lock_extend(*, org_key: str, token: str) -> None:
    """Give the holder another TTL; LockLost when the lock expired or another flush holds it now."""
    if not redis_client().eval(_EXTEND, 1, org_lock_key(org_key), token, str(lock_ttl_ms())):
        raise LockLost(f"the lock of org {org_key} is no longer held by {token}")


def org_lock_release(*, org_key: str, token: str) -> None:
    redis_client().eval(_RELEASE, 1, org_lock_key(org_key), token)


class LeaseKeeper:
    """Renews a lease every third of its length from a thread while the work it covers goes on; `renew`
    returns False once the lease is someone else's, and the keeper stops (`lost`). A Redis blip is tried
    again at the next beat, well before the lease ends."""

    def __init__(self, *, name: str, renew: Callable[[], bool]) -> None:
        self._renew = renew
        self._stop = threading.Event()
        self.lost = threading.Event()
        self._thread = threading.Thread(target=self._keep, name=name, daemon=True)

    def _keep(self) -> None:
        while not self._stop.wait(lock_ttl_ms() / 3000):
            try:
                if not self._renew():
                    self.lost.set()
                    return
            except redis.RedisError:
                continue

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class OrgLockKeeper(LeaseKeeper):
    """Keeps a held org lock alive while the batch runs (a Salesforce call may outlast the lease: a slow
    org, a timeout, a refresh waiting on its own lock). `check()`, before each call, raises LockLost once
    the lock is gone: nothing more is written."""

    def __init__(self, *, org_key: str, token: str) -> None:
        self.org_key, self.token = org_key, token
        super().__init__(name=f"org-lock-{org_key}", renew=self._extend)

    def _extend(self) -> bool:
        try:
            org_lock_extend(org_key=self.org_key, token=self.token)
        except LockLost:
            return False
        return True

    def check(self) -> None:
        if self.lost.is_set():
            raise LockLost(f"the lock of org {self.org_key} expired")
        org_lock_extend(org_key=self.org_key, token=self.token)


# --- One flush chain per event --------------------------------------------------------------------------

def _flush_key(event_id: int) -> str:
    return f"sync:flush:{event_id}"


def flush_claim(*, event_id: int, task_id: str, seconds: float, replace: bool = False) -> bool:
    """Make `task_id` the event's one queued-or-running flush for `seconds`; False when another holds it
    (unless `replace`: a force synchronization supersedes a chain waiting out a backoff)."""
    ms = max(1000, int(seconds * 1000))
    return bool(redis_client().set(_flush_key(event_id), task_id, px=ms, nx=not replace))


def flush_handoff(*, event_id: int, previous: str, task_id: str, seconds: float) -> bool:
    """The running flush `previous` passes the event's claim to its successor `task_id`; False when
    another chain took the event meanwhile (it carries on instead)."""
    ms = max(1000, int(seconds * 1000))
    return bool(redis_client().eval(_HANDOFF, 1, _flush_key(event_id), previous, task_id, str(ms)))


def flush_owns(*, event_id: int, task_id: str, seconds: float) -> bool:
    """True (and the claim extended) when `task_id` is the event's flush, or when no flush is (the key
    expired: a lost message, a worker gone); False when another chain holds the event."""
    ms = max(1000, int(seconds * 1000))
    client = redis_client()
    if client.eval(_EXTEND, 1, _flush_key(event_id), task_id, str(ms)):
        return True
    return bool(client.set(_flush_key(event_id), task_id, px=ms, nx=True))


def flush_claim_keeper(*, event_id: int, task_id: str) -> LeaseKeeper:
    """Keeps the running flush's claim on its event for as long as it runs; should another chain take the
    event meanwhile (a force synchronization), this flush finishes its batch and that chain carries on."""

    def renew() -> bool:
        return bool(redis_client().eval(_EXTEND, 1, _flush_key(event_id), task_id, str(lock_ttl_ms())))

    return LeaseKeeper(name=f"flush-claim-{event_id}", renew=renew)


def flush_release(*, event_id: int, task_id: str) -> None:
    redis_client().eval(_RELEASE, 1, _flush_key(event_id), task_id)
