"""Runs one batch against Salesforce: look-ups (one Composite), the planner, then the writes in sObject
Collections (≤ 200 records a call): Leads and Contacts first, then CampaignMembers.

Idempotent by construction: the look-ups run before any create, so a batch redone after a crash finds
what the crashed run already created instead of creating it again."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from connector.salesforce.client import COLLECTION_SIZE, SalesforceClient
from connector.salesforce.errors import TRANSIENT_CODES
from sync import lookups
from sync.planner import (
    CONTACT,
    LEAD,
    MEMBER,
    ParticipantIn,
    ParticipantPlan,
    PlannerSetup,
    index_lookup,
    match_person,
    plan_batch,
)


@dataclass
class BatchStats:
    created_leads: int = 0
    created_contacts: int = 0
    updated_records: int = 0
    members_created: int = 0
    members_updated: int = 0
    failures: int = 0


@dataclass
class Outcome:
    plan: ParticipantPlan
    error_code: str = ""
    error_message: str = ""
    retry: bool = False  # a transient per-record error: stays pending, the batch is retried

    @property
    def complete(self) -> bool:
        return not (self.error_code or self.retry or self.plan.deferred)


def object_of(record_id: str) -> str:
    return {"003": CONTACT, "00Q": LEAD}.get(record_id[:3], "")


def _chunks(items: Sequence[Any], size: int = COLLECTION_SIZE) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _first_error(result: dict[str, Any]) -> dict[str, Any]:
    errors = result.get("errors") or [{}]
    return errors[0] if isinstance(errors[0], dict) else {}


def duplicate_id(error: dict[str, Any]) -> str:
    """The Id of the record a DUPLICATES_DETECTED error names, when Salesforce says it (the single-record
    answer does, under the misspelt key `duplicateResut`; a Collections result may not)."""
    result = error.get("duplicateResult") or error.get("duplicateResut") or {}
    for match in result.get("matchResults") or []:
        for found in match.get("matchRecords") or []:
            record_id = (found.get("record") or {}).get("Id")
            if record_id:
                return record_id
    return ""


@dataclass
class BatchExecutor:
    client: SalesforceClient
    setup: PlannerSetup
    # Called before every Salesforce call: raises to stop calling (the org's API usage is too high).
    guard: Callable[[], None] = lambda: None
    stats: BatchStats = field(default_factory=BatchStats)
    outcomes: list[Outcome] = field(default_factory=list)

    def run(self, participants: Sequence[ParticipantIn]) -> list[Outcome]:
        self.guard()
        lookup = lookups.people_lookup(
            self.client, emails=[p.email for p in participants], campaign_id=self.setup.campaign_id
        )
        plans = plan_batch(participants=participants, setup=self.setup, lookup=lookup)
        self.outcomes = [Outcome(plan) for plan in plans]
        self._write_people()
        self._write_members()
        self.stats.failures += sum(1 for o in self.outcomes if o.error_code)
        return self.outcomes

    def _live(self) -> list[Outcome]:
        return [o for o in self.outcomes if not (o.plan.deferred or o.error_code or o.retry)]

    def _fail(self, outcome: Outcome, error: dict[str, Any]) -> None:
        code = error.get("statusCode") or error.get("errorCode") or "UNKNOWN_ERROR"
        if code in TRANSIENT_CODES:
            outcome.retry = True
            return
        outcome.error_code, outcome.error_message = code, error.get("message") or ""

    # --- Leads and Contacts --------------------------------------------------------------------------

    def _write_people(self) -> None:
        creates = [o for o in self._live() if o.plan.creates_person]
        updates = [o for o in self._live() if o.plan.person_id and o.plan.person_fields is not None]
        unresolved: list[Outcome] = []
        for object_name in (LEAD, CONTACT):
            group = [o for o in creates if o.plan.object_name == object_name]
            for chunk in _chunks(group):
                records = [{"attributes": {"type": object_name}, **o.plan.person_fields} for o in chunk]
                self.guard()
                for outcome, result in zip(chunk, self.client.collection_create(records), strict=True):
                    unresolved += self._created(outcome, result, object_name)
        if unresolved:
            self._link_duplicates(unresolved)
        for object_name in (LEAD, CONTACT):
            group = [o for o in updates if o.plan.object_name == object_name]
            for chunk in _chunks(group):
                records = [
                    {"attributes": {"type": object_name}, "Id": o.plan.person_id, **o.plan.person_fields}
                    for o in chunk
                ]
                self.guard()
                for outcome, result in zip(chunk, self.client.collection_update(records), strict=True):
                    if result.get("success"):
                        self.stats.updated_records += 1
                    else:
                        self._fail(outcome, _first_error(result))

    def _created(self, outcome: Outcome, result: dict[str, Any], object_name: str) -> list[Outcome]:
        """Record one create result; returns [outcome] when a duplicate rule hid the record to link to."""
        if result.get("success"):
            outcome.plan.person_id = result["id"]
            if object_name == LEAD:
                self.stats.created_leads += 1
            else:
                self.stats.created_contacts += 1
            return []
        error = _first_error(result)
        if (error.get("statusCode") or error.get("errorCode")) != "DUPLICATES_DETECTED":
            self._fail(outcome, error)
            return []
        found = duplicate_id(error)
        if found and object_of(found):
            self._link(outcome, object_of(found), found, "a duplicate rule matched")
            return []
        return [outcome]

    def _link(self, outcome: Outcome, object_name: str, record_id: str, why: str) -> None:
        outcome.plan.object_name, outcome.plan.person_id = object_name, record_id
        outcome.plan.notes.append(f"Linked to existing {object_name} {record_id}: {why}.")

    def _link_duplicates(self, outcomes: list[Outcome]) -> None:
        """DUPLICATES_DETECTED without the matched record's Id: look the emails up again."""
        self.guard()
        lookup = lookups.people_lookup(
            self.client, emails=[o.plan.email_key for o in outcomes], campaign_id="", with_members=False
        )
        by_email, _ = index_lookup(lookup)
        for outcome in outcomes:
            participant = ParticipantIn(outcome.plan.participant_id, outcome.plan.email_key)
            object_name, record_id, _notes = match_person(participant, by_email)
            if record_id:
                self._link(outcome, object_name, record_id, "a duplicate rule matched")
            else:
                self._fail(outcome, {"statusCode": "DUPLICATES_DETECTED",
                                     "message": "A duplicate rule blocked the creation and named no record."})

    # --- CampaignMembers -----------------------------------------------------------------------------

    def _write_members(self) -> None:
        live = [o for o in self._live() if o.plan.person_id and o.plan.member_fields is not None]
        creates = [o for o in live if not o.plan.member_id]
        already: list[Outcome] = []
        for chunk in _chunks(creates):
            records = [self._member_record(o) for o in chunk]
            self.guard()
            for outcome, result in zip(chunk, self.client.collection_create(records), strict=True):
                error = _first_error(result)
                if result.get("success"):
                    outcome.plan.member_id = result["id"]
                    self.stats.members_created += 1
                elif (error.get("statusCode") or error.get("errorCode")) == "DUPLICATE_VALUE":
                    already.append(outcome)
                else:
                    self._fail(outcome, error)
        if already:
            self._find_members(already)
        updates = [o for o in live if o.plan.member_id and o not in creates] + already
        for chunk in _chunks([o for o in updates if o.plan.member_id and not o.error_code]):
            records = [
                {"attributes": {"type": MEMBER}, "Id": o.plan.member_id, **o.plan.member_fields}
                for o in chunk
            ]
            self.guard()
            for outcome, result in zip(chunk, self.client.collection_update(records), strict=True):
                if result.get("success"):
                    self.stats.members_updated += 1
                else:
                    self._fail(outcome, _first_error(result))

    def _member_record(self, outcome: Outcome) -> dict[str, Any]:
        person_key = "ContactId" if outcome.plan.object_name == CONTACT else "LeadId"
        return {
            "attributes": {"type": MEMBER},
            "CampaignId": self.setup.campaign_id,
            person_key: outcome.plan.person_id,
            **outcome.plan.member_fields,
        }

    def _find_members(self, outcomes: list[Outcome]) -> None:
        """DUPLICATE_VALUE: "already a member". Find those members by person Id to update them."""
        self.guard()
        found = lookups.members_by_person(
            self.client, campaign_id=self.setup.campaign_id, person_ids=[o.plan.person_id for o in outcomes]
        )
        by_person = {m.person_id: m for m in found}
        for outcome in outcomes:
            member = by_person.get(outcome.plan.person_id)
            if member is None:
                error = {"statusCode": "DUPLICATE_VALUE", "message": "Already a campaign member."}
                self._fail(outcome, error)
                continue
            outcome.plan.member_id = member.id
            fields = outcome.plan.member_fields or {}
            downgrade = fields.get("Status") == self.setup.registered_status
            if member.status == self.setup.came_status and downgrade:
                fields["Status"] = member.status  # never downgrade "came" to "registered"
                outcome.plan.member_status = member.status
