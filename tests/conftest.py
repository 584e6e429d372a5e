"""Fixtures shared by the whole suite: a real Redis, a real Celery worker, users and events.

Redis: `REDIS_URL` when set (CI's second run: a missing server fails the run), else an embedded one."""

import os
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.test.signals import setting_changed

from accounts.models import Role
from accounts.services import event_give
from backoffice.celery import app as celery_app
from backoffice.embedded_redis import start_embedded_redis
from tests.celery_worker import start_worker
from tests.factories import EventFactory, UserFactory

pytest_plugins = ["salesforce_emulator.pytest_plugin"]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session", autouse=True)
def redis_url():
    external = os.environ.get("REDIS_URL")
    server = None if external else start_embedded_redis()
    url = external or server.url
    redis.Redis.from_url(url, socket_connect_timeout=3).ping()  # fails loudly when Redis is missing
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.REDIS_URL = settings.CELERY_BROKER_URL = url
    # The cache (rate limits) on the same Redis, under this run's own prefix: runs never share counters.
    settings.CACHES["default"].update(LOCATION=url, KEY_PREFIX=f"test-{uuid.uuid4().hex[:8]}")
    # A cache client built before this point (in any thread) would still aim at the default Redis: have
    # Django's cache handler forget them all, as it does when a test overrides CACHES.
    setting_changed.send(sender=type(settings), setting="CACHES", value=settings.CACHES, enter=True)
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    celery_app.conf.broker_url = url
    celery_app.conf.task_default_queue = queue
    yield url
    redis.Redis.from_url(url).delete(queue)
    if server:
        server.stop()


@pytest.fixture
def celery_queue(redis_url) -> str:
    queue = celery_app.conf.task_default_queue
    redis.Redis.from_url(redis_url).delete(queue)  # no stale message from an earlier test
    return queue


@pytest.fixture
def celery_worker(transactional_db, redis_url, celery_queue, tmp_path, worker_env):
    """A real Celery worker process on the test database; its log is in test-artifacts on failure."""
    worker = start_worker(
        redis_url=redis_url, queue=celery_queue, log_path=tmp_path / "worker.log", extra_env=worker_env
    )
    yield worker
    worker.stop()


@pytest.fixture
def worker_env() -> dict:
    """Extra environment for the worker process; tests and plugins override it (e.g. the emulator's CA)."""
    return {}


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def event(db, user):
    """An event of its own account, whose admin is `user` (so they may connect it to Salesforce too; the
    narrower roles are tested in tests/accounts)."""
    event = EventFactory()
    event_give(event=event, user=user, role=Role.ADMIN)
    return event


@pytest.fixture(autouse=True)
def registration_rate_limits_out_of_the_way(settings):
    """Every test registers from 127.0.0.1: the tests of the rate limits set their own, low ones."""
    settings.REGISTRATION_RATE_PER_IP = settings.REGISTRATION_RATE_PER_EVENT = "100000/h"
