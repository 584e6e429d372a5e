"""The sync engine hears of changes through the signals of the layers below (connected in SyncConfig.ready()),
and only once they are committed: a flush never looks for rows its sender has not committed, and a change
rolled back queues nothing."""

import pytest
from django.db import transaction

from connector.services import connection_set_active
from events.services import participant_create
from sync.locks import redis_client


def _flush_queued(event) -> bool:
    return bool(redis_client().exists(f"sync:flush:{event.pk}"))  # the event's flush claim (sync.locks)


@pytest.fixture
def no_flush_queued(event):
    redis_client().delete(f"sync:flush:{event.pk}")  # a claim of an earlier test's event with the same id
    yield
    redis_client().delete(f"sync:flush:{event.pk}")


def test_a_new_participant_queues_the_events_flush_once_committed_not_before(
    event, no_flush_queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        participant_create(event=event, values={"email": "ana@example.com"})
        assert not _flush_queued(event)
    assert len(callbacks) == 1
    callbacks[0]()
    assert _flush_queued(event)


def test_a_rolled_back_participant_change_queues_no_flush(
    event, no_flush_queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            participant_create(event=event, values={"email": "ana@example.com"})
            raise RuntimeError("the request failed after the write")
    assert callbacks == []
    assert not _flush_queued(event)


def test_activating_the_tile_queues_the_events_flush_after_commit(
    event, no_flush_queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        connection_set_active(event=event, active=True)
        assert not _flush_queued(event)
    assert _flush_queued(event)
