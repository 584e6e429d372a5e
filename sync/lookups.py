"""What Salesforce holds for a batch's emails: one Composite call carrying the look-ups.

The queries travel inside the Composite POST body, so a batch's emails never hit the 16 KB URI limit (414),
and the call counts once against the daily allowance instead of four times. A batch (up to 1,000
participants, sync.batches) fits one Composite while each statement stays within Salesforce's limit of
100,000 characters per SOQL statement (SOQL and SOSL Reference, "SOQL and SOSL Limits"): 1,000 emails of
average length take about 40,000. Longer ones split the batch's emails and Ids into as many Composites as
that limit needs; each holds at most four queries (Salesforce: at most 5 queries or sObject Collections per
Composite, Query More included), and the pages after the first follow in further Composites."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connector.salesforce.client import SalesforceClient, format_soql
from connector.salesforce.errors import from_status
from connector.salesforce.subrequests import query_subrequest
from sync.answers import object_of
from sync.planner import CONTACT, LEAD, Lookup, SalesforceMember, SalesforcePerson, email_key

# Contacts and Leads by the batch's emails, and by the Ids participants were linked to before (an email
# changed, a record matched on its name); by Id through queryAll, which also answers records a merge deleted,
# with their MasterRecordId (SOAP API, merge(); REST API Developer Guide, "QueryAll").
CONTACTS_SOQL = "SELECT Id, Email, LastModifiedDate, IsDeleted, MasterRecordId FROM Contact WHERE "
LEADS_SOQL = (
    "SELECT Id, Email, LastModifiedDate, IsConverted, ConvertedContactId, IsDeleted, MasterRecordId "
    "FROM Lead WHERE "
)
# Members of the batch's people in the same Composite, by email and by the linked Ids: CampaignMember.Email
# is documented only as the person's email, and whether it follows a later change is unknown. A member both
# miss shows up as DUPLICATE_VALUE on create, which is looked up by person Id and updated.
MEMBERS_SOQL = "SELECT Id, ContactId, LeadId, Status FROM CampaignMember WHERE CampaignId = {} AND "
# The campaign's statuses, read in every batch's look-up (the same Composite: no extra call), since renaming
# or deleting one in Salesforce tells no integration.
STATUSES_SOQL = "SELECT Label FROM CampaignMemberStatus WHERE CampaignId = {}"


def any_of(**values: Sequence[str]) -> str:
    """`(A IN (...) OR B IN (...))` over the non-empty lists only: never `IN ('')`."""
    parts = [format_soql(f"{name} IN {{}}", list(items)) for name, items in values.items() if items]
    return f"({' OR '.join(parts)})" if parts else ""


ALL_ROWS = ":all"  # a reference ending so is run as queryAll


def composite_queries(client: SalesforceClient, queries: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Run up to five SOQL queries as one Composite call; {reference: records}. A result of more than one
    page is followed by its nextRecordsUrl (a short locator path) in a further Composite, never by the
    query again as a plain GET: 200 long emails do not fit in a URL."""
    results: dict[str, list[dict[str, Any]]] = {reference: [] for reference in queries}
    subrequests = [query_subrequest(soql, reference, all_rows=reference.endswith(ALL_ROWS))
                   for reference, soql in queries.items()]
    while subrequests:
        answers = client.composite(subrequests)
        subrequests = []
        for answer in answers:
            reference, body = answer["referenceId"], answer.get("body") or {}
            status = int(answer.get("httpStatusCode") or 200)
            if status >= 400:
                raise from_status(status, body)
            results[reference].extend(body.get("records", []))
            if not body.get("done", True) and body.get("nextRecordsUrl"):
                subrequests.append({"method": "GET", "url": body["nextRecordsUrl"], "referenceId": reference})
    return results


def _people(records: list[dict[str, Any]], object_name: str) -> list[SalesforcePerson]:
    return [
        SalesforcePerson(
            id=r["Id"],
            object_name=object_name,
            email=r.get("Email") or "",
            last_modified=r.get("LastModifiedDate") or "",
            is_converted=bool(r.get("IsConverted")),
            converted_contact_id=r.get("ConvertedContactId") or "",
            is_deleted=bool(r.get("IsDeleted")),
            master_record_id=r.get("MasterRecordId") or "",
        )
        for r in records
    ]


