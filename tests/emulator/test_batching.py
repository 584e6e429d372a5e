"""§3 sObject Collections and Composite: one API call each, per-record results, references, allOrNone."""

import pytest
from simple_salesforce import SalesforceMalformedRequest

from tests.emulator.conftest import campaign_id, record_id


def _lead(i: int, **extra) -> dict:
    return {"attributes": {"type": "Lead"}, "LastName": f"Lead {i}", "Company": "Co", **extra}


def test_collections_create_answers_one_result_per_record_in_order(sf, salesforce_emulator):
    results = sf.restful(
        "composite/sobjects",
        method="POST",
        json={"allOrNone": False, "records": [_lead(1), _lead(2, Company=None), _lead(3, Email="bad@")]},
    )
    assert results[0]["success"] and results[0]["id"].startswith("00Q")
    assert results[1] == {
        "success": False,
        "errors": [
            {
                "statusCode": "REQUIRED_FIELD_MISSING",
                "message": "Required fields are missing: [Company]",
                "fields": ["Company"],
            }
        ],
    }
    assert results[2]["errors"][0]["statusCode"] == "INVALID_EMAIL_ADDRESS"
    assert salesforce_emulator.stats()["by_endpoint"] == {"POST /composite/sobjects": 1}
    assert sum(r["LastName"].startswith("Lead ") for r in salesforce_emulator.records("Lead")) == 1


