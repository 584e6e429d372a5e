"""A batch's writes as sObject Collections subrequests of Composite calls (docs/salesforce.md §3).

A Composite counts as one API call whatever it carries, and takes Collections subrequests since v43: so
creating the new people, updating the known ones and writing every membership costs one call per 1,000
records (500 new people with their memberships).
The memberships of people created in the same call name them by reference into the create's result list,
`"LeadId": "@{newPeople0[3].id}"`; when that create failed the reference has no value and Salesforce halts
that whole subrequest (400 PROCESSING_HALTED), which the executor repairs with one more call.

Salesforce allows 25 subrequests per Composite, at most 5 of them queries or sObject Collections: every
subrequest here is a Collections one, so a Composite holds at most 5. A people create travels with the
memberships that refer to it (a reference only reaches a subrequest of the same Composite), except in a
call's fifth place: a create sent there alone has its memberships follow in the next call, by the Ids it
answered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from connector.salesforce.subrequests import api_path
from sync.outcome import Outcome

if TYPE_CHECKING:
    from connector.salesforce.client import SalesforceClient

COMPOSITE_COLLECTIONS = 5
COMPOSITE_SUBREQUESTS = 25  # Salesforce's limit of subrequests per Composite (REST API Developer Guide)

PEOPLE_CREATE = "people_create"
PEOPLE_UPDATE = "people_update"
MEMBERS_CREATE = "members_create"  # memberships of people Salesforce already had
NEW_MEMBERS_CREATE = "new_members_create"  # memberships of people created in the same Composite
MEMBERS_UPDATE = "members_update"


def collections_url() -> str:
    return api_path("composite/sobjects")


@dataclass
class WriteRequest:
    """One Collections subrequest: its records (≤ 200) and the outcome each one belongs to, in order."""

    reference: str
    kind: str
    outcomes: list[Outcome]
    records: list[dict[str, Any]]
    status: int = 0  # the subrequest's httpStatusCode once sent
    body: Any = None  # one result per record (status 200), or an error list

    @property
    def method(self) -> str:
        return "PATCH" if self.kind in (PEOPLE_UPDATE, MEMBERS_UPDATE) else "POST"

    def subrequest(self) -> dict[str, Any]:
        # allOrNone false inside too: one refused record must not roll back the other 199.
        return {
            "method": self.method,
            "url": collections_url(),
            "referenceId": self.reference,
            "body": {"allOrNone": False, "records": self.records},
        }


def pack(units: list[list[WriteRequest]]) -> list[list[WriteRequest]]:
    """The Composite calls of a batch whose creates all succeed: `take` call after call, the memberships it
    split off going in a later call, as the executor sends them."""
    calls: list[list[WriteRequest]] = []
    while units:
        call, units, split = take(units)
        calls.append(call)
        if split is not None:
            units.append([WriteRequest(f"joins{len(calls)}", MEMBERS_CREATE, split.outcomes, [])])
    return calls


def take(
    units: list[list[WriteRequest]],
) -> tuple[list[WriteRequest], list[list[WriteRequest]], WriteRequest | None]:
    """The next Composite call: whole units, first fit, in order, never splitting a unit (a people create
    and the memberships referring to it, in that order), so a single subrequest fills the place two creates
    with their memberships leave. Room still left takes the people create of a unit that does not fit
    whole: its memberships subrequest (returned third, unsent) goes in a later call, by the Ids the create
    answered, since a reference only reaches a subrequest of the same Composite. So 1,000 new people and
    their memberships take 2 calls, not 3."""
    call: list[WriteRequest] = []
    left: list[list[WriteRequest]] = []
    for unit in units:
        if len(call) + len(unit) <= COMPOSITE_COLLECTIONS:
            call.extend(unit)
        else:
            left.append(unit)
    for unit in left:
        pair = [r.kind for r in unit] == [PEOPLE_CREATE, NEW_MEMBERS_CREATE]
        if pair and len(call) < COMPOSITE_COLLECTIONS:
            call.append(unit[0])
            left.remove(unit)
            return call, left, unit[1]
    return call, left, None


def send(client: SalesforceClient, call: list[WriteRequest], *, records: Sequence[dict[str, Any]] = (),
         allow_duplicates: bool = False) -> dict[str, dict[str, Any]]:
    """One Composite call (allOrNone false: subrequests that do not depend on a failed one still run);
    fills each request's status and body. `records`: single-record subrequests riding in the same call
    (they count toward its 25 subrequests, not toward its 5 Collections); returns every answer by
    reference."""
    subrequests = [*(r.subrequest() for r in call), *records]
    answered = client.composite(subrequests, allow_duplicates=allow_duplicates)
    answers = {str(a.get("referenceId")): a for a in answered}
    for request in call:
        answer = answers.get(request.reference) or {}
        request.status = int(answer.get("httpStatusCode") or 500)
        request.body = answer.get("body")
    return answers
