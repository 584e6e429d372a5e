"""The real Celery worker picks up what a participant change enqueues."""

import time

from events.services import participant_create


def test_participant_change_reaches_the_celery_worker(celery_worker, event):
    participant_create(event=event, values={"email": " ana@example.com ", "last_name": "Ana"})
    deadline = time.monotonic() + 30
    while "sync.tasks.flush_event" not in celery_worker.log() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "sync.tasks.flush_event" in celery_worker.log()
    assert event.participants.get().email == "ana@example.com"
