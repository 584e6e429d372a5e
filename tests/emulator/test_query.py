"""§3 query and queryAll: shapes, paging with path-only nextRecordsUrl, errors, the URI limit."""

from urllib.parse import quote

import pytest
from simple_salesforce import SalesforceMalformedRequest


def _leads(sf, count: int) -> None:
    for start in range(0, count, 200):
        sf.restful(
            "composite/sobjects",
            method="POST",
            json={
                "records": [
                    {"attributes": {"type": "Lead"}, "LastName": f"P{i}", "Company": "Bulk"}
                    for i in range(start, min(count, start + 200))
                ]
            },
        )


def test_query_shape_with_parent_field(sf):
    result = sf.query("SELECT Id, Status, Campaign.Name FROM CampaignMember WHERE Status = 'registered'")
    assert result["totalSize"] == 1 and result["done"] is True
    record = result["records"][0]
    assert (
        record["attributes"]["type"] == "CampaignMember"
        and record["Campaign"]["Name"] == "World Tour Paris 2026"
    )


def test_empty_and_count_queries(sf):
    assert sf.query("SELECT Id FROM Lead WHERE Email = 'nobody@example.org'") == {
        "totalSize": 0,
        "done": True,
        "records": [],
    }
    assert sf.query("SELECT COUNT() FROM Campaign WHERE Name = 'Duplicate Name Campaign'")["totalSize"] == 2


def test_email_comparison_is_case_insensitive(sf):
    assert sf.query("SELECT Id FROM Contact WHERE Email = 'AMELIE.DURAND@example.com'")["totalSize"] == 1


def test_paging_uses_path_only_next_records_url_and_batch_size_header(sf, salesforce_emulator):
    _leads(sf, 450)
    sf.session.headers["Sforce-Query-Options"] = "batchSize=200"
    first = sf.query("SELECT Id FROM Lead WHERE Company = 'Bulk'")
    assert first["totalSize"] == 450 and first["done"] is False and len(first["records"]) == 200
    assert first["nextRecordsUrl"].startswith("/services/data/v62.0/query/01g") and first[
        "nextRecordsUrl"
    ].endswith("-200")
    everything = sf.query_all("SELECT Id FROM Lead WHERE Company = 'Bulk'")
    assert len({r["Id"] for r in everything["records"]}) == 450


def test_default_batch_is_2000(sf):
    _leads(sf, 2100)
    first = sf.query("SELECT Id FROM Lead WHERE Company = 'Bulk'")
    assert len(first["records"]) == 2000 and not first["done"]
    rest = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert len(rest["records"]) == 100 and rest["done"]


def test_query_all_sees_deleted_records(sf):
    lead = sf.Lead.create({"LastName": "Gone", "Company": "C"})["id"]
    sf.Lead.delete(lead)
    assert sf.query(f"SELECT Id FROM Lead WHERE Id = '{lead}'")["totalSize"] == 0
    assert (
        sf.query_all(f"SELECT Id, IsDeleted FROM Lead WHERE Id = '{lead}'", include_deleted=True)["totalSize"]
        == 1
    )


@pytest.mark.parametrize(
    "soql, code",
    [
        ("SELECT Id FROM Lead WHERE", "MALFORMED_QUERY"),
        ("SELECT Id FROM Lead WHERE Email = 'a\\qb'", "MALFORMED_QUERY"),
        ("SELECT Nope FROM Lead", "INVALID_FIELD"),
        ("SELECT Id FROM Nope", "INVALID_TYPE"),
    ],
)
def test_query_errors_have_the_real_codes_and_no_fields_key(sf, soql, code):
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query(soql)
    error = raised.value.content[0]
    assert error["errorCode"] == code and "fields" not in error


def test_invalid_query_locator(http):
    response = http.get(f"{http.base}/query/01gEm0000000000-2000")
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_uri_over_16384_bytes_is_414_and_long_soql_goes_through_composite(http, sf):
    soql = "SELECT Id FROM Lead WHERE Email IN (" + ",".join(f"'p{i}@example.org'" for i in range(1000)) + ")"
    assert http.get(f"{http.base}/query/", params={"q": soql}).status_code == 414
    response = sf.restful(
        "composite",
        method="POST",
        json={
            "compositeRequest": [
                {
                    "method": "GET",
                    "referenceId": "q",
                    "url": "/services/data/v62.0/query/?q=" + soql.replace(" ", "+"),
                }
            ]
        },
    )
    assert response["compositeResponse"][0]["httpStatusCode"] == 200