def test_collections_all_or_none_rolls_back_the_valid_records(sf, salesforce_emulator):
    results = sf.restful(
        "composite/sobjects",
        method="POST",
        json={"allOrNone": True, "records": [_lead(1), _lead(2, LastName=None)]},
    )
    assert results[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert results[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert not any(r["LastName"].startswith("Lead ") for r in salesforce_emulator.records("Lead"))


def test_collections_over_200_records_is_a_400(sf):
    with pytest.raises(SalesforceMalformedRequest):
        sf.restful("composite/sobjects", method="POST", json={"records": [_lead(i) for i in range(201)]})


def test_collections_update_upsert_retrieve_delete(sf, salesforce_emulator):
    created = sf.restful("composite/sobjects", method="POST", json={"records": [_lead(1), _lead(2)]})
    first, second = created[0]["id"], created[1]["id"]
    updated = sf.restful(
        "composite/sobjects",
        method="PATCH",
        json={
            "records": [
                {"attributes": {"type": "Lead"}, "Id": first, "Title": "CTO"},
                {"attributes": {"type": "Lead"}, "Title": "no id"},
            ]
        },
    )
    assert updated[0] == {"id": first, "success": True, "errors": []} and not updated[1]["success"]
    upserted = sf.restful(
        "composite/sobjects/Lead/Participant_Key__c",
        method="PATCH",
        json={
            "records": [
                {"attributes": {"type": "Lead"}, "Participant_Key__c": "k1", "LastName": "U", "Company": "C"}
            ]
        },
    )
    assert upserted[0]["created"] is True
    again = sf.restful(
        "composite/sobjects/Lead/Participant_Key__c",
        method="PATCH",
        json={"records": [{"attributes": {"type": "Lead"}, "Participant_Key__c": "k1", "Title": "T"}]},
    )
    assert again[0] == {"id": upserted[0]["id"], "success": True, "errors": [], "created": False}
    fetched = sf.restful(
        "composite/sobjects/Lead", method="POST", json={"ids": [first, second], "fields": ["Id", "Title"]}
    )
    assert [r["Title"] for r in fetched] == ["CTO", None]
    deleted = sf.restful("composite/sobjects", method="DELETE", params={"ids": f"{first},{second}"})
    assert [r["success"] for r in deleted] == [True, True]
    deleted_again = sf.restful("composite/sobjects", method="DELETE", params={"ids": first})
    assert deleted_again[0]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"


def test_collections_duplicate_rule_error_shape(sf, salesforce_emulator):
    # The standard rules are on by default (action Allow): a Lead named like the Contact Seán O'Connor
    # with his email is refused, and a Collections result names no record.
    twin = _lead(1, FirstName="Sean", LastName="O'Connor", Email="sean.oconnor@example.ie")
    results = sf.restful("composite/sobjects", method="POST", json={"records": [twin]})
    assert results[0]["errors"] == [
        {"statusCode": "DUPLICATES_DETECTED", "message": "Use one of these records?", "fields": []}
    ]


def test_composite_resolves_references_and_counts_one_call(sf, salesforce_emulator):
    paris = campaign_id(salesforce_emulator, "World Tour Paris 2026")
    base = "/services/data/v62.0"
    response = sf.restful(
        "composite",
        method="POST",
        json={
            "allOrNone": False,
            "compositeRequest": [
                {
                    "method": "GET",
                    "referenceId": "campaign",
                    "url": f"{base}/query/?q=SELECT+Id+FROM+Campaign+WHERE+Name+%3D+"
                    "%27World+Tour+Paris+2026%27",
                },
                {
                    "method": "POST",
                    "url": f"{base}/sobjects/Lead/",
                    "referenceId": "newLead",
                    "body": {"LastName": "Ref", "Company": "C", "Email": "ref@example.org"},
                },
                {
                    "method": "POST",
                    "url": f"{base}/sobjects/CampaignMember/",
                    "referenceId": "member",
                    "body": {
                        "CampaignId": "@{campaign.records[0].Id}",
                        "LeadId": "@{newLead.id}",
                        "Status": "Registered",
                    },
                },
                {
                    "method": "PATCH",
                    "url": f"{base}/sobjects/Lead/@{{newLead.id}}",
                    "referenceId": "touch",
                    "body": {"Title": "Dr"},
                },
            ],
        },
    )["compositeResponse"]
    assert [r["httpStatusCode"] for r in response] == [200, 201, 201, 204]
    assert response[1]["httpHeaders"]["Location"].endswith(response[1]["body"]["id"])
    assert response[3]["body"] is None and response[3]["referenceId"] == "touch"
    member = next(m for m in salesforce_emulator.records("CampaignMember") if m["Email"] == "ref@example.org")
    assert member["CampaignId"] == paris and member["Status"] == "Registered"
    assert salesforce_emulator.stats()["api_calls"] == 1


def test_composite_all_or_none_halts_and_rolls_back(sf, salesforce_emulator):
    base = "/services/data/v62.0"
    response = sf.restful(
        "composite",
        method="POST",
        json={
            "allOrNone": True,
            "compositeRequest": [
                {
                    "method": "POST",
                    "url": f"{base}/sobjects/Lead/",
                    "referenceId": "ok",
                    "body": {"LastName": "A", "Company": "C"},
                },
                {
                    "method": "POST",
                    "url": f"{base}/sobjects/Lead/",
                    "referenceId": "bad",
                    "body": {"LastName": "B"},
                },
                {
                    "method": "POST",
                    "url": f"{base}/sobjects/Lead/",
                    "referenceId": "after",
                    "body": {"LastName": "C", "Company": "C"},
                },
            ],
        },
    )["compositeResponse"]
    assert [r["httpStatusCode"] for r in response] == [400, 400, 400]
    assert response[0]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    assert response[1]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert response[2]["body"][0]["message"] == (
        "The transaction was rolled back since another operation in the same transaction failed."
    )
    assert len(salesforce_emulator.records("Lead")) == 3


def test_composite_reference_to_a_missing_value_is_processing_halted(sf):
    base = "/services/data/v62.0"
    response = sf.restful(
        "composite",
        method="POST",
        json={
            "compositeRequest": [
                {
                    "method": "GET",
                    "referenceId": "newLead",
                    "url": f"{base}/query/?q=SELECT+Id+FROM+Lead+WHERE+Email+%3D+%27none%27",
                },
                {
                    "method": "POST",
                    "url": f"{base}/sobjects/CampaignMember/",
                    "referenceId": "member",
                    "body": {"LeadId": "@{newLead.records[0].Id}"},
                },
            ]
        },
    )["compositeResponse"]
    assert response[1]["httpStatusCode"] == 400
    assert response[1]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    assert response[1]["body"][0]["message"].startswith(
        "Invalid reference specified. No value for newLead.records[0].Id found in newLead"
    )


def test_composite_refuses_a_sixth_subrequest_that_is_a_query_or_an_sobject_collection(sf):
    query = {"method": "GET", "url": "/services/data/v62.0/query/?q=SELECT+Id+FROM+Lead"}
    collection = {
        "method": "POST",
        "url": "/services/data/v62.0/composite/sobjects",
        "body": {"records": [{"attributes": {"type": "Lead"}, "LastName": "X", "Company": "C"}]},
    }
    five = [{**query, "referenceId": f"q{i}"} for i in range(3)]
    five += [{**collection, "referenceId": f"c{i}"} for i in range(2)]
    answer = sf.restful("composite", method="POST", json={"compositeRequest": five})
    assert [r["httpStatusCode"] for r in answer["compositeResponse"]] == [200, 200, 200, 200, 200]
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.restful(
            "composite",
            method="POST",
            json={"compositeRequest": [*five, {**collection, "referenceId": "c9"}]},
        )
    assert refused.value.content[0]["errorCode"] == "LIMIT_EXCEEDED"


def test_composite_limits_25_subrequests_and_5_queries(sf):
    query = {"method": "GET", "url": "/services/data/v62.0/query/?q=SELECT+Id+FROM+Lead"}
    with pytest.raises(SalesforceMalformedRequest):
        sf.restful(
            "composite",
            method="POST",
            json={"compositeRequest": [{**query, "referenceId": f"q{i}"} for i in range(6)]},
        )
    more = {"method": "GET", "url": "/services/data/v62.0/query/01gEm0000000001-2000"}
    with pytest.raises(SalesforceMalformedRequest) as raised:  # Query More counts as a query
        sf.restful(
            "composite",
            method="POST",
            json={"compositeRequest": [{**query, "referenceId": f"q{i}"} for i in range(5)]
                  + [{**more, "referenceId": "more"}]},
        )
    assert raised.value.content[0]["errorCode"] == "LIMIT_EXCEEDED"
    create = {
        "method": "POST",
        "url": "/services/data/v62.0/sobjects/Lead/",
        "body": {"LastName": "X", "Company": "C"},
    }
    with pytest.raises(SalesforceMalformedRequest):
        sf.restful(
            "composite",
            method="POST",
            json={"compositeRequest": [{**create, "referenceId": f"c{i}"} for i in range(26)]},
        )


def test_a_lead_and_contact_with_the_same_email_may_both_be_members(sf, salesforce_emulator):
    paris = campaign_id(salesforce_emulator, "World Tour Paris 2026")
    lead = sf.Lead.create({"LastName": "Durand", "Company": "C", "Email": "amelie.durand@example.com"})["id"]
    results = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "records": [
                {
                    "attributes": {"type": "CampaignMember"},
                    "CampaignId": paris,
                    "LeadId": lead,
                    "Status": "Registered",
                },
                {"attributes": {"type": "CampaignMember"}, "CampaignId": paris, "LeadId": lead},
            ]
        },
    )
    assert results[0]["success"] and results[1]["errors"][0]["statusCode"] == "DUPLICATE_VALUE"
    emails = [m["Email"] for m in salesforce_emulator.records("CampaignMember") if m["CampaignId"] == paris]
    assert emails.count("amelie.durand@example.com") == 2
    assert record_id(salesforce_emulator, "Contact", "amelie.durand@example.com")


