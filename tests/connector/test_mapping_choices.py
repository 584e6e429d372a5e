"""The visual mapping editor's choices, served to the page: per participant field, the Salesforce fields of
the emulator's describe it may go into, by the same rules as the live check of the JSON."""

import json
import re

import pytest
from django.urls import reverse

from connector.mapping_validation import mapping_validate
from connector.models import SalesforceSetup
from events.selectors import event_fields
from tests.factories import PASSWORD, ParticipantFieldFactory, UserFactory

# What the organizer sees offered for each participant field type (Salesforce Setup type names).
EXPECTED_TYPES = {
    "Text": {"Text"},
    "Select list": {"Text"},
    "Multi-select list": {"Text"},
    "Number": {"Number"},
    "Date": {"Date", "Date/Time"},
    "Boolean": {"Checkbox"},
}
MAPPED = {"contact": "Contact", "lead": "Lead", "campaign_member": "CampaignMember"}
DATA_BLOCK = re.compile(r'<script id="mapping-choices-data" type="application/json">(.*?)</script>', re.S)


@pytest.fixture
def organizer(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def fields_of_every_type(event):
    for key, kind in [
        ("diet", "Text"),
        ("size", "SelectList"),
        ("topics", "MultiselectList"),
        ("score", "Number"),
        ("day", "Date"),
        ("vip", "Boolean"),
        ("notes", "MultilineText"),
        ("maybe", "NullableBoolean"),
        ("badge", "Picture"),
    ]:
        ParticipantFieldFactory(event=event, key=key, type=kind)


def _choices(client, event) -> dict:
    response = client.get(reverse("connector:mapping_choices", args=[event.slug]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return json.loads(DATA_BLOCK.search(response.content.decode()).group(1))


def _targets(choices: dict, kind: str, key: str) -> dict[str, str]:
    field = next(f for f in choices[kind]["fields"] if f["key"] == key)
    return {t["name"]: t["type"] for t in field["targets"]}


def test_each_participant_field_is_offered_only_salesforce_fields_of_a_compatible_type(
    organizer, event, connected, fields_of_every_type
):
    choices = _choices(organizer, event)
    for kind in MAPPED:
        assert choices[kind]["loaded"]
        for field in choices[kind]["fields"]:
            offered = {t["type"] for t in field["targets"]}
            assert offered and offered <= EXPECTED_TYPES[field["type"]], (kind, field["key"], offered)
    lead_score, lead_day = _targets(choices, "lead", "score"), _targets(choices, "lead", "day")
    assert lead_score["Score__c"] == "Number" and "Diet__c" not in lead_score
    assert lead_day["Attendance_Date__c"] == "Date" and lead_day["Checked_In_At__c"] == "Date/Time"
    assert _targets(choices, "lead", "vip")["Visited_Booth__c"] == "Checkbox"
    text_targets = _targets(choices, "contact", "diet")
    assert {"Diet__c", "Title", "Tshirt_Size__c"} <= set(text_targets)
    for refused in ("Score__c", "Secondary_Email__c", "Notes__c", "Ticket_Type__c", "Badge_Label__c"):
        assert refused not in text_targets


def test_fields_always_sent_or_that_cannot_be_sent_are_not_offered(
    organizer, event, connected, fields_of_every_type
):
    choices = _choices(organizer, event)
    lead_keys = {f["key"] for f in choices["lead"]["fields"]}
    contact_keys = {f["key"] for f in choices["contact"]["fields"]}
    assert not lead_keys & {"email", "first_name", "last_name", "company", "notes", "maybe", "badge"}
    assert "company" in contact_keys and "email" not in contact_keys  # Contacts get no Company field
    lead_targets = set(_targets(choices, "lead", "diet"))
    assert not lead_targets & {"Email", "FirstName", "LastName", "Company"}
    member_targets = {t["name"] for f in choices["campaign_member"]["fields"] for t in f["targets"]}
    assert not member_targets & {"Status", "CampaignId", "LeadId", "ContactId"}


@pytest.mark.parametrize("data_update", [True, False])
def test_a_pair_is_offered_exactly_when_the_live_check_accepts_it(
    organizer, event, connected, fields_of_every_type, data_update
):
    SalesforceSetup.objects.update_or_create(event=event, defaults={"allow_data_update": data_update})
    choices = _choices(organizer, event)
    describe = SalesforceSetup.objects.get(event=event).describe_cache
    fields = event_fields(event=event)
    for kind, object_name in MAPPED.items():
        offered = {f["key"]: set(_targets(choices, kind, f["key"])) for f in choices[kind]["fields"]}
        for spec in fields:
            for name in describe[object_name]:
                report = mapping_validate(
                    object_name=object_name,
                    text=json.dumps({spec.key: name}),
                    fields=fields,
                    describe=describe[object_name],
                    data_update=data_update,
                )
                assert report.is_valid == (name in offered.get(spec.key, ())), (object_name, spec.key, name)


def test_the_choices_read_the_cached_describe_after_the_first_load(organizer, event, connected, emulator):
    before = emulator.stats()["api_calls"]
    _choices(organizer, event)
    assert emulator.stats()["api_calls"] - before == 3  # one describe per mapped object, once
    _choices(organizer, event)
    assert emulator.stats()["api_calls"] - before == 3


def test_without_a_connection_the_editor_is_told_the_fields_are_not_loaded(organizer, event):
    choices = _choices(organizer, event)
    assert not any(choices[kind]["loaded"] for kind in MAPPED)
    assert all(not f["targets"] for f in choices["lead"]["fields"])


def test_past_the_api_limit_the_editor_is_told_the_fields_are_not_loaded(
    organizer, event, connected, emulator
):
    emulator.set_faults(api_calls_used=15000)  # Salesforce refuses the describe: REQUEST_LIMIT_EXCEEDED
    choices = _choices(organizer, event)
    assert not any(choices[kind]["loaded"] for kind in MAPPED)


def test_someone_not_on_the_event_cannot_read_its_choices(client, event, connected):
    stranger = UserFactory()
    client.login(username=stranger.username, password=PASSWORD)
    assert client.get(reverse("connector:mapping_choices", args=[event.slug])).status_code == 404
