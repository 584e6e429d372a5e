"""§3 single records, upsert, describe and Ids, through simple-salesforce."""

import json
from pathlib import Path

import pytest
from simple_salesforce import (
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceResourceNotFound,
)

from salesforce_emulator import ids

DESCRIBE_KEYS = set(
    "aggregatable aiPredictionField autoNumber byteLength calculated calculatedFormula cascadeDelete "
    "caseSensitive compoundFieldName controllerName createable custom defaultValue "
    "defaultValueFormula defaultedOnCreate dependentPicklist deprecatedAndHidden digits "
    "displayLocationInDecimal encrypted externalId extraTypeInfo filterable filteredLookupInfo "
    "formulaTreatNullNumberAsZero groupable highScaleNumber htmlFormatted idLookup inlineHelpText "
    "label length mask maskType name nameField namePointing nillable permissionable picklistValues "
    "polymorphicForeignKey precision queryByDistance referenceTargetField referenceTo "
    "relationshipName relationshipOrder restrictedDelete restrictedPicklist scale searchPrefilterable "
    "soapType sortable type unique updateable writeRequiresMasterRead".split()
)
OBJECTS = ["Account", "Contact", "Lead", "Campaign", "CampaignMember", "CampaignMemberStatus", "User"]


def test_versions_list_is_uncounted_and_spans_42_to_62(salesforce_emulator):
    versions = salesforce_emulator.session().get(f"{salesforce_emulator.url}/services/data/").json()
    assert versions[0]["version"] == "42.0" and versions[-1] == {
        "label": "Winter '25",
        "url": "/services/data/v62.0",
        "version": "62.0",
    }
    assert salesforce_emulator.stats()["api_calls"] == 0


@pytest.mark.parametrize("object_name", OBJECTS)
def test_describe_lists_every_real_key_on_every_field(sf, object_name):
    fields = getattr(sf, object_name).describe()["fields"]
    assert fields and all(set(f) == DESCRIBE_KEYS for f in fields)


def test_describe_shows_setup_types_and_real_standard_fields(sf):
    fields = {f["name"]: f for f in sf.Lead.describe()["fields"]}
    assert (
        fields["Email"]["type"] == "email" and fields["Email"]["idLookup"] and fields["Email"]["length"] == 80
    )
    assert not fields["LastName"]["nillable"] and fields["Company"]["length"] == 255
    assert fields["Status"]["defaultedOnCreate"] and not fields["IsConverted"]["updateable"]
    assert fields["Tshirt_Size__c"]["length"] == 40 and fields["Tshirt_Size__c"]["custom"]
    assert fields["Registration_Number__c"]["autoNumber"] and fields["Badge_Label__c"]["calculated"]
    assert fields["Home_Location__c"]["type"] == "location" and "Home_Location__Latitude__s" in fields
    assert fields["Passport_Number__c"]["type"] == "encryptedstring" and fields["Bio__c"]["htmlFormatted"]
    assert fields["Notes__c"]["extraTypeInfo"] == "plaintextarea" and not fields["Notes__c"]["filterable"]
    assert fields["Interests__c"]["type"] == "multipicklist" and fields["Referrer__c"]["referenceTo"] == [
        "Account"
    ]
    account = {f["name"]: f for f in sf.Account.describe()["fields"]}
    assert account["Parent_Campaign__c"]["cascadeDelete"] and not account["Parent_Campaign__c"]["nillable"]
    global_describe = sf.describe()
    assert global_describe["maxBatchSize"] == 200 and {o["name"] for o in global_describe["sobjects"]} >= set(
        OBJECTS
    )


