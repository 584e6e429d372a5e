"""The sync recovers by itself from a dead worker and from a Redis outage, on the default lock settings.

Each test prints the recovery time it measured (run with `-s` to see it)."""

import time

import pytest

from backoffice.embedded_redis import start_embedded_redis
from tests.celery_worker import start_worker
from tests.sync.conftest import add_participants, duplicates, settled, states, wait_until


def _composites(emulator) -> int:
    return emulator.stats()["by_endpoint"].get("POST /composite", 0)


@pytest.fixture
def default_worker_env(salesforce_emulator_server):
    """Only what reaching the emulator needs: the lock, claim, sweep and retry settings are the defaults."""
    return {
        "SALESFORCE_CA_BUNDLE": str(salesforce_emulator_server.ca_path),
        "SALESFORCE_EXTRA_LOGIN_HOSTS": salesforce_emulator_server.url,
    }


def _keep_log_on_failure(worker, artifacts_dir, name):
    (artifacts_dir / f"{name}.log").write_text(worker.log())


def test_worker_killed_mid_batch_frees_its_org_and_event_and_a_new_worker_syncs_everyone_within_60_s(
    connected_event, salesforce_emulator, redis_url, celery_queue, tmp_path, default_worker_env,
    artifacts_dir, request
):
    event = connected_event
    salesforce_emulator.set_faults(latency_ms=300)
    add_participants(event, 400)
    worker = start_worker(redis_url=redis_url, queue=celery_queue, log_path=tmp_path / "first.log",
                          extra_env=default_worker_env, beat=True)
    try:
        # The sweep picks the pending rows up; the kill lands once the first batch's look-up was answered:
        # its writes are on their way, and the lock and the claim are held by a process about to vanish.
        wait_until(lambda: _composites(salesforce_emulator) >= 1, timeout=60, message="the first look-up")
    finally:
        worker.kill()
    killed = time.monotonic()
    assert states(event)["pending"] == 400
    replacement = start_worker(redis_url=redis_url, queue=celery_queue, log_path=tmp_path / "second.log",
                               extra_env=default_worker_env, beat=True)
    started = time.monotonic()
    try:
        wait_until(settled(event), timeout=60, message="everyone synced within 60 s of the new worker")
    except BaseException:
        _keep_log_on_failure(worker, artifacts_dir, f"{request.node.name}-killed-worker")
        _keep_log_on_failure(replacement, artifacts_dir, f"{request.node.name}-new-worker")
        raise
    finally:
        replacement.stop()
    done = time.monotonic()
    print(f"\nworker SIGKILLed mid-batch: all synced {done - started:.1f} s after the new worker was ready "
          f"({done - killed:.1f} s after the kill)")
    assert states(event) == {"synced": 400}
    assert duplicates(salesforce_emulator) == 0


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of this test's own, persisted like compose's (append-only file): it can be stopped."""
    server = start_embedded_redis(data_dir=tmp_path / "redis")
    yield server
    server.stop()


def test_redis_stopped_for_5_s_mid_batch_the_same_worker_carries_on_and_syncs_everyone_once(
    connected_event, salesforce_emulator, own_redis, celery_queue, tmp_path, default_worker_env,
    artifacts_dir, request
):
    event = connected_event
    salesforce_emulator.set_faults(latency_ms=300)
    add_participants(event, 600)
    worker = start_worker(redis_url=own_redis.url, queue=celery_queue, log_path=tmp_path / "worker.log",
                          extra_env=default_worker_env, beat=True)
    try:
        wait_until(lambda: _composites(salesforce_emulator) >= 1, timeout=60, message="the first look-up")
        own_redis.stop()
        time.sleep(5)
        own_redis.restart()
        back = time.monotonic()
        wait_until(settled(event), timeout=120, message="everyone synced after the outage")
        print(f"\nRedis stopped 5 s mid-batch: all synced {time.monotonic() - back:.1f} s after it was back")
        assert worker.process.poll() is None, "the worker exited"
        assert "Unrecoverable error" not in worker.log()
    except BaseException:
        _keep_log_on_failure(worker, artifacts_dir, f"{request.node.name}-worker")
        raise
    finally:
        worker.stop()
    assert states(event) == {"synced": 600}
    assert duplicates(salesforce_emulator) == 0