def test_composite_runs_collections_subrequests_with_references_to_their_results(sf, salesforce_emulator):
    paris = campaign_id(salesforce_emulator, "World Tour Paris 2026")
    collections = "/services/data/v62.0/composite/sobjects"

    def member(lead_ref: str) -> dict:
        return {"attributes": {"type": "CampaignMember"}, "CampaignId": paris, "LeadId": lead_ref}

    response = sf.restful(
        "composite",
        method="POST",
        json={
            "allOrNone": True,
            "compositeRequest": [
                {
                    "method": "POST",
                    "url": collections,
                    "referenceId": "newLeads",
                    "body": {"records": [_lead(i, Email=f"c{i}@example.org") for i in range(3)]},
                },
                {
                    "method": "POST",
                    "url": collections,
                    "referenceId": "newMembers",
                    "body": {"records": [member("@{newLeads[0].id}"), member("@{newLeads[2].id}")]},
                },
                {
                    "method": "POST",
                    "url": collections,
                    "referenceId": "again",
                    "body": {"records": [member("@{newLeads[2].id}")]},
                },
            ],
        },
    )["compositeResponse"]
    assert [r["httpStatusCode"] for r in response] == [200, 200, 200]
    leads = [r["id"] for r in response[0]["body"]]
    assert all(r["success"] for r in response[1]["body"])
    assert response[2]["body"][0]["errors"][0]["statusCode"] == "DUPLICATE_VALUE"
    members = {m["LeadId"] for m in salesforce_emulator.records("CampaignMember") if m["CampaignId"] == paris}
    assert leads[0] in members and leads[2] in members and leads[1] not in members
    assert salesforce_emulator.stats()["api_calls"] == 1
