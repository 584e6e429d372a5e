"""§4 and §5: the write errors an org answers, in the single-record shape (errorCode)."""

import pytest
from simple_salesforce import SalesforceMalformedRequest

from salesforce_emulator import ids
from tests.emulator.conftest import campaign_id, record_id


def _error(call) -> dict:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        call()
    assert raised.value.status == 400
    return raised.value.content[0]


def test_required_fields_missing_lists_them(sf):
    error = _error(lambda: sf.Lead.create({"FirstName": "No"}))
    assert error == {
        "message": "Required fields are missing: [LastName, Company]",
        "errorCode": "REQUIRED_FIELD_MISSING",
        "fields": ["LastName", "Company"],
    }


def test_string_too_long(sf):
    error = _error(lambda: sf.Lead.create({"LastName": "L", "Company": "C", "Tshirt_Size__c": "X" * 41}))
    assert error["errorCode"] == "STRING_TOO_LONG" and error["fields"] == ["Tshirt_Size__c"]
    assert error["message"] == f"T-shirt size: data value too large: {'X' * 41} (max length=40)"


def test_invalid_email(sf):
    error = _error(lambda: sf.Contact.create({"LastName": "L", "Email": "not-an-email"}))
    assert error == {
        "message": "Email: invalid email address: not-an-email",
        "errorCode": "INVALID_EMAIL_ADDRESS",
        "fields": ["Email"],
    }


