"""Runs one batch (up to 1,000 participants) against Salesforce in a few API calls:

1. one Composite of look-ups (sync.lookups): the Contacts, Leads and campaign members of the batch's emails
   (more only when the statements would pass Salesforce's length limit, or the answers run to more pages);
2. the planner (pure, no call), then Composites carrying the writes as sObject Collections subrequests of
   200 records, 5 to a Composite (sync.writes): create the new Leads or Contacts, update the known ones,
   create the memberships of known people, create the memberships of the people created in that same
   Composite (their Id by reference, `@{newPeople0[3].id}`), update memberships.
   Only subrequests with records are sent; a batch with nothing to write costs the look-up alone.

Only errors cost more: a person create refused for one record (invalid value, DUPLICATES_DETECTED, a locked
row) leaves its reference empty, Salesforce halts the whole "memberships of new people" subrequest
(PROCESSING_HALTED), so duplicates are resolved and the memberships still missing are created in one
Collections call. A Collections result of DUPLICATES_DETECTED names no record: those creates are sent again
as single-record creates, up to 25 in one Composite, whose answers name the matched records (`duplicateResut`)
and the rule; the participant is linked to the match, or, when the organizer chose to create anyway and the
rule blocks it, failed with the rule's name. DUPLICATE_VALUE on a membership ("already a member"):
looked up by person (one call) and updated (one call).

Idempotent by construction: the look-ups run before any create, so a batch redone after a crash finds
what the crashed run already created instead of creating it again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from connector.salesforce.client import SalesforceClient
from connector.salesforce.errors import TRANSIENT_CODES, RequestRefused
from sync import lookups, writes
from sync.answers import changed_meanwhile, duplicate_id, duplicate_result, object_of
from sync.answers import chunks as _chunks
from sync.answers import error_code as _code
from sync.answers import first_error as _first_error
from sync.planner import (
    CONTACT,
    INVALID_VALUE,
    LEAD,
    MEMBER,
    ParticipantIn,
    ParticipantPlan,
    PlannerSetup,
    plan_batch,
    statuses_gone,
)
from sync.writes import (
    COMPOSITE_SUBREQUESTS,
    MEMBERS_CREATE,
    MEMBERS_UPDATE,
    NEW_MEMBERS_CREATE,
    PEOPLE_CREATE,
    PEOPLE_UPDATE,
    WriteRequest,
)


class StatusGone(RequestRefused):
    """A configured campaign member status is no longer in the campaign: nothing is written."""

    CODE = "CAMPAIGN_MEMBER_STATUS_GONE"

    def __init__(self, statuses: list[str]) -> None:
        names = ", ".join(f"“{s}”" for s in statuses)
        super().__init__(self.CODE, (
            f"The campaign member status {names} is no longer in the Salesforce campaign (renamed or deleted "
            "there): pick another status on the Salesforce tile, then run CHECK SETUP"))


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
    # The record changed between look-up and write (converted, merged, deleted): stays pending, and the
    # next batch's look-up follows ConvertedContactId / MasterRecordId. Never failed for good.
    replan: bool = False

    @property
    def complete(self) -> bool:
        return not (self.error_code or self.retry or self.replan or self.plan.deferred)

    @property
    def live(self) -> bool:
        return not (self.plan.deferred or self.error_code or self.retry or self.replan)


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
            self.client,
            emails=[p.email for p in participants],
            campaign_id=self.setup.campaign_id,
            linked_ids=[p.salesforce_id for p in participants if p.salesforce_id],
        )
        gone = statuses_gone(self.setup, lookup)
        if gone:
            raise StatusGone(gone)
        plans = plan_batch(participants=participants, setup=self.setup, lookup=lookup)
        self.outcomes = [
            Outcome(plan, INVALID_VALUE, plan.refused) if plan.refused else Outcome(plan) for plan in plans
        ]
        unresolved: list[Outcome] = []  # DUPLICATES_DETECTED naming no record
        unjoined: list[Outcome] = []  # memberships of new people whose subrequest was halted
        already: list[Outcome] = []  # DUPLICATE_VALUE: already members
        for call in writes.pack(self._write_units()):
            self.guard()
            writes.send(self.client, call, allow_duplicates=self.setup.create_duplicates)
            for request in call:  # applied call by call: a later failing call keeps these Ids
                self._apply(request, unresolved, unjoined, already)
        for chunk in _chunks(unresolved, COMPOSITE_SUBREQUESTS):
            self._resolve_duplicates(chunk)
        missing = [o for o in unjoined if o.live and o.plan.person_id and not o.plan.member_id]
        if missing:
            self._create_members(missing, already)
        if already:
            self._find_members(already)
            self._update_members([o for o in already if o.live and o.plan.member_id])
        self.stats.failures += sum(1 for o in self.outcomes if o.error_code)
        return self.outcomes

    def _fail(self, outcome: Outcome, error: dict[str, Any]) -> None:
        code = _code(error) or "UNKNOWN_ERROR"
        if code in TRANSIENT_CODES:
            outcome.retry = True
            return
        if changed_meanwhile(error):
            outcome.replan = True
            outcome.plan.notes.append(f"Salesforce answered {code}: looked up again in the next batch.")
            return
        outcome.error_code, outcome.error_message = code, error.get("message") or ""

    # --- Building the write Composite ----------------------------------------------------------------

    def _write_units(self) -> list[list[WriteRequest]]:
        live = [o for o in self.outcomes if o.live]
        units: list[list[WriteRequest]] = []
        # Grouped by type: Salesforce processes a mixed Collections request in chunks of one type.
        creates = sorted((o for o in live if o.plan.creates_person), key=lambda o: o.plan.object_name)
        for n, chunk in enumerate(_chunks(creates)):
            people = WriteRequest(f"newPeople{n}", PEOPLE_CREATE, chunk, [self._person(o) for o in chunk])
            joining = [(i, o) for i, o in enumerate(chunk) if o.plan.member_fields is not None]
            members = [self._member(o, f"@{{newPeople{n}[{i}].id}}") for i, o in joining]
            joiners = [o for _, o in joining]
            units.append([people, WriteRequest(f"newMembers{n}", NEW_MEMBERS_CREATE, joiners, members)]
                         if joining else [people])
        known = [o for o in live if o.plan.person_id]
        joins = [o for o in known if o.plan.member_fields is not None]
        groups: list[tuple[str, str, list[Outcome], Callable[[Outcome], dict[str, Any]]]] = [
            ("peopleUpdates", PEOPLE_UPDATE, [o for o in known if o.plan.person_fields is not None],
             self._person),
            ("members", MEMBERS_CREATE, [o for o in joins if not o.plan.member_id], self._member),
            ("memberUpdates", MEMBERS_UPDATE, [o for o in joins if o.plan.member_id], self._member_update),
        ]
        for name, kind, group, record in groups:
            for n, chunk in enumerate(_chunks(group)):
                units.append([WriteRequest(f"{name}{n}", kind, chunk, [record(o) for o in chunk])])
        return units

    def _person(self, outcome: Outcome, *, typed: bool = True) -> dict[str, Any]:
        """A Lead or Contact record: a create without Id, an update by Id (mixed types in one request)."""
        plan = outcome.plan
        person_id = {"Id": plan.person_id} if plan.person_id else {}
        attributes = {"attributes": {"type": plan.object_name}} if typed else {}
        return {**attributes, **person_id, **(plan.person_fields or {})}

    def _member(self, outcome: Outcome, person_id: str = "") -> dict[str, Any]:
        person_key = "ContactId" if outcome.plan.object_name == CONTACT else "LeadId"
        return {
            "attributes": {"type": MEMBER},
            "CampaignId": self.setup.campaign_id,
            person_key: person_id or outcome.plan.person_id,
            **(outcome.plan.member_fields or {}),
        }

    def _member_update(self, outcome: Outcome) -> dict[str, Any]:
        fields = outcome.plan.member_fields or {}
        return {"attributes": {"type": MEMBER}, "Id": outcome.plan.member_id, **fields}

    # --- Reading the answers ---------------------------------------------------------------------------

    def _apply(self, request: WriteRequest, unresolved: list[Outcome], unjoined: list[Outcome],
               already: list[Outcome]) -> None:
        if request.status >= 400:
            if request.kind == NEW_MEMBERS_CREATE:
                unjoined.extend(request.outcomes)  # a person of this create failed: the reference is empty
                return
            error = _first_error(request.body)
            for outcome in request.outcomes:
                if request.status >= 500:
                    outcome.retry = True
                else:
                    self._fail(outcome, error)
            return
        for outcome, result in zip(request.outcomes, request.body or [], strict=True):
            if request.kind == PEOPLE_CREATE:
                unresolved += self._created(outcome, result)
            elif request.kind in (MEMBERS_CREATE, NEW_MEMBERS_CREATE):
                already += self._member_created(outcome, result)
            elif result.get("success"):
                if request.kind == PEOPLE_UPDATE:
                    self.stats.updated_records += 1
                else:
                    self.stats.members_updated += 1
            else:
                self._fail(outcome, _first_error(result))

    def _created(self, outcome: Outcome, result: dict[str, Any]) -> list[Outcome]:
        """Record one create result; returns [outcome] when a duplicate rule hid the record to link to."""
        if result.get("success"):
            self._person_created(outcome, result["id"])
            return []
        error = _first_error(result)
        if _code(error) != "DUPLICATES_DETECTED":
            self._fail(outcome, error)
            return []
        return [outcome]

    def _person_created(self, outcome: Outcome, record_id: str) -> None:
        outcome.plan.person_id = record_id
        if outcome.plan.object_name == LEAD:
            self.stats.created_leads += 1
        else:
            self.stats.created_contacts += 1

    def _member_created(self, outcome: Outcome, result: dict[str, Any]) -> list[Outcome]:
        """Record one membership create; returns [outcome] when it was already a member."""
        error = _first_error(result)
        if result.get("success"):
            outcome.plan.member_id = result["id"]
            self.stats.members_created += 1
        elif _code(error) == "DUPLICATE_VALUE":
            return [outcome]
        else:
            self._fail(outcome, error)
        return []

    def _link(self, outcome: Outcome, object_name: str, record_id: str, why: str) -> None:
        outcome.plan.object_name, outcome.plan.person_id = object_name, record_id
        outcome.plan.notes.append(f"Linked to existing {object_name} {record_id}: {why}.")

    # --- The repairs: extra calls only when something went wrong -------------------------------------

    def _resolve_duplicates(self, outcomes: list[Outcome]) -> None:
        """Creates refused by a duplicate rule in a Collections result (which names no record): sent again
        as single-record creates in one Composite, whose error answers name the matched records."""
        self.guard()
        subrequests = [
            writes.record_create_subrequest(f"person{i}", o.plan.object_name, self._person(o, typed=False))
            for i, o in enumerate(outcomes)
        ]
        answers = self.client.composite(subrequests, allow_duplicates=self.setup.create_duplicates)
        by_reference = {a.get("referenceId"): a for a in answers}
        for i, outcome in enumerate(outcomes):
            answer = by_reference.get(f"person{i}") or {}
            body = answer.get("body")
            if int(answer.get("httpStatusCode") or 500) < 300 and isinstance(body, dict) and body.get("id"):
                self._person_created(outcome, body["id"])  # the match went away meanwhile
                continue
            error = _first_error(body)
            found = duplicate_id(error) if _code(error) == "DUPLICATES_DETECTED" else ""
            if found and not self.setup.create_duplicates:
                self._link(outcome, object_of(found), found, "Salesforce's duplicate rules matched it")
            elif found:
                rule = duplicate_result(error).get("duplicateRule") or "a duplicate rule"
                self._fail(outcome, {"statusCode": "DUPLICATES_DETECTED", "message": (
                    f"Salesforce's duplicate rule {rule} blocks creating this person: it matches "
                    f"{object_of(found)} {found}. Choose “link to the matched record” on the Salesforce "
                    "tile, or change the rule's action to Allow.")})
            elif _code(error) == "DUPLICATES_DETECTED" or not error:
                outcome.retry = True  # no answer to read: stays pending, the batch is retried
            else:
                self._fail(outcome, error)

    def _create_members(self, outcomes: list[Outcome], already: list[Outcome]) -> None:
        """The memberships a halted subrequest did not create, in plain Collections calls."""
        for chunk in _chunks(outcomes):
            self.guard()
            for outcome, result in zip(chunk, self.client.collection_create([self._member(o) for o in chunk]),
                                       strict=True):
                already += self._member_created(outcome, result)

    def _update_members(self, outcomes: list[Outcome]) -> None:
        for chunk in _chunks(outcomes):
            self.guard()
            records = [self._member_update(o) for o in chunk]
            for outcome, result in zip(chunk, self.client.collection_update(records), strict=True):
                if result.get("success"):
                    self.stats.members_updated += 1
                else:
                    self._fail(outcome, _first_error(result))

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
