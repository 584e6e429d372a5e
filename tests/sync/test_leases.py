"""The org lock and the flush claim are short leases: kept while their flush runs, gone one lease after
it stops renewing them (a dead worker), whatever Salesforce's calls take."""

import time

import pytest

from sync.locks import (
    OrgLockKeeper,
    flush_claim_keeper,
    flush_owns,
    org_lock_acquire,
    redis_client,
)

LEASE_SECONDS = 0.6


@pytest.fixture
def short_lease(settings, redis_url):
    settings.SYNC_LOCK_TTL_SECONDS = LEASE_SECONDS
    for key in redis_client().scan_iter("sync:*"):
        redis_client().delete(key)


def test_the_default_lease_frees_a_dead_workers_org_and_event_within_30_s(settings, redis_url):
    assert settings.SYNC_LOCK_TTL_SECONDS <= 20
    assert org_lock_acquire(org_key="00Ddefault", token="flush-1")
    assert flush_owns(event_id=987654, task_id="flush-1", seconds=settings.SYNC_LOCK_TTL_SECONDS)
    assert 0 < redis_client().pttl("sync:org-lock:00Ddefault") <= 20_000
    assert 0 < redis_client().pttl("sync:flush:987654") <= 20_000
    redis_client().delete("sync:org-lock:00Ddefault", "sync:flush:987654")


def test_a_running_flush_keeps_its_org_lock_and_event_claim_past_many_leases_then_they_lapse(short_lease):
    assert org_lock_acquire(org_key="00Dlease", token="flush-1")
    assert flush_owns(event_id=4242, task_id="flush-1", seconds=LEASE_SECONDS)
    with OrgLockKeeper(org_key="00Dlease", token="flush-1") as keeper, \
            flush_claim_keeper(event_id=4242, task_id="flush-1"):
        time.sleep(LEASE_SECONDS * 4)  # a slow Salesforce call
        keeper.check()
        assert not org_lock_acquire(org_key="00Dlease", token="flush-2")
        assert not flush_owns(event_id=4242, task_id="flush-2", seconds=LEASE_SECONDS)
    # Nobody renews them any more, as when the worker is killed: one lease later they are free.
    time.sleep(LEASE_SECONDS + 0.2)
    assert org_lock_acquire(org_key="00Dlease", token="flush-2")
    assert flush_owns(event_id=4242, task_id="flush-2", seconds=LEASE_SECONDS)


def test_a_claim_another_chain_took_is_not_renewed_over_it(short_lease):
    assert flush_owns(event_id=4343, task_id="flush-1", seconds=LEASE_SECONDS)
    with flush_claim_keeper(event_id=4343, task_id="flush-1") as keeper:
        redis_client().set("sync:flush:4343", "force-run", px=5000)  # a force synchronization replaced it
        time.sleep(LEASE_SECONDS)
        assert keeper.lost.is_set()
    assert redis_client().get("sync:flush:4343") == b"force-run"
