"""What the sync engine does when the layers below announce something; connected in SyncConfig.ready()."""

from __future__ import annotations

from typing import Any

from sync.scheduling import flush_enqueue


def flush_soon(sender: Any, *, event_id: int, **kwargs: Any) -> None:
    """On `events.signals.participants_changed` and `connector.signals.sync_may_resume`, both sent after
    commit: enqueue the event's flush (nothing new when one is already queued or running)."""
    flush_enqueue(event_id=event_id)
