"""Queueing an event's flush: the one place that sends the flush task, shared by the services (a change,
FORCE SYNCHRONIZATION, the sweep) and by the flush itself (the next link of its chain).

The task is sent by its registered name, so this module needs nothing of `sync.tasks`: the task module
stays on top (it runs the flush and the services) and nothing below imports it back."""

from __future__ import annotations

import logging
import uuid

from backoffice.celery import app
from sync.locks import flush_claim, flush_handoff, flush_release

logger = logging.getLogger(__name__)

# The name `sync.tasks.flush_event` is registered under (and what the worker logs show).
FLUSH_TASK = "sync.tasks.flush_event"
# How long the event's flush claim outlives a message's countdown: a lost message (or a worker gone) delays
# the event's sync by this much at most, then the sweep starts its chain again. A message that merely waited
# longer in the queue costs nothing: it sees the claim is no longer its own and stops.
FLUSH_CLAIM_MARGIN_SECONDS = 30.0
# Broker messages wait at most this long (well under the Redis visibility timeout of an hour).
MAX_COUNTDOWN_SECONDS = 1800


def flush_enqueue(
    *, event_id: int, countdown: float = 0, chain_of: str = "", replace: bool = False
) -> None:
    """Enqueue the event's flush unless one is already queued or running: that one sees this change too
    (it re-reads the pending rows, and checks them again once it has released its claim).

    `chain_of`: the running flush hands its claim to its successor (the next batch, or the same one after
    a pause or a backoff). `replace`: a force synchronization supersedes a chain waiting out a backoff."""
    task_id = str(uuid.uuid4())
    countdown = min(max(countdown, 0), MAX_COUNTDOWN_SECONDS)
    seconds = countdown + FLUSH_CLAIM_MARGIN_SECONDS
    try:
        if chain_of:
            claimed = flush_handoff(event_id=event_id, previous=chain_of, task_id=task_id, seconds=seconds)
        else:
            claimed = flush_claim(event_id=event_id, task_id=task_id, seconds=seconds, replace=replace)
        if not claimed:
            return
        try:
            app.send_task(FLUSH_TASK, (event_id,), task_id=task_id, countdown=countdown or None)
        except Exception:
            flush_release(event_id=event_id, task_id=task_id)
            raise
    except Exception:  # the broker is down: the sweep picks the pending rows up later, nothing is lost
        logger.exception("Could not enqueue the flush of event %s; the sweep will", event_id)
