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


def test_a_new_org_refuses_a_lead_named_like_a_contact_unless_allow_save(sf, http, salesforce_emulator):
    # No setting: the standard rules are active by default with action Allow, as in a new real org.
    lead = {"FirstName": "Amelie", "LastName": "DURAND", "Company": "C", "Email": "Amelie.Durand@example.com"}
    response = http.post(f"{http.base}/sobjects/Lead/", json=lead)
    body = response.json()[0]
    assert response.status_code == 400 and body["errorCode"] == "DUPLICATES_DETECTED"
    result = body["duplicateResut"]
    assert result["allowSave"] is True and result["duplicateRule"] == "Standard_Lead_Duplicate_Rule"
    match = result["matchResults"][0]
    assert match["entityType"] == "Contact" and match["rule"] == "Standard_Contact_Match_Rule_v1_1"
    assert match["matchRecords"][0]["record"]["Id"] == record_id(
        salesforce_emulator, "Contact", "amelie.durand@example.com"
    )
    allowed = http.post(
        f"{http.base}/sobjects/Lead/", json=lead, headers={"Sforce-Duplicate-Rule-Header": "allowSave=true"}
    )
    assert allowed.status_code == 201


def test_block_refuses_even_with_allow_save_and_off_lets_every_duplicate_in(sf, http, salesforce_emulator):
    twin = {"FirstName": "Jean-Pierre", "LastName": "Lefevre", "Company": "X",
            "Email": "jp.lefevre@example.fr"}
    salesforce_emulator.set_faults(duplicate_rules="block")
    blocked = http.post(
        f"{http.base}/sobjects/Lead/", json=twin, headers={"Sforce-Duplicate-Rule-Header": "allowSave=true"}
    )
    assert blocked.status_code == 400 and blocked.json()[0]["duplicateResut"]["allowSave"] is False
    salesforce_emulator.set_faults(duplicate_rules="off")
    assert http.post(f"{http.base}/sobjects/Lead/", json=twin).status_code == 201


def test_the_same_email_under_another_name_is_not_a_duplicate(sf):
    assert sf.Lead.create({"FirstName": "Paul", "LastName": "Other", "Company": "C",
                           "Email": "jp.lefevre@example.fr"})["success"]
    assert sf.Contact.create({"LastName": "Lefevre", "Email": "jp.lefevre@example.fr"})["success"]


def test_a_personal_email_with_the_same_name_title_and_company_is_a_duplicate(sf, salesforce_emulator):
    # Contact "Chloé Martin", Head of Marketing at Acme Corp; a Lead from her personal address.
    twin = {"FirstName": "Chloe", "LastName": "Martin", "Title": "Head of Marketing", "Company": "ACME Corp",
            "Email": "chloe@gmail.example"}
    error = _error(lambda: sf.Lead.create(twin))
    assert error["errorCode"] == "DUPLICATES_DETECTED"
    found = error["duplicateResut"]["matchResults"][0]["matchRecords"][0]["record"]["Id"]
    assert found == record_id(salesforce_emulator, "Contact", "chloe.martin@example.com")


def test_names_match_by_initial_and_transposed(sf):
    def lead(first: str, last: str, **extra) -> dict:
        return {"FirstName": first, "LastName": last, "Company": "C", **extra}

    assert sf.Lead.create(lead("Marek", "Nowak", Phone="+48 123 456"))["success"]
    assert _error(lambda: sf.Lead.create(lead("M.", "Nowak", Phone="+48123456")))["errorCode"] == (
        "DUPLICATES_DETECTED"
    )
    assert _error(lambda: sf.Lead.create(lead("Nowak", "Marek", Phone="48123456")))["errorCode"] == (
        "DUPLICATES_DETECTED"
    )
    assert sf.Lead.create(lead("", "Nowak", Phone="+48123456"))["success"]  # a blank first name never matches


def test_a_contact_is_not_compared_with_leads_and_edits_are_never_refused(sf, salesforce_emulator):
    jp = {"FirstName": "Jean-Pierre", "LastName": "Lefèvre", "Email": "jp.lefevre@example.fr"}
    contact = sf.Contact.create(jp)["id"]
    assert _error(lambda: sf.Contact.create(jp))["errorCode"] == "DUPLICATES_DETECTED"
    other = sf.Contact.create({"LastName": "Else"})["id"]
    assert sf.Contact.update(other, jp) == 204  # on edit the standard rules only report
    assert contact


def test_locked_records_answer_unable_to_lock_row_until_cleared(sf, salesforce_emulator):
    lead = record_id(salesforce_emulator, "Lead", "jp.lefevre@example.fr")
    salesforce_emulator.set_faults(lock_records=[lead])
    error = _error(lambda: sf.Lead.update(lead, {"Title": "x"}))
    assert error["errorCode"] == "UNABLE_TO_LOCK_ROW" and lead in error["message"]
    salesforce_emulator.set_faults(lock_records=[])
    assert sf.Lead.update(lead, {"Title": "x"}) == 204


