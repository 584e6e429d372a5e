"""Writes of the event side. Every change to a participant goes through here, so that it is marked
pending for Salesforce in the same transaction and the sync engine hears of it after commit."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from events.field_types import value_parse
from events.fields import BUILT_IN_KEYS
from events.models import Event, Participant, ParticipantField, SyncState
from events.selectors import event_fields, participant_find_by_email
from events.signals import participants_changed

PENDING_CHANGE = {"salesforce_sync_state": SyncState.PENDING, "change_counter": F("change_counter") + 1}
# What an edit writes: never the Salesforce bookkeeping, which the sync engine may have written since the
# edited row was read (Ids, sync date, sent hash), and which a stale copy would otherwise put back.
EDITED_COLUMNS = [*sorted(BUILT_IN_KEYS), "data", "salesforce_sync_state", "change_counter", "updated_at"]


def _notify_sync(event: Event) -> None:
    """After commit, announce the change (the sync engine listens): a rolled-back write sends nothing, and
    the listener sees the committed rows."""
    transaction.on_commit(lambda: participants_changed.send(sender=Event, event_id=event.pk))


def normalize_email(email: str) -> str:
    return email.strip()


def email_key(email: str) -> str:
    """Emails compared case-insensitively: casefold, not lower, so that addresses equal under the
    database's lower() (ΑΣ and ας: σ and ς) are equal here too, and the unique index is never the one
    to find a duplicate."""
    return email.strip().casefold()


def _apply(participant: Participant, values: dict[str, Any]) -> None:
    data = dict(participant.data or {})
    for key, value in values.items():
        if key in BUILT_IN_KEYS:
            setattr(participant, key, normalize_email(value) if key == "email" else value)
        else:
            data[key] = value
    participant.data = data


def _waiting_state(participant: Participant) -> str:
    """Pending for Salesforce, unless a public registrant has not confirmed their email yet."""
    return SyncState.PENDING if participant.email_confirmed else SyncState.AWAITING


@transaction.atomic
def participant_create(
    *, event: Event, values: dict[str, Any], email_confirmed: bool = True
) -> Participant:
    participant = Participant(event=event, change_counter=1, email_confirmed=email_confirmed)
    participant.salesforce_sync_state = _waiting_state(participant)
    _apply(participant, values)
    participant.save()
    _notify_sync(event)
    return participant


@transaction.atomic
def participant_update(*, participant: Participant, values: dict[str, Any]) -> Participant:
    _apply(participant, values)
    participant.salesforce_sync_state = _waiting_state(participant)
    participant.change_counter = F("change_counter") + 1
    participant.save(update_fields=EDITED_COLUMNS)
    participant.refresh_from_db(fields=["change_counter"])
    _notify_sync(participant.event)
    return participant


def participant_register(*, event: Event, values: dict[str, Any]) -> tuple[Participant, bool]:
    """The public registration form: a new email creates a registered participant. A known email only
    marks that participant registered: an anonymous form must not overwrite what staff or the person
    entered (anyone may type anyone's email), and answering "already registered" would tell strangers
    who comes. Corrections go through the staff, who see the participant in the grid.
    Returns the participant and whether a confirmation email is to be sent (the event asks for one and
    the email is not confirmed yet): until it is, the participant waits and is not sent to Salesforce."""
    with transaction.atomic():
        existing = participant_find_by_email(event=event, email=values["email"])
        if existing is None:
            try:
                with transaction.atomic():
                    created = participant_create(
                        event=event,
                        values={**values, "is_registered": True},
                        email_confirmed=not event.registration_confirms_email,
                    )
                    return created, not created.email_confirmed
            except IntegrityError:  # the same person submitted twice at once: the other request won
                existing = participant_find_by_email(event=event, email=values["email"])
                if existing is None:  # not that clash: nothing to answer with, the error stands
                    raise
        if not existing.is_registered:
            existing = participant_update(participant=existing, values={"is_registered": True})
        return existing, not existing.email_confirmed


@transaction.atomic
def participant_confirm_email(*, participant: Participant) -> Participant:
    """The registrant followed their confirmation link: from now on they go to Salesforce."""
    if participant.email_confirmed:
        return participant
    participant.email_confirmed = True
    participant.save(update_fields=["email_confirmed"])
    return participant_update(participant=participant, values={})


@transaction.atomic
def participant_check_in(*, participant: Participant) -> Participant:
    """Mark a participant as came (and so registered)."""
    return participant_update(participant=participant, values={"has_come": True, "is_registered": True})


@transaction.atomic
def participants_mark_pending(
    *, event: Event, ids: Iterable[int] | None = None, only_state: str | None = None
) -> int:
    """Mark participants pending (all of the event's when `ids` is None, only those in `only_state`
    when given, e.g. "Retry failed"); returns how many."""
    queryset = event.participants.filter(email_confirmed=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    if only_state is not None:
        queryset = queryset.filter(salesforce_sync_state=only_state)
    count = queryset.update(**PENDING_CHANGE)
    _notify_sync(event)
    return count


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int = 0


# Rows per INSERT/UPDATE statement: well under SQLite's bound-variable limit with ~25 columns per row.
IMPORT_BATCH_SIZE = 500


def _existing_by_email(event: Event, keys: set[str]) -> dict[str, Participant]:
    """The event's participants whose email_key is among `keys`; matched in Python, where the
    comparison is the same on SQLite (ASCII-only lower()) and PostgreSQL."""
    ids = [pk for pk, email in event.participants.values_list("pk", "email") if email_key(email) in keys]
    found: dict[str, Participant] = {}
    for start in range(0, len(ids), IMPORT_BATCH_SIZE):
        for participant in Participant.objects.filter(pk__in=ids[start : start + IMPORT_BATCH_SIZE]):
            found[email_key(participant.email)] = participant
    return found


def _unchanged(participant: Participant, row: dict[str, Any], blanks: dict[str, Any]) -> bool:
    """True when importing `row` would change nothing (an export imported back): nothing to send."""
    data = participant.data or {}
    for key, value in row.items():
        if key in BUILT_IN_KEYS:
            current = getattr(participant, key)
            value = normalize_email(value) if key == "email" else value
        else:
            current = data.get(key, blanks.get(key))
        if current != value:
            return False
    return True


@transaction.atomic
def participants_import(*, event: Event, rows: Sequence[dict[str, Any]]) -> ImportResult:
    """Create or update (matched on email, case-insensitively) participants from validated rows, all or
    nothing. Rows hold stored values by field key, each with a distinct "email"; every participant
    changed is marked pending and the sync engine is told once; a row that changes nothing is skipped."""
    blanks = {spec.key: value_parse(spec, None) for spec in event_fields(event=event)}
    rows_by_email = {email_key(row["email"]): row for row in rows}
    existing = _existing_by_email(event, set(rows_by_email))
    now = timezone.now()
    to_create, to_update, unchanged = [], [], 0
    for email, row in rows_by_email.items():
        participant = existing.get(email)
        if participant is None:
            participant = Participant(event=event, change_counter=1, salesforce_sync_state=SyncState.PENDING)
            _apply(participant, row)
            to_create.append(participant)
        elif _unchanged(participant, row, blanks):
            unchanged += 1
        else:
            _apply(participant, row)
            participant.salesforce_sync_state = _waiting_state(participant)
            participant.change_counter = F("change_counter") + 1
            participant.updated_at = now  # bulk_update skips auto_now
            to_update.append(participant)
    Participant.objects.bulk_create(to_create, batch_size=IMPORT_BATCH_SIZE)
    Participant.objects.bulk_update(to_update, EDITED_COLUMNS, batch_size=IMPORT_BATCH_SIZE)
    if to_create or to_update:
        _notify_sync(event)
    return ImportResult(created=len(to_create), updated=len(to_update), unchanged=unchanged)


def participant_field_create(
    *,
    event: Event,
    key: str,
    label: str,
    type: str,
    options: list[str],
    staff_only: bool,
    max_length: int | None = None,
) -> ParticipantField:
    last = event.custom_fields.order_by("-position").values_list("position", flat=True).first()
    return ParticipantField.objects.create(
        event=event,
        key=key,
        label=label,
        type=type,
        options=options,
        staff_only=staff_only,
        max_length=max_length,
        position=(last or 0) + 1,
    )


def participant_field_update(*, field: ParticipantField, values: dict[str, Any]) -> ParticipantField:
    for name in ("key", "label", "type", "options", "staff_only", "max_length"):
        if name in values:
            setattr(field, name, values[name])
    field.save()
    return field


def participant_field_delete(*, field: ParticipantField) -> None:
    """Remove the field; participants keep the old values in `data`, unseen, until edited."""
    field.delete()
