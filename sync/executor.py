"""Runs one batch (up to 1,000 participants) against Salesforce in a few API calls:

1. one Composite of look-ups (sync.lookups): the Contacts, Leads and campaign members of the batch's emails
   (more only when the statements would pass Salesforce's length limit, or the answers run to more pages);
2. the planner (pure, no call), then Composites carrying the writes as sObject Collections subrequests of
   200 records, 5 to a Composite (sync.writes): create the new Leads or Contacts, update the known ones,
   create the memberships of known people, create the memberships of the people created in that same
   Composite (their Id by reference, `@{newPeople0[3].id}`), update memberships.
   Only subrequests with records are sent; a batch with nothing to write costs the look-up alone.

Only errors cost more, and mostly nothing: a person create refused for one record (invalid value,
DUPLICATES_DETECTED, a locked row) leaves its reference empty, Salesforce halts the whole "memberships of new
people" subrequest (PROCESSING_HALTED), and those memberships go again, as Collections subrequests of the
batch's later write Composites, once their people are known. A Collections result of DUPLICATES_DETECTED names
no record: those creates are sent again as single-record creates among the subrequests of the later write
Composites (25 a Composite, the Collections included), whose answers name the matched records
(`duplicateResut`) and the rule; the participant is linked to the match, or, when the organizer chose to
create anyway and the rule blocks it, failed with the rule's name. What the batch's own Composites have no
room or time for goes in Composites of its own. DUPLICATE_VALUE on a membership ("already a member"): looked
up by person (one call) and updated (one call).

Idempotent by construction: the look-ups run before any create, so a batch redone after a crash finds
what the crashed run already created instead of creating it again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from connector.salesforce.client import SalesforceClient
from connector.salesforce.errors import (
    RecordError,
    RecordErrorKind,
    RequestRefused,
    record_error,
    record_failure,
)
from connector.salesforce.subrequests import record_create_subrequest
from sync import lookups, writes
from sync.answers import chunks as _chunks
from sync.answers import duplicate_id, object_of
from sync.outcome import Outcome
from sync.planner import (
    CONTACT,
    INVALID_VALUE,
    LEAD,
    MEMBER,
    InFlight,
    Lookup,
    ParticipantIn,
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
class BatchExecutor:
    client: SalesforceClient
    setup: PlannerSetup
    # Called before every Salesforce call: raises to stop calling (the org's API usage is too high).
    guard: Callable[[], None] = lambda: None
    stats: BatchStats = field(default_factory=BatchStats)
    outcomes: list[Outcome] = field(default_factory=list)

    def look_up(self, participants: Sequence[ParticipantIn]) -> Lookup:
        self.guard()
        return lookups.people_lookup(
            self.client,
            emails=[p.email for p in participants],
            campaign_id=self.setup.campaign_id,
            linked_ids=[p.salesforce_id for p in participants if p.salesforce_id],
        )

    def run(self, participants: Sequence[ParticipantIn], lookup: Lookup | None = None, *,
            busy: InFlight | None = None) -> list[Outcome]:
        """The batch's writes after its look-up (`lookup`, made ahead while `busy`'s writes ran, or made
        now)."""
        if lookup is None:
            lookup = self.look_up(participants)
        gone = statuses_gone(self.setup, lookup)
        if gone:
            raise StatusGone(gone)
        plans = plan_batch(participants=participants, setup=self.setup, lookup=lookup, busy=busy)
        self.outcomes = [
            Outcome(plan, INVALID_VALUE, plan.refused) if plan.refused else Outcome(plan) for plan in plans
        ]
        already = self._write(self._write_units())
        if already:
            self._find_members(already)
            self._update_members([o for o in already if o.live and o.plan.member_id])
        self.stats.failures += sum(1 for o in self.outcomes if o.error_code)
        return self.outcomes

    def _write(self, units: list[list[WriteRequest]]) -> list[Outcome]:
        """Send the writes, Composite by Composite; returns the memberships found to exist already.

        The repairs ride in the Composites still to send, in their room: a create a duplicate rule refused
        in a Collections result (which names no record) goes again as a single-record create among the
        next call's subrequests (its answer names the match), and a membership whose subrequest was halted
        by a failed create goes as soon as its person is known (created, or the match linked). Only what is
        left after the batch's own writes costs a Composite of its own."""
        unresolved: list[Outcome] = []  # DUPLICATES_DETECTED naming no record
        unjoined: list[Outcome] = []  # memberships of new people whose subrequest was halted
        already: list[Outcome] = []  # DUPLICATE_VALUE: already members
        joins = 0
        while units or unresolved or unjoined:
            waiting = {id(o) for o in unresolved}
            ready = [o for o in unjoined if o.live and o.plan.person_id and not o.plan.member_id
                     and id(o) not in waiting]
            unjoined = [o for o in unjoined if id(o) in waiting]
            for chunk in _chunks(ready):
                records = [self._member(o) for o in chunk]
                units.append([WriteRequest(f"joins{joins}", MEMBERS_CREATE, chunk, records)])
                joins += 1
            if not units and not unresolved:
                break
            call, units, split = writes.take(units)
            resolving = unresolved[: COMPOSITE_SUBREQUESTS - len(call)]
            unresolved = unresolved[len(resolving):]
            creates = [
                record_create_subrequest(f"person{i}", o.plan.object_name, self._person(o, typed=False))
                for i, o in enumerate(resolving)
            ]
            self.guard()
            answers = writes.send(self.client, call, records=creates,
                                  allow_duplicates=self.setup.create_duplicates)
            for request in call:  # applied call by call: a later failing call keeps these Ids
                self._apply(request, unresolved, unjoined, already)
            if split is not None:  # the memberships of a people create sent alone: by Id, next call
                unjoined.extend(split.outcomes)
            for i, outcome in enumerate(resolving):
                self._resolved(outcome, answers.get(f"person{i}") or {})
        return already

    def _fail(self, outcome: Outcome, error: RecordError) -> None:
        if error.kind is RecordErrorKind.RETRY:
            outcome.retry = True
            return
        if error.kind is RecordErrorKind.CHANGED:
            outcome.replan = True
            outcome.plan.notes.append(f"Salesforce answered {error.code}: looked up again in the next batch.")
            return
        outcome.error_code, outcome.error_message = error.code, error.message

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
            error = record_error(request.body, status=request.status)  # a 5xx: retried
            for outcome in request.outcomes:
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
                self._fail(outcome, record_error(result))

    def _created(self, outcome: Outcome, result: dict[str, Any]) -> list[Outcome]:
        """Record one create result; returns [outcome] when a duplicate rule hid the record to link to."""
        if result.get("success"):
            self._person_created(outcome, result["id"])
            return []
        error = record_error(result)
        if error.kind is not RecordErrorKind.DUPLICATE_RULE:
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
        if result.get("success"):
            outcome.plan.member_id = result["id"]
            self.stats.members_created += 1
            return []
        error = record_error(result)
        if error.kind is RecordErrorKind.DUPLICATE_VALUE:
            return [outcome]
        self._fail(outcome, error)
        return []

    def _link(self, outcome: Outcome, object_name: str, record_id: str, why: str) -> None:
        outcome.plan.object_name, outcome.plan.person_id = object_name, record_id
        outcome.plan.notes.append(f"Linked to existing {object_name} {record_id}: {why}.")

    # --- The repairs: extra calls only when something went wrong -------------------------------------

    def _resolved(self, outcome: Outcome, answer: dict[str, Any]) -> None:
        """The single-record create of a person a duplicate rule refused in a Collections result: its error
        answer names the matched record (`duplicateResut`) and the rule."""
        body, status = answer.get("body"), int(answer.get("httpStatusCode") or 500)
        if status < 300 and isinstance(body, dict) and body.get("id"):
            self._person_created(outcome, body["id"])  # the match went away meanwhile
            return
        error = record_error(body, status=status)  # a 5xx is retried, as in a Collections subrequest
        duplicate = error.kind is RecordErrorKind.DUPLICATE_RULE
        found = duplicate_id(error) if duplicate else ""
        if found and not self.setup.create_duplicates:
            self._link(outcome, object_of(found), found, "Salesforce's duplicate rules matched it")
        elif found:
            rule = error.rule or "a duplicate rule"
            self._fail(outcome, record_failure("DUPLICATES_DETECTED", (
                f"Salesforce's duplicate rule {rule} blocks creating this person: it matches "
                f"{object_of(found)} {found}. Choose “link to the matched record” on the Salesforce "
                "tile, or change the rule's action to Allow.")))
        elif duplicate or not error.answered:
            outcome.retry = True  # no answer to read: stays pending, the batch is retried
        else:
            self._fail(outcome, error)

    def _update_members(self, outcomes: list[Outcome]) -> None:
        for chunk in _chunks(outcomes):
            self.guard()
            records = [self._member_update(o) for o in chunk]
            for outcome, result in zip(chunk, self.client.collection_update(records), strict=True):
                if result.get("success"):
                    self.stats.members_updated += 1
                else:
                    self._fail(outcome, record_error(result))

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
                self._fail(outcome, record_failure("DUPLICATE_VALUE", "Already a campaign member."))
                continue
            outcome.plan.member_id = member.id
            fields = outcome.plan.member_fields or {}
            downgrade = fields.get("Status") == self.setup.registered_status
            if member.status == self.setup.came_status and downgrade:
                fields["Status"] = member.status  # never downgrade "came" to "registered"
                outcome.plan.member_status = member.status
