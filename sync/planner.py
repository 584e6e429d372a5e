"""The sync rules as one pure function: participants + setup + what Salesforce holds for their emails →
the writes to make. No database, no network: tested on its own (tests/sync/test_planner.py)."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from connector.mapped_objects import CONTACT, LEAD, MEMBER, mapped_object
from events.field_types import salesforce_value
from events.fields import FieldType
from events.values import ValueRefused

# The error code of a participant whose stored data cannot be sent (recorded like Salesforce's codes).
INVALID_VALUE = "INVALID_PARTICIPANT_VALUE"
# Never cut: a cut email is another address; Salesforce rejects an over-long one with its own reason.
UNCUT_FIELDS = frozenset({"Email"})


@dataclass(frozen=True)
class PlannerSetup:
    campaign_id: str
    registered_status: str
    came_status: str
    allow_creating_leads: bool
    allow_data_update: bool
    default_company: str
    # When Salesforce's duplicate rules match another person: link to it (False) or create anyway (True).
    create_duplicates: bool = False
    # {object: {participant field key: Salesforce API name}}
    mappings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # {participant field key: FieldType}
    field_types: Mapping[str, str] = field(default_factory=dict)
    # {object: {Salesforce API name: max length}} for text fields
    field_lengths: Mapping[str, Mapping[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class ParticipantIn:
    id: int
    email: str
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    is_registered: bool = False
    has_come: bool = False
    values: Mapping[str, Any] = field(default_factory=dict)  # every field key → value (built-ins + data)
    salesforce_id: str = ""
    sent_hash: str = ""


@dataclass(frozen=True)
class SalesforcePerson:
    id: str
    object_name: str  # Contact or Lead
    email: str
    last_modified: str = ""
    is_converted: bool = False
    converted_contact_id: str = ""
    is_deleted: bool = False  # merged away (queryAll): `master_record_id` is the record that won
    master_record_id: str = ""


@dataclass(frozen=True)
class SalesforceMember:
    id: str
    person_id: str
    status: str


@dataclass(frozen=True)
class Lookup:
    contacts: Sequence[SalesforcePerson] = ()
    leads: Sequence[SalesforcePerson] = ()
    members: Sequence[SalesforceMember] = ()
    statuses: Sequence[str] | None = None  # the campaign's CampaignMemberStatus labels (None: not read)


@dataclass
class ParticipantPlan:
    participant_id: int
    email_key: str
    object_name: str
    person_id: str = ""  # empty: the person is to be created
    person_fields: dict[str, Any] | None = None  # None: no write to the Lead or Contact
    member_id: str = ""
    member_fields: dict[str, Any] | None = None  # None: no write to the CampaignMember
    member_status: str = ""  # the status Salesforce holds once the plan ran ("" = no membership)
    sent_hash: str = ""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    deferred: bool = False  # same email as another participant of the batch: next batch
    refused: str = ""  # why this participant's stored data cannot be sent (nothing is written for it)

    @property
    def creates_person(self) -> bool:
        return not self.person_id and self.person_fields is not None

    @property
    def has_writes(self) -> bool:
        return self.person_fields is not None or self.member_fields is not None


def email_key(email: str) -> str:
    """An email as Salesforce stores it (lower-cased), in one Unicode form: compared the same way on both
    sides, whatever the locale of the Salesforce user or of this server."""
    return unicodedata.normalize("NFC", (email or "").strip()).lower()


def _newest(people: list[SalesforcePerson], preferred_id: str) -> SalesforcePerson:
    for person in people:
        if preferred_id and person.id == preferred_id:
            return person  # stay on the record linked before: no flapping between duplicates
    return sorted(people, key=lambda p: (p.last_modified, p.id), reverse=True)[0]


def follow_link(
    participant: ParticipantIn, by_id: Mapping[str, SalesforcePerson]
) -> tuple[str, str, list[str]]:
    """(object, Id or "", notes) of the record the participant was linked to before, when its email finds
    nothing (its email changed, or the record was matched on its name): kept, or followed to the Contact of
    its conversion or to the record a merge kept. Looked up by Id, even deleted (queryAll)."""
    person = by_id.get(participant.salesforce_id)
    if person is None:
        return "", "", []
    if person.is_deleted:
        master = person.master_record_id
        if not master:
            return "", "", []
        note = f"{person.object_name} {person.id} was merged into {master}; linked to it."
        return person.object_name, master, [note]
    if person.is_converted:
        contact = person.converted_contact_id
        if not contact:
            return "", "", []
        return CONTACT, contact, [f"Lead {person.id} was converted; linked to its Contact {contact}."]
    return person.object_name, person.id, []


def match_person(
    participant: ParticipantIn, by_email: Mapping[str, Mapping[str, list[SalesforcePerson]]]
) -> tuple[str, str, list[str]]:
    """(object, Id or "", notes): Contacts first, then Leads not converted, then converted → their Contact."""
    found = by_email.get(email_key(participant.email), {})
    candidates = [
        (CONTACT, found.get("contacts", [])),
        (LEAD, found.get("leads", [])),
        (CONTACT, found.get("converted", [])),
    ]
    for object_name, people in candidates:
        if not people:
            continue
        chosen = _newest(people, participant.salesforce_id)
        notes = []
        if len(people) > 1:
            kind = "converted Leads" if people is found.get("converted") else f"{object_name}s"
            notes.append(f"{len(people)} {kind} have this email; linked to {chosen.id}, "
                         "the most recently modified.")
        if chosen.is_converted:
            contact_id = chosen.converted_contact_id
            notes.append(f"Lead {chosen.id} was converted; linked to its Contact {contact_id}.")
            return CONTACT, chosen.converted_contact_id, notes
        return object_name, chosen.id, notes
    return "", "", []


def _cut(fields: dict[str, Any], lengths: Mapping[str, int], warnings: list[str], object_name: str) -> None:
    for name, value in fields.items():
        limit = lengths.get(name)
        if name in UNCUT_FIELDS or not limit or not isinstance(value, str) or len(value) <= limit:
            continue
        fields[name] = value[:limit]
        warnings.append(f"{object_name}.{name} cut to {limit} characters (the value had {len(value)}).")


def _mapped_value(participant: ParticipantIn, key: str, setup: PlannerSetup) -> Any:
    field_type = setup.field_types.get(key, FieldType.TEXT)
    try:
        return salesforce_value(participant.values.get(key), field_type)
    except ValueRefused as exc:
        raise ValueRefused(f"The field {key}: {exc}. Correct it and the participant is sent again.") from None


def _default_value(participant: ParticipantIn, key: str, setup: PlannerSetup) -> Any:
    """A built-in field the object always gets (connector.mapped_objects): the email as it is (Salesforce
    says itself why an empty one is refused), the setup's company for a new Lead without one, and no
    empty names."""
    value = getattr(participant, key)
    if key == "email":
        return value.strip()
    if key == "company":
        return value or setup.default_company
    return value or None


def person_fields(
    participant: ParticipantIn, object_name: str, setup: PlannerSetup, warnings: list[str]
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        api_name: _default_value(participant, key, setup)
        for key, api_name in mapped_object(object_name).default_fields.items()
    }
    for key, api_name in (setup.mappings.get(object_name) or {}).items():
        fields[api_name] = _mapped_value(participant, key, setup)
    _cut(fields, setup.field_lengths.get(object_name) or {}, warnings, object_name)
    return fields


def wanted_status(participant: ParticipantIn, setup: PlannerSetup) -> str:
    if participant.has_come:
        return setup.came_status
    if participant.is_registered:
        return setup.registered_status
    return ""


def _digest(material: Any) -> str:
    text = json.dumps(material, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def split_hash(sent_hash: str) -> tuple[str, str]:
    return sent_hash[:16], sent_hash[16:32]


def _plan_member(
    plan: ParticipantPlan, participant: ParticipantIn, setup: PlannerSetup, member: SalesforceMember | None
) -> str:
    """Fill the membership part of the plan; return its hash."""
    status = wanted_status(participant, setup)
    if member and member.status == setup.came_status and status == setup.registered_status:
        status = setup.came_status  # never downgraded from "came" back to "registered"
    if not status:
        plan.member_id = member.id if member else ""
        plan.member_status = member.status if member else ""
        return _digest(["no-membership", setup.campaign_id])
    fields: dict[str, Any] = {"Status": status}
    for key, api_name in (setup.mappings.get(MEMBER) or {}).items():
        fields[api_name] = _mapped_value(participant, key, setup)
    _cut(fields, setup.field_lengths.get(MEMBER) or {}, plan.warnings, MEMBER)
    member_hash = _digest([setup.campaign_id, fields])
    plan.member_status = status
    if member:
        plan.member_id = member.id
        unchanged = member.status == status and split_hash(participant.sent_hash)[1] == member_hash
        plan.member_fields = None if unchanged else fields
    else:
        plan.member_fields = {k: v for k, v in fields.items() if v is not None}
    return member_hash


def plan_participant(
    participant: ParticipantIn,
    setup: PlannerSetup,
    by_email: Mapping[str, Mapping[str, list[SalesforcePerson]]],
    members_by_person: Mapping[str, SalesforceMember],
    by_id: Mapping[str, SalesforcePerson] | None = None,
) -> ParticipantPlan:
    try:
        return _plan_participant(participant, setup, by_email, members_by_person, by_id or {})
    except ValueRefused as exc:
        return ParticipantPlan(participant.id, email_key(participant.email), "", refused=str(exc))


def _plan_participant(
    participant: ParticipantIn,
    setup: PlannerSetup,
    by_email: Mapping[str, Mapping[str, list[SalesforcePerson]]],
    members_by_person: Mapping[str, SalesforceMember],
    by_id: Mapping[str, SalesforcePerson],
) -> ParticipantPlan:
    object_name, person_id, notes = match_person(participant, by_email)
    if not person_id and participant.salesforce_id:
        object_name, person_id, notes = follow_link(participant, by_id)
    # Reached through a conversion, a merge or a link kept by Id: that record's own email is not this one.
    found = by_email.get(email_key(participant.email), {})
    keeps_its_email = person_id not in {p.id for kind in ("contacts", "leads") for p in found.get(kind, [])}
    plan = ParticipantPlan(participant.id, email_key(participant.email), object_name, person_id, notes=notes)
    if not person_id:
        plan.object_name = LEAD if setup.allow_creating_leads else CONTACT
        fields = person_fields(participant, plan.object_name, setup, plan.warnings)
        plan.person_fields = {k: v for k, v in fields.items() if v is not None}
        person_hash = _digest([plan.object_name, fields])
    elif setup.allow_data_update:
        fields = person_fields(participant, object_name, setup, plan.warnings)
        if keeps_its_email:
            del fields["Email"]  # never overwrite the email of a record this email did not match
        person_hash = _digest([object_name, fields])
        same_record = person_id == participant.salesforce_id
        unchanged = same_record and split_hash(participant.sent_hash)[0] == person_hash
        plan.person_fields = None if unchanged else fields
    else:
        person_hash = _digest(["linked-only", object_name])  # turning updates on later sends the data
    member = members_by_person.get(person_id) if person_id else None
    member_hash = _plan_member(plan, participant, setup, member)
    plan.sent_hash = person_hash + member_hash
    return plan


PeopleByEmail = dict[str, dict[str, list[SalesforcePerson]]]


def index_lookup(lookup: Lookup) -> tuple[PeopleByEmail, dict[str, SalesforceMember]]:
    by_email: PeopleByEmail = {}
    for person in lookup.contacts:
        if person.is_deleted:
            continue
        by_email.setdefault(email_key(person.email), {}).setdefault("contacts", []).append(person)
    for person in lookup.leads:
        if person.is_deleted:
            continue
        kind = "converted" if person.is_converted and person.converted_contact_id else "leads"
        if person.is_converted and not person.converted_contact_id:
            continue  # converted without a Contact: nothing to link to, and it cannot be updated
        by_email.setdefault(email_key(person.email), {}).setdefault(kind, []).append(person)
    members = {m.person_id: m for m in sorted(lookup.members, key=lambda m: m.id)}
    return by_email, members


def statuses_gone(setup: PlannerSetup, lookup: Lookup) -> list[str]:
    """The configured statuses the campaign no longer has (renamed or deleted in Salesforce since CHECK
    SETUP). Sending one anyway is refused, or silently stored as the default status by some orgs."""
    if lookup.statuses is None:
        return []
    labels = {label.casefold() for label in lookup.statuses}
    configured = dict.fromkeys(s for s in (setup.registered_status, setup.came_status) if s)
    return [status for status in configured if status.casefold() not in labels]


def plan_batch(
    *, participants: Sequence[ParticipantIn], setup: PlannerSetup, lookup: Lookup,
    busy: InFlight | None = None,
) -> list[ParticipantPlan]:
    """One plan per participant, in order. Two participants with one email (never within one event, but
    defended here): the first is planned, the others deferred, so one email never gives two creates.
    `busy`: the batch whose writes were in flight while this look-up ran; a participant it may have made
    stale is deferred to a later batch, looked up again then."""
    by_email, members = index_lookup(lookup)
    by_id = {person.id: person for person in (*lookup.contacts, *lookup.leads)}
    plans: list[ParticipantPlan] = []
    seen: set[str] = set(busy.email_keys) if busy else set()
    for participant in participants:
        key = email_key(participant.email)
        if key in seen:
            plans.append(ParticipantPlan(participant.id, key, "", deferred=True))
            continue
        seen.add(key)
        plan = plan_participant(participant, setup, by_email, members, by_id)
        if busy and (plan.person_id in busy.person_ids or participant.salesforce_id in busy.person_ids):
            plan = ParticipantPlan(participant.id, key, "", deferred=True)
        plans.append(plan)
    return plans


@dataclass(frozen=True)
class InFlight:
    """A batch whose writes may run while the next batch is looked up (sync.flush): the emails it may
    create people with, and the Salesforce people it writes to or links (known once it is done). The
    next batch's look-up can be stale only about these: its own emails, and the people they lead to, are
    another batch's concern otherwise."""

    email_keys: frozenset[str]
    person_ids: frozenset[str] = frozenset()
