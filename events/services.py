"""Writes of the event side. Every change to a participant goes through here, so that it is marked
pending for Salesforce in the same transaction and the sync engine hears of it after commit."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F

from events.fields import BUILT_IN_KEYS
from events.models import Event, Participant, SyncState

PENDING_CHANGE = {"salesforce_sync_state": SyncState.PENDING, "change_counter": F("change_counter") + 1}


def _notify_sync(event: Event) -> None:
    from sync.services import event_participants_changed

    transaction.on_commit(lambda: event_participants_changed(event_id=event.pk))


def normalize_email(email: str) -> str:
    return email.strip()


def _apply(participant: Participant, values: dict[str, Any]) -> None:
    data = dict(participant.data or {})
    for key, value in values.items():
        if key in BUILT_IN_KEYS:
            setattr(participant, key, normalize_email(value) if key == "email" else value)
        else:
            data[key] = value
    participant.data = data


@transaction.atomic
def participant_create(*, event: Event, values: dict[str, Any]) -> Participant:
    participant = Participant(event=event, change_counter=1, salesforce_sync_state=SyncState.PENDING)
    _apply(participant, values)
    participant.save()
    _notify_sync(event)
    return participant


@transaction.atomic
def participant_update(*, participant: Participant, values: dict[str, Any]) -> Participant:
    _apply(participant, values)
    participant.salesforce_sync_state = SyncState.PENDING
    participant.change_counter = F("change_counter") + 1
    participant.save()
    participant.refresh_from_db(fields=["change_counter"])
    _notify_sync(participant.event)
    return participant


@transaction.atomic
def participant_check_in(*, participant: Participant) -> Participant:
    """Mark a participant as came (and so registered)."""
    return participant_update(participant=participant, values={"has_come": True, "is_registered": True})


@transaction.atomic
def participants_mark_pending(*, event: Event, ids: Iterable[int] | None = None) -> int:
    """Mark participants pending (all of the event's when `ids` is None); returns how many."""
    queryset = event.participants.all()
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    count = queryset.update(**PENDING_CHANGE)
    _notify_sync(event)
    return count
