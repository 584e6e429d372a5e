"""What will happen to a participant's change in Salesforce, said plainly (answers events' question).

From the event's state, in the order an organizer has to act on it: no connection, a new login needed,
a setup that is incomplete, being checked or invalid, a stopped or paused sync; then, for a person
Salesforce already has, whether their data is updated at all ("Allow contacts or leads data update")."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from connector.selectors import setup_for_event, setup_is_valid
from events.models import Event, Participant
from sync.selectors import event_halt, event_pause

SENT = "Changes are sent to Salesforce within seconds."
SENT_STATUS_ONLY = (
    "Salesforce already has this person and “Allow contacts or leads data update” is off: only the campaign "
    "member status follows Registered / Came; Salesforce keeps its own values for the rest."
)


def sync_outlook_answer(sender: Any, *, event: Event, participant: Participant | None, **kwargs: Any) -> str:
    setup = setup_for_event(event)
    if setup is None or not setup.is_active:
        return "Salesforce is not activated for this event: nothing is sent."
    valid, reason = setup_is_valid(event)
    if not valid:
        return f"Not sent for now: {reason.rstrip('.')}. Changes wait and are sent once it is fixed."
    halt = event_halt(event=event)
    if halt:
        stopped = f"the synchronization is stopped ({halt.halted_reason})"
        return f"Not sent for now: {stopped}. See the Salesforce tile."
    pause = event_pause(event=event)
    if pause:
        until = timezone.localtime(pause.paused_until)
        return f"Paused until {until:%H:%M} ({pause.pause_reason}): changes are sent after, by themselves."
    if participant is not None and participant.salesforce_id and setup and not setup.allow_data_update:
        return SENT_STATUS_ONLY
    return SENT
