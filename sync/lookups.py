"""What Salesforce holds for a batch's emails: one Composite call carrying the three look-ups.

The queries travel inside the Composite POST body, so 200 long emails never hit the 16 KB URI limit (414),
and the call counts once against the daily allowance instead of three times."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.conf import settings

from connector.salesforce.client import SalesforceClient, format_soql
from connector.salesforce.errors import from_status
from sync.planner import CONTACT, LEAD, Lookup, SalesforceMember, SalesforcePerson

CONTACTS_SOQL = "SELECT Id, Email, LastModifiedDate FROM Contact WHERE Email IN {}"
LEADS_SOQL = (
    "SELECT Id, Email, LastModifiedDate, IsConverted, ConvertedContactId FROM Lead WHERE Email IN {}"
)
# CampaignMember.Email is Salesforce's copy of the person's email: members of the batch's people in one
# query, without knowing their Ids yet. A member it misses (a Contact whose email differs from its converted
# Lead's) shows up as DUPLICATE_VALUE on create, which is looked up by person Id and updated.
MEMBERS_SOQL = (
    "SELECT Id, ContactId, LeadId, Status FROM CampaignMember WHERE CampaignId = {} AND Email IN {}"
)
MEMBERS_BY_PERSON_SOQL = (
    "SELECT Id, ContactId, LeadId, Status FROM CampaignMember WHERE CampaignId = {} "
    "AND (ContactId IN {} OR LeadId IN {})"
)


def _query_subrequest(soql: str, reference: str) -> dict[str, Any]:
    url = f"/services/data/v{settings.SALESFORCE_API_VERSION}/query/?q={quote(soql, safe='')}"
    return {"method": "GET", "url": url, "referenceId": reference}


def composite_queries(client: SalesforceClient, queries: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Run up to five SOQL queries as one Composite call; {reference: records}. A result of more than one
    page is followed by its nextRecordsUrl (a short locator path) in a further Composite, never by the
    query again as a plain GET: 200 long emails do not fit in a URL."""
    results: dict[str, list[dict[str, Any]]] = {reference: [] for reference in queries}
    subrequests = [_query_subrequest(soql, reference) for reference, soql in queries.items()]
    while subrequests:
        answers = client.composite(subrequests)
        subrequests = []
        for answer in answers:
            reference, body = answer.get("referenceId"), answer.get("body") or {}
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
        )
        for r in records
    ]


def members_from(records: list[dict[str, Any]]) -> list[SalesforceMember]:
    return [
        SalesforceMember(r["Id"], r.get("ContactId") or r.get("LeadId") or "", r.get("Status") or "")
        for r in records
    ]


def people_lookup(
    client: SalesforceClient, *, emails: Sequence[str], campaign_id: str, with_members: bool = True
) -> Lookup:
    emails = sorted({e.strip() for e in emails if e.strip()})
    if not emails:
        return Lookup()
    queries = {"contacts": format_soql(CONTACTS_SOQL, emails), "leads": format_soql(LEADS_SOQL, emails)}
    if with_members:
        queries["members"] = format_soql(MEMBERS_SOQL, campaign_id, emails)
    found = composite_queries(client, queries)
    return Lookup(
        contacts=_people(found["contacts"], CONTACT),
        leads=_people(found["leads"], LEAD),
        members=members_from(found.get("members", [])),
    )


def members_by_person(
    client: SalesforceClient, *, campaign_id: str, person_ids: Sequence[str]
) -> list[SalesforceMember]:
    contacts = [i for i in person_ids if i.startswith("003")] or [""]
    leads = [i for i in person_ids if i.startswith("00Q")] or [""]
    return members_from(client.query(format_soql(MEMBERS_BY_PERSON_SOQL, campaign_id, contacts, leads)))