def test_create_read_update_delete_a_lead(sf, salesforce_emulator):
    created = sf.Lead.create({"LastName": "Nguyen", "Company": "Lotus", "Email": "an@example.vn"})
    lead_id = created["id"]
    assert created == {"id": lead_id, "success": True, "errors": []}
    assert len(lead_id) == 18 and lead_id.startswith("00Q") and ids.checksum(lead_id[:15]) == lead_id[15:]
    lead = sf.Lead.get(lead_id)
    assert lead["Status"] == "Open - Not Contacted" and lead["attributes"]["url"].endswith(lead_id)
    assert lead["CreatedDate"].endswith("+0000") and lead["IsConverted"] is False
    assert sf.Lead.update(lead_id, {"Title": "CEO"}) == 204
    assert sf.Lead.get(lead_id[:15])["Title"] == "CEO"
    assert sf.Lead.delete(lead_id) == 204
    with pytest.raises(SalesforceResourceNotFound) as raised:
        sf.Lead.delete(lead_id)
    assert raised.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"
    with pytest.raises(SalesforceResourceNotFound) as raised:
        sf.Lead.get(lead_id)
    assert raised.value.content[0] == {
        "message": "The requested resource does not exist",
        "errorCode": "NOT_FOUND",
    }


def test_create_answers_201_with_a_location_header(http):
    response = http.post(f"{http.base}/sobjects/Contact/", json={"LastName": "Okafor"})
    assert response.status_code == 201
    assert response.headers["Location"] == f"/services/data/v62.0/sobjects/Contact/{response.json()['id']}"
    assert response.headers["Sforce-Limit-Info"] == "api-usage=1/15000"


def test_unknown_object_is_not_found(http):
    response = http.post(f"{http.base}/sobjects/Nope__c/", json={})
    assert response.status_code == 404 and response.json()[0]["errorCode"] == "NOT_FOUND"


def test_upsert_by_email_creates_then_updates_then_refuses_ambiguity(sf, salesforce_emulator):
    assert sf.Lead.upsert("Email/new.person@example.org", {"LastName": "New", "Company": "Co"}) == 201
    assert sf.Lead.upsert("Email/new.person@example.org", {"Title": "Boss"}) == 200
    lead = next(r for r in salesforce_emulator.records("Lead") if r["Email"] == "new.person@example.org")
    assert lead["Title"] == "Boss"
    sf.Lead.create({"LastName": "Twin", "Company": "Co", "Email": "new.person@example.org"})
    with pytest.raises(SalesforceMoreThanOneRecord) as raised:
        sf.Lead.upsert("Email/new.person@example.org", {"Title": "?"})
    assert raised.value.status == 300 and len(raised.value.content) == 2


def test_upsert_answers_created_flag_in_body(http):
    first = http.patch(
        f"{http.base}/sobjects/Lead/Participant_Key__c/evt-1-42", json={"LastName": "K", "Company": "C"}
    )
    assert first.status_code == 201 and first.json()["created"] is True
    second = http.patch(f"{http.base}/sobjects/Lead/Participant_Key__c/evt-1-42", json={"Title": "T"})
    assert second.status_code == 200 and second.json() == {
        "id": first.json()["id"],
        "success": True,
        "errors": [],
        "created": False,
    }
    old = http.patch(
        http.base.replace("v62.0", "v45.0") + "/sobjects/Lead/Participant_Key__c/evt-1-42",
        json={"Title": "T2"},
    )
    assert old.status_code == 204


def test_upsert_on_a_field_that_is_not_an_external_id_is_not_found(sf):
    with pytest.raises(SalesforceResourceNotFound):
        sf.Lead.upsert("Title/CEO", {"LastName": "X"})


def test_read_with_unknown_field_is_invalid_field(http, salesforce_emulator):
    lead_id = salesforce_emulator.records("Lead")[0]["Id"]
    response = http.get(f"{http.base}/sobjects/Lead/{lead_id}", params={"fields": "Id,Nope"})
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "INVALID_FIELD"


def test_bad_json_body_is_a_json_parser_error(sf):
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.restful("sobjects/Lead/", method="POST", data="{not json")
    assert raised.value.content[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_demo_org_file_has_the_promised_content():
    org = json.loads((Path(__file__).parents[2] / "salesforce_emulator/orgs/demo.json").read_text())
    assert org["connected_apps"][0]["consumer_key"] == "demo-consumer-key"
    names = [c["Name"] for c in org["records"]["Campaign"]]
    assert names.count("Duplicate Name Campaign") == 2 and "World Tour Paris 2026" in names
