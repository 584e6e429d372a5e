"""A participant change reaches the real Celery worker, which runs the flush without error."""

import re
import time

from events.services import participant_create

SUCCEEDED = re.compile(r"Task sync\.tasks\.flush_event\[[0-9a-f-]+\] succeeded")


def test_participant_change_is_flushed_by_the_celery_worker_without_error(celery_worker, event):
    participant_create(event=event, values={"email": " ana@example.com ", "last_name": "Ana"})
    deadline = time.monotonic() + 30
    while not SUCCEEDED.search(celery_worker.log()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert SUCCEEDED.search(celery_worker.log()), celery_worker.log()[-3000:]
    assert "Traceback" not in celery_worker.log()
    assert event.participants.get().email == "ana@example.com"
