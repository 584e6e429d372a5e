"""Redis coordination of the sync: a lock per Salesforce org, and one flush chain per event.

The org lock: two events connected to one org must not create the same Lead twice. Its token is the Celery
task id: a task redelivered after its worker died (acks_late) carries the same id, so it takes back the lock
its previous run left behind instead of waiting for the TTL. The holder keeps it alive (OrgLockKeeper) and
checks it before every Salesforce call, stopping (LockLost) when the token is no longer its own: a batch may
outlive any fixed TTL, and no second flush takes its rows meanwhile.

The flush key: at most one flush of an event is queued or running. Its value is the id of the chain's next
(or current) task; a task whose id is not the key's value belongs to a superseded chain and stops."""

from __future__ import annotations

import threading
from functools import lru_cache

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
    return redis.Redis.from_url(url, socket_timeout=10)


def redis_client() -> redis.Redis:
    return _redis(settings.REDIS_URL)


def lock_ttl_ms() -> int:
    return int(settings.SYNC_LOCK_TTL_SECONDS * 1000)


def org_lock_key(org_key: str) -> str:
    return f"sync:org-lock:{org_key}"


def org_lock_acquire(*, org_key: str, token: str) -> bool:
    client = redis_client()
    key = org_lock_key(org_key)
    if client.set(key, token, nx=True, px=lock_ttl_ms()):
        return True
    # Our own earlier delivery died holding it: take it back (token-checked, never someone else's).
    return bool(client.eval(_EXTEND, 1, key, token, lock_ttl_ms()))


def org_lock_extend(*, org_key: str, token: str) -> None:
    """Give the holder another TTL; LockLost when the lock expired or another flush holds it now."""
    if not redis_client().eval(_EXTEND, 1, org_lock_key(org_key), token, lock_ttl_ms()):
        raise LockLost(f"the lock of org {org_key} is no longer held by {token}")


def org_lock_release(*, org_key: str, token: str) -> None:
    redis_client().eval(_RELEASE, 1, org_lock_key(org_key), token)


class OrgLockKeeper:
    """Keeps a held org lock alive while one Salesforce call is in flight: a call may outlast the TTL (a
    slow org, a timeout, a refresh waiting on its own lock), so a thread extends it every third of the
    TTL. `check()`, before each call, raises LockLost once the lock is gone: nothing more is written."""

    def __init__(self, *, org_key: str, token: str) -> None:
        self.org_key, self.token = org_key, token
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._thread = threading.Thread(target=self._keep, name=f"org-lock-{org_key}", daemon=True)

    def _keep(self) -> None:
        while not self._stop.wait(lock_ttl_ms() / 3000):
            try:
                org_lock_extend(org_key=self.org_key, token=self.token)
            except LockLost:
                self._lost.set()
                return
            except redis.RedisError:  # a blip: the next beat (or check) tries again before the TTL ends
                continue

    def check(self) -> None:
        if self._lost.is_set():
            raise LockLost(f"the lock of org {self.org_key} expired")
        org_lock_extend(org_key=self.org_key, token=self.token)

    def __enter__(self) -> OrgLockKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


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
    return bool(redis_client().eval(_HANDOFF, 1, _flush_key(event_id), previous, task_id, ms))


def flush_owns(*, event_id: int, task_id: str, seconds: float) -> bool:
    """True (and the claim extended) when `task_id` is the event's flush, or when no flush is (the key
    expired: a lost message, a worker gone); False when another chain holds the event."""
    ms = max(1000, int(seconds * 1000))
    client = redis_client()
    if client.eval(_EXTEND, 1, _flush_key(event_id), task_id, ms):
        return True
    return bool(client.set(_flush_key(event_id), task_id, px=ms, nx=True))


def flush_release(*, event_id: int, task_id: str) -> None:
    redis_client().eval(_RELEASE, 1, _flush_key(event_id), task_id)