def test_a_deleted_record_no_longer_matches(sf, salesforce_emulator):
    lead = record_id(salesforce_emulator, "Lead", "marta.kowalska@example.pl")
    twin = {"FirstName": "Marta", "LastName": "Kowalska", "Company": "C",
            "Email": "marta.kowalska@example.pl"}
    assert _error(lambda: sf.Lead.create(twin))["errorCode"] == "DUPLICATES_DETECTED"
    sf.Lead.delete(lead)
    assert sf.Lead.create(twin)["success"]


def test_a_deleted_campaign_member_can_be_added_again(sf, salesforce_emulator):
    paris = campaign_id(salesforce_emulator, "World Tour Paris 2026")
    lead = record_id(salesforce_emulator, "Lead", "jp.lefevre@example.fr")
    member = {"CampaignId": paris, "LeadId": lead, "Status": "Registered"}
    first = sf.CampaignMember.create(member)["id"]
    assert _error(lambda: sf.CampaignMember.create(member))["errorCode"] == "DUPLICATE_VALUE"
    sf.CampaignMember.delete(first)
    assert sf.CampaignMember.create(member)["success"]


def test_converting_a_lead_makes_its_contact_and_adds_it_to_the_leads_memberships(sf, salesforce_emulator):
    lead = record_id(salesforce_emulator, "Lead", "jp.lefevre@example.fr")
    member = next(m for m in salesforce_emulator.records("CampaignMember") if m.get("LeadId") == lead)
    contact = salesforce_emulator.convert_lead(lead)
    converted = sf.Lead.get(lead)
    assert converted["IsConverted"] is True and converted["ConvertedContactId"] == contact
    assert converted["Status"] == "Closed - Converted"
    assert sf.Contact.get(contact)["Email"] == "jp.lefevre@example.fr"
    after = next(m for m in salesforce_emulator.records("CampaignMember") if m["Id"] == member["Id"])
    assert (after["LeadId"], after["ContactId"]) == (lead, contact)
    error = _error(lambda: sf.Lead.update(lead, {"Title": "x"}))
    assert error["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"
    assert error["message"] == "cannot reference converted lead"


def test_converting_with_members_unchanged_leaves_them_on_the_lead(sf, http, salesforce_emulator):
    salesforce_emulator.set_faults(converted_lead_members="unchanged")
    lead = record_id(salesforce_emulator, "Lead", "jp.lefevre@example.fr")
    response = salesforce_emulator.session().post(
        f"{salesforce_emulator.url}/__emulator__/convert", json={"lead_id": lead})
    assert response.status_code == 200 and response.json()["contact_id"].startswith("003")
    member = next(m for m in salesforce_emulator.records("CampaignMember") if m.get("LeadId") == lead)
    assert member["ContactId"] is None


def test_a_merge_deletes_the_loser_with_master_record_id_and_moves_its_memberships(sf, salesforce_emulator):
    paris = campaign_id(salesforce_emulator, "World Tour Paris 2026")
    master = sf.Lead.create({"LastName": "Master", "Company": "C"})["id"]
    loser = sf.Lead.create({"LastName": "Loser", "Company": "C"})["id"]
    member = sf.CampaignMember.create({"CampaignId": paris, "LeadId": loser, "Status": "Registered"})["id"]
    response = salesforce_emulator.session().post(
        f"{salesforce_emulator.url}/__emulator__/merge", json={"master_id": master, "loser_ids": [loser]})
    assert response.status_code == 200
    gone = next(r for r in salesforce_emulator.records("Lead", include_deleted=True) if r["Id"] == loser)
    assert gone["IsDeleted"] is True and gone["MasterRecordId"] == master
    assert _error_404(lambda: sf.Lead.update(loser, {"Title": "x"}))["errorCode"] == "ENTITY_IS_DELETED"
    assert sf.CampaignMember.get(member)["LeadId"] == master
    deleted = sf.query_all(f"SELECT Id, MasterRecordId FROM Lead WHERE Id = '{loser}'", include_deleted=True)
    assert deleted["records"][0]["MasterRecordId"] == master


def _error_404(call) -> dict:
    from simple_salesforce import SalesforceResourceNotFound

    with pytest.raises(SalesforceResourceNotFound) as raised:
        call()
    return raised.value.content[0]


def test_emails_are_stored_lower_cased_a_leading_period_is_refused_and_non_latin_ones_accepted(sf):
    created = sf.Contact.create({"LastName": "Case", "Email": "Mixed.Case@Example.COM"})["id"]
    assert sf.Contact.get(created)["Email"] == "mixed.case@example.com"
    error = _error(lambda: sf.Contact.create({"LastName": "Dot", "Email": ".leading@example.com"}))
    assert error["errorCode"] == "INVALID_EMAIL_ADDRESS" and error["fields"] == ["Email"]
    assert sf.Contact.create({"LastName": "Idn", "Email": "Дмитрий.Ёлкин@example.ru"})["success"]


def test_a_user_without_the_marketing_user_flag_can_neither_read_nor_create_statuses(sf, salesforce_emulator):
    paris = campaign_id(salesforce_emulator, "World Tour Paris 2026")
    salesforce_emulator.set_faults(non_marketing_users=["demo@emulator.example"])
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query(f"SELECT Label FROM CampaignMemberStatus WHERE CampaignId = '{paris}'")
    assert raised.value.content[0]["errorCode"] == "INVALID_TYPE"
    error = _error(lambda: sf.CampaignMemberStatus.create({"CampaignId": paris, "Label": "New"}))
    assert error["errorCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"
    salesforce_emulator.set_faults(non_marketing_users=[])
    assert sf.query(f"SELECT Label FROM CampaignMemberStatus WHERE CampaignId = '{paris}'")["totalSize"] >= 2


def test_a_campaign_keeps_one_responded_status_and_a_status_can_be_renamed(sf, salesforce_emulator):
    launch = sf.Campaign.create({"Name": "Launch"})["id"]
    by_label = {s["Label"]: s["Id"] for s in salesforce_emulator.records("CampaignMemberStatus")
                if s["CampaignId"] == launch}
    responded = by_label["Responded"]
    error = _error(lambda: sf.CampaignMemberStatus.delete(responded))
    assert error["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    error = _error(lambda: sf.CampaignMemberStatus.update(responded, {"HasResponded": False}))
    assert error["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert sf.CampaignMemberStatus.update(responded, {"Label": "Came"}) == 204
    assert _error(lambda: sf.CampaignMemberStatus.delete(by_label["Sent"]))["errorCode"] == (
        "FIELD_INTEGRITY_EXCEPTION"  # the default status
    )


@pytest.mark.parametrize("copies", ["follow", "frozen"])
def test_campaign_member_copies_of_the_person_follow_or_stay_as_set(sf, salesforce_emulator, copies):
    salesforce_emulator.set_faults(member_copies=copies)
    lead = record_id(salesforce_emulator, "Lead", "jp.lefevre@example.fr")
    member = next(m for m in salesforce_emulator.records("CampaignMember") if m.get("LeadId") == lead)
    assert member["Email"] == "jp.lefevre@example.fr"
    sf.Lead.update(lead, {"Email": "JP.New@example.fr", "LastName": "Lefebvre"})
    after = sf.CampaignMember.get(member["Id"])
    before = ("jp.lefevre@example.fr", "Lefèvre")
    expected = ("jp.new@example.fr", "Lefebvre") if copies == "follow" else before
    assert (after["Email"], after["LastName"]) == expected


def test_members_of_one_call_take_the_statuses_the_same_call_created_or_undid(sf, salesforce_emulator):
    """A campaign's statuses as each record of a Collections call finds them: one the call created just
    before counts; a new default refused (its demotion of the old default undone) does not."""
    paris = campaign_id(salesforce_emulator, "World Tour Paris 2026")
    default = next(s["Label"] for s in salesforce_emulator.records("CampaignMemberStatus")
                   if s["CampaignId"] == paris and s["IsDefault"])
    leads = [sf.Lead.create({"LastName": f"Status {i}", "Company": "Co"})["id"] for i in range(3)]

    def member(lead: str, **status: str) -> dict:
        return {"attributes": {"type": "CampaignMember"}, "CampaignId": paris, "LeadId": lead, **status}

    status = {"attributes": {"type": "CampaignMemberStatus"}, "CampaignId": paris}
    results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": False, "records": [
        member(leads[0], Status="Waitlisted"),  # not a status yet
        {**status, "Label": "Waitlisted", "SortOrder": 40},
        member(leads[1], Status="waitlisted"),
        {**status, "Label": "L" * 800, "IsDefault": True},  # too long, once the old default was demoted
        member(leads[2]),  # the default status
    ]})
    assert [r["success"] for r in results] == [False, True, True, False, True]
    assert results[0]["errors"][0]["statusCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert results[3]["errors"][0]["statusCode"] == "STRING_TOO_LONG"
    assert sf.CampaignMember.get(results[2]["id"])["Status"] == "Waitlisted"
    assert sf.CampaignMember.get(results[4]["id"])["Status"] == default