def test_the_polymorphic_lead_owner_is_queried_through_the_user_it_points_to(sf):
    owner = sf.Lead.describe()["fields"]
    assert next(f for f in owner if f["name"] == "OwnerId")["referenceTo"] == ["Group", "User"]
    record = sf.query("SELECT Id, Owner.Name FROM Lead LIMIT 1")["records"][0]
    assert record["Owner"]["attributes"]["type"] == "User" and record["Owner"]["Name"]


def _query(soql: str, reference: str) -> dict:
    return {"method": "GET", "referenceId": reference, "url": "/services/data/v62.0/query/?q=" + quote(soql)}


def _ids(answer: dict) -> list[str]:
    return [r["Id"] for r in answer["body"]["records"]]


def test_email_look_ups_answer_what_any_other_filter_would_in_the_same_order(sf, salesforce_emulator):
    """`Email IN (...)` is answered through an index: the same records, in the same order, as a filter that
    reads every record (an OR with another field), before and after the writes of the same Composite."""
    known = [r for r in salesforce_emulator.records("Lead") if r["Email"]]
    emails = [known[0]["Email"].upper(), known[1]["Email"], "new.1@example.org", "NEW.2@example.org",
              "moved@example.org", "nobody@example.org"]
    listed = ", ".join(f"'{e}'" for e in emails)
    indexed = f"SELECT Id, Email FROM Lead WHERE Email IN ({listed})"
    scanned = f"SELECT Id, Email FROM Lead WHERE (Email IN ({listed}) OR Company = 'No Such Company')"
    new = [_lead_with(f"new.{i}@example.org") for i in (1, 2)]
    new.append(_lead_with("new.3@example.org", LastName=None))  # refused: its staging is undone
    lead_url = "/services/data/v62.0/sobjects/Lead/"
    writes = [
        {"method": "POST", "referenceId": "created", "url": "/services/data/v62.0/composite/sobjects",
         "body": {"allOrNone": False, "records": new}},
        {"method": "PATCH", "referenceId": "moved", "body": {"Email": "moved@example.org"},
         "url": lead_url + known[2]["Id"]},
        {"method": "DELETE", "referenceId": "deleted", "url": lead_url + known[1]["Id"]},
    ]
    requests = [_query(indexed, "before"), *writes, _query(indexed, "indexed"), _query(scanned, "scanned")]
    answers = sf.restful("composite", method="POST", json={"compositeRequest": requests})["compositeResponse"]
    before, indexed_answer, scanned_answer = answers[0], answers[4], answers[5]
    assert _ids(before) == [known[0]["Id"], known[1]["Id"]]
    assert indexed_answer["body"] == scanned_answer["body"]
    assert len(_ids(indexed_answer)) == 4 and known[2]["Id"] in _ids(indexed_answer)
    committed = sf.query(indexed), sf.query(scanned)
    assert committed[0] == committed[1] and _ids({"body": committed[0]}) == _ids(indexed_answer)


def test_campaign_members_are_looked_up_by_email_within_their_campaign(sf, salesforce_emulator):
    member = next(r for r in salesforce_emulator.records("CampaignMember") if r["Email"])
    soql = "SELECT Id FROM CampaignMember WHERE CampaignId = '{}' AND Email IN ('{}', 'x@example.org')"
    found = sf.query(soql.format(member["CampaignId"], member["Email"].upper()))["records"]
    assert [r["Id"] for r in found] == [member["Id"]]
    other = next(c["Id"] for c in salesforce_emulator.records("Campaign") if c["Id"] != member["CampaignId"])
    assert sf.query(soql.format(other, member["Email"]))["totalSize"] == 0


def _lead_with(email: str, **extra) -> dict:
    return {"attributes": {"type": "Lead"}, "LastName": "Indexed", "Company": "Co", "Email": email, **extra}
