"""A lock per Salesforce org, in Redis: two events connected to one org must not create the same Lead twice.

The token is the Celery task id. A task redelivered after its worker died (acks_late) carries the same id,
so it takes back the lock its previous run left behind instead of waiting for the TTL."""

from __future__ import annotations

from functools import lru_cache

import redis
from django.conf import settings

# Longer than one batch can take (five calls of at most SALESFORCE_TIMEOUT_SECONDS each, plus the database).
LOCK_TTL_MS = 300_000
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


@lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=10)


def redis_client() -> redis.Redis:
    return _redis(settings.REDIS_URL)


def org_lock_key(org_key: str) -> str:
    return f"sync:org-lock:{org_key}"


def org_lock_acquire(*, org_key: str, token: str) -> bool:
    client = redis_client()
    key = org_lock_key(org_key)
    if client.set(key, token, nx=True, px=LOCK_TTL_MS):
        return True
    holder = client.get(key)
    if holder is not None and holder.decode() == token:
        client.pexpire(key, LOCK_TTL_MS)  # our own earlier delivery died holding it
        return True
    return False


def org_lock_release(*, org_key: str, token: str) -> None:
    redis_client().eval(_RELEASE, 1, org_lock_key(org_key), token)
