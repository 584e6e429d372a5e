"""One sentence for people: what happens to participants' changes in Salesforce, right now.

The events app knows nothing of Salesforce; the sync app answers `sync_outlook_requested` (sync.outlook)."""

from __future__ import annotations

from events.models import Event, Participant
from events.signals import sync_outlook_requested


def sync_outlook(*, event: Event, participant: Participant | None = None) -> str:
    for _receiver, answer in sync_outlook_requested.send(sender=Event, event=event, participant=participant):
        if answer:
            return answer
    return ""