def test_restricted_picklist(sf):
    error = _error(lambda: sf.Lead.create({"LastName": "L", "Company": "C", "Ticket_Type__c": "Gold"}))
    assert error["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert error["message"] == "Ticket type: bad value for restricted picklist field: Gold"


def test_read_only_and_unknown_fields(sf):
    error = _error(lambda: sf.Lead.create({"LastName": "L", "Company": "C", "Badge_Label__c": "x"}))
    assert error["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE" and error["fields"] == ["Badge_Label__c"]
    error = _error(lambda: sf.Lead.create({"LastName": "L", "Company": "C", "Foo": "x"}))
    assert error == {"message": "No such column 'Foo' on sobject of type Lead", "errorCode": "INVALID_FIELD"}


def test_converted_lead_cannot_be_updated(sf, salesforce_emulator):
    converted = next(r for r in salesforce_emulator.records("Lead") if r["IsConverted"])
    assert converted["ConvertedContactId"] == record_id(
        salesforce_emulator, "Contact", "chloe.martin@example.com"
    )
    error = _error(lambda: sf.Lead.update(converted["Id"], {"Title": "x"}))
    assert (
        error["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"
        and error["message"] == "cannot reference converted lead"
    )


def test_validation_rule_from_the_org_file(sf):
    error = _error(lambda: sf.Lead.create({"LastName": "L", "Company": "ACME [reject]"}))
    assert error == {
        "message": "Company must not contain [reject].",
        "errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        "fields": ["Company"],
    }


def test_reference_to_a_missing_record_is_invalid_cross_reference(sf, salesforce_emulator):
    paris = campaign_id(salesforce_emulator, "World Tour Paris 2026")
    error = _error(
        lambda: sf.CampaignMember.create({"CampaignId": paris, "LeadId": ids.to18("00QEm0000000000")})
    )
    assert (
        error["errorCode"] == "INVALID_CROSS_REFERENCE_KEY"
        and error["message"] == "invalid cross reference id"
    )


def test_campaign_member_rules(sf, salesforce_emulator):
    server = salesforce_emulator
    paris = campaign_id(server, "World Tour Paris 2026")
    lead = record_id(server, "Lead", "jp.lefevre@example.fr")
    contact = record_id(server, "Contact", "sean.oconnor@example.ie")
    member_id = sf.CampaignMember.create(
        {"CampaignId": paris, "LeadId": lead, "ContactId": contact, "Status": "attended"}
    )["id"]
    member = sf.CampaignMember.get(member_id)
    assert member["ContactId"] == contact and member["LeadId"] is None and member["Status"] == "Attended"
    assert (
        member["HasResponded"] is True
        and member["FirstRespondedDate"]
        and member["Email"] == "sean.oconnor@example.ie"
    )
    error = _error(lambda: sf.CampaignMember.create({"CampaignId": paris, "ContactId": contact}))
    assert error == {"message": "Already a campaign member.", "errorCode": "DUPLICATE_VALUE", "fields": []}
    error = _error(lambda: sf.CampaignMember.update(member_id, {"CampaignId": paris}))
    assert error["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    error = _error(lambda: sf.CampaignMember.create({"CampaignId": paris}))
    assert error["errorCode"] == "REQUIRED_FIELD_MISSING"


def test_unknown_member_status_is_rejected_or_defaulted_by_org_setting(sf, salesforce_emulator):
    paris = campaign_id(salesforce_emulator, "World Tour Paris 2026")
    lead = record_id(salesforce_emulator, "Lead", "jp.lefevre@example.fr")
    error = _error(lambda: sf.CampaignMember.create({"CampaignId": paris, "LeadId": lead, "Status": "Came"}))
    assert error["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" and error["fields"] == ["Status"]
    salesforce_emulator.set_faults(campaign_member_status_policy="default")
    member_id = sf.CampaignMember.create({"CampaignId": paris, "LeadId": lead, "Status": "Came"})["id"]
    assert sf.CampaignMember.get(member_id)["Status"] == "Sent"
    assert sf.CampaignMember.get(member_id)["HasResponded"] is False


def test_new_campaign_gets_sent_and_responded_statuses(sf, salesforce_emulator):
    new_id = sf.Campaign.create({"Name": "Launch"})["id"]
    statuses = [s for s in salesforce_emulator.records("CampaignMemberStatus") if s["CampaignId"] == new_id]
    assert {(s["Label"], s["IsDefault"], s["HasResponded"]) for s in statuses} == {
        ("Sent", True, False),
        ("Responded", False, True),
    }


def test_duplicate_rules_block_allow_and_off(sf, http, salesforce_emulator):
    lead = {"LastName": "Durand", "Company": "C", "Email": "Amelie.Durand@example.com"}
    salesforce_emulator.set_faults(duplicate_rules="allow")
    response = http.post(f"{http.base}/sobjects/Lead/", json=lead)
    body = response.json()[0]
    assert response.status_code == 400 and body["errorCode"] == "DUPLICATES_DETECTED"
    result = body["duplicateResut"]
    assert result["allowSave"] is True and result["duplicateRule"] == "Standard_Lead_Duplicate_Rule"
    match = result["matchResults"][0]
    assert match["entityType"] == "Contact" and match["matchRecords"][0]["record"]["Id"] == record_id(
        salesforce_emulator, "Contact", "amelie.durand@example.com"
    )
    allowed = http.post(
        f"{http.base}/sobjects/Lead/", json=lead, headers={"Sforce-Duplicate-Rule-Header": "allowSave=true"}
    )
    assert allowed.status_code == 201
    salesforce_emulator.set_faults(duplicate_rules="block")
    blocked = http.post(
        f"{http.base}/sobjects/Contact/",
        json={"LastName": "X", "Email": "jp.lefevre@example.fr"},
        headers={"Sforce-Duplicate-Rule-Header": "allowSave=true"},
    )
    assert blocked.status_code == 400 and blocked.json()[0]["duplicateResut"]["allowSave"] is False
    salesforce_emulator.set_faults(duplicate_rules="off")
    assert (
        http.post(
            f"{http.base}/sobjects/Contact/", json={"LastName": "X", "Email": "jp.lefevre@example.fr"}
        ).status_code
        == 201
    )


def test_locked_records_answer_unable_to_lock_row_until_cleared(sf, salesforce_emulator):
    lead = record_id(salesforce_emulator, "Lead", "jp.lefevre@example.fr")
    salesforce_emulator.set_faults(lock_records=[lead])
    error = _error(lambda: sf.Lead.update(lead, {"Title": "x"}))
    assert error["errorCode"] == "UNABLE_TO_LOCK_ROW" and lead in error["message"]
    salesforce_emulator.set_faults(lock_records=[])
    assert sf.Lead.update(lead, {"Title": "x"}) == 204


def test_duplicate_rules_follow_an_email_change_and_a_delete(sf, salesforce_emulator):
    salesforce_emulator.set_faults(duplicate_rules="block")
    lead = record_id(salesforce_emulator, "Lead", "jp.lefevre@example.fr")
    sf.Lead.update(lead, {"Email": "JP.Moved@example.fr"})
    assert sf.Contact.create({"LastName": "Old", "Email": "jp.lefevre@example.fr"})["success"]
    error = _error(lambda: sf.Contact.create({"LastName": "New", "Email": "jp.moved@EXAMPLE.fr"}))
    assert error["errorCode"] == "DUPLICATES_DETECTED"
    assert error["duplicateResut"]["matchResults"][0]["matchRecords"][0]["record"]["Id"] == lead
    sf.Lead.delete(lead)
    assert sf.Contact.create({"LastName": "New", "Email": "jp.moved@EXAMPLE.fr"})["success"]


def test_a_deleted_campaign_member_can_be_added_again(sf, salesforce_emulator):
    paris = campaign_id(salesforce_emulator, "World Tour Paris 2026")
    lead = record_id(salesforce_emulator, "Lead", "jp.lefevre@example.fr")
    member = {"CampaignId": paris, "LeadId": lead, "Status": "Registered"}
    first = sf.CampaignMember.create(member)["id"]
    assert _error(lambda: sf.CampaignMember.create(member))["errorCode"] == "DUPLICATE_VALUE"
    sf.CampaignMember.delete(first)
    assert sf.CampaignMember.create(member)["success"]