def members_from(records: list[dict[str, Any]]) -> list[SalesforceMember]:
    return [
        SalesforceMember(r["Id"], r.get("ContactId") or r.get("LeadId") or "", r.get("Status") or "")
        for r in records
    ]


def people_lookup(
    client: SalesforceClient,
    *,
    emails: Sequence[str],
    campaign_id: str,
    linked_ids: Sequence[str] = (),
    with_members: bool = True,
) -> Lookup:
    # Lower-cased as Salesforce stores them: the filter then never relies on SOQL's case-insensitive
    # comparison, which follows the querying user's locale (Turkish İ/i).
    emails = sorted({email_key(e) for e in emails if email_key(e)})
    contact_ids = sorted({i for i in linked_ids if object_of(i) == CONTACT})
    lead_ids = sorted({i for i in linked_ids if object_of(i) == LEAD})
    if not emails and not linked_ids:
        return Lookup()
    found: dict[str, dict[str, dict[str, Any]]] = {"contacts": {}, "leads": {}, "members": {}}
    statuses: list[str] | None = None
    for n, queries in enumerate(_query_groups(emails, contact_ids, lead_ids, campaign_id, with_members)):
        if with_members and n == 0:
            queries["statuses"] = format_soql(STATUSES_SOQL, campaign_id)
        for reference, records in composite_queries(client, queries).items():
            if reference == "statuses":
                statuses = [r.get("Label") or "" for r in records]
                continue
            # A record found in two groups (by email in one, by Id in the other) is kept once.
            found[reference.removesuffix(ALL_ROWS)].update((r["Id"], r) for r in records)
    return Lookup(
        contacts=_people(list(found["contacts"].values()), CONTACT),
        leads=_people(list(found["leads"].values()), LEAD),
        members=members_from(list(found["members"].values())),
        statuses=statuses,
    )


MAX_STATEMENT = 100_000  # characters of one SOQL statement (Salesforce's limit)


def _queries(emails: list[str], contact_ids: list[str], lead_ids: list[str], campaign_id: str,
             with_members: bool) -> dict[str, str]:
    by_id = ALL_ROWS if contact_ids or lead_ids else ""
    queries = {
        f"contacts{by_id}": CONTACTS_SOQL + any_of(Email=emails, Id=contact_ids),
        f"leads{by_id}": LEADS_SOQL + any_of(Email=emails, Id=lead_ids),
    }
    if with_members:
        people = any_of(Email=emails, ContactId=contact_ids, LeadId=lead_ids)
        queries["members"] = format_soql(MEMBERS_SOQL, campaign_id) + people
    # A query with an empty filter would read the whole object: only the ones with something to look for.
    return {reference: soql for reference, soql in queries.items() if not soql.endswith("WHERE ")}


def _query_groups(emails: list[str], contact_ids: list[str], lead_ids: list[str], campaign_id: str,
                  with_members: bool, limit: int = MAX_STATEMENT) -> list[dict[str, str]]:
    """The look-up queries, split in halves until every statement is within Salesforce's length limit."""
    queries = _queries(emails, contact_ids, lead_ids, campaign_id, with_members)
    lists = (emails, contact_ids, lead_ids)
    if all(len(soql) <= limit for soql in queries.values()) or sum(map(len, lists)) < 2:
        return [queries] if queries else []
    first = tuple(items[: len(items) // 2] for items in lists)
    second = tuple(items[len(items) // 2 :] for items in lists)
    return [group for half in (first, second)
            for group in _query_groups(half[0], half[1], half[2], campaign_id, with_members, limit)]


def members_by_person(
    client: SalesforceClient, *, campaign_id: str, person_ids: Sequence[str]
) -> list[SalesforceMember]:
    people = any_of(ContactId=[i for i in person_ids if object_of(i) == CONTACT],
                    LeadId=[i for i in person_ids if object_of(i) == LEAD])
    if not people:
        return []
    return members_from(client.query(format_soql(MEMBERS_SOQL, campaign_id) + people))
