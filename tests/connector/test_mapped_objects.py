"""The table of mapped objects (connector/mapped_objects.py) is what the tile, the mapping checks and the
describe fetch follow: every entry gets its editor, its live check, its saved column and its describe,
and the sync sends each entry's default fields to Salesforce."""

import json

import pytest
from django.urls import reverse

from connector import services
from connector.mapped_objects import MAPPED_OBJECT_NAMES, MAPPED_OBJECTS
from connector.models import SalesforceSetup
from sync.planner import ParticipantIn, PlannerSetup, person_fields
from tests.factories import PASSWORD


@pytest.fixture
def organizer(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_the_tile_shows_one_mapping_editor_per_mapped_object_with_its_saved_mapping(
    organizer, event, connected
):
    # The emulator's CampaignMember has no writable text field: its mapping stays empty.
    mappings = {mapped.name: {"job_title": "Title"} if mapped.is_person else {} for mapped in MAPPED_OBJECTS}
    texts = {name: json.dumps(mapping) for name, mapping in mappings.items()}
    assert all(report.is_valid for report in services.setup_mappings_set(event=event, texts=texts).values())
    setup = SalesforceSetup.objects.get(event=event)
    page = organizer.get(reverse("connector:salesforce", args=[event.slug])).content.decode()
    for mapped in MAPPED_OBJECTS:
        assert getattr(setup, mapped.column) == mappings[mapped.name]
        assert setup.mappings.for_object(mapped.name) == mappings[mapped.name]
        assert f'<label for="id_{mapped.kind}">{mapped.label}</label>' in page
        assert f'id="mapping-rows-{mapped.kind}"' in page


def test_each_mapped_object_has_its_live_check_and_another_word_is_not_found(organizer, event, connected):
    for mapped in MAPPED_OBJECTS:
        url = reverse("connector:mapping_check", args=[event.slug, mapped.kind])
        response = organizer.post(url, {mapped.kind: '{"job_title": "Nope__c"}'}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert f"No field Nope__c on {mapped.name} in Salesforce." in response.content.decode()
    url = reverse("connector:mapping_check", args=[event.slug, "account"])
    assert organizer.post(url, {"account": "{}"}, HTTP_HX_REQUEST="true").status_code == 404


def test_refresh_fields_describes_every_mapped_object_and_nothing_else(organizer, event, connected, emulator):
    before = emulator.stats()["api_calls"]
    organizer.post(reverse("connector:describe_refresh", args=[event.slug]))
    assert emulator.stats()["api_calls"] - before == len(MAPPED_OBJECTS)
    # sorted: PostgreSQL's jsonb keeps no key order
    assert sorted(SalesforceSetup.objects.get(event=event).describe_cache) == sorted(MAPPED_OBJECT_NAMES)


@pytest.mark.parametrize("mapped", MAPPED_OBJECTS, ids=lambda mapped: mapped.name)
def test_a_default_field_is_neither_remapped_nor_a_target_on_its_object(organizer, event, connected, mapped):
    protected = [*mapped.default_fields.items(), *(("job_title", name) for name in mapped.reserved_targets)]
    for key, target in protected:
        text = json.dumps({key: target})
        report = services.setup_mappings_set(event=event, texts={mapped.name: text})[mapped.name]
        assert [problem.key for problem in report.errors] == [key], (key, target)


@pytest.mark.parametrize("mapped", [m for m in MAPPED_OBJECTS if m.is_person], ids=lambda m: m.name)
def test_salesforce_receives_the_default_fields_of_each_person_object(mapped):
    participant = ParticipantIn(1, " ana@example.com ", "Ana", "", "")
    setup = PlannerSetup("701C", "Registered", "Attended", True, False, default_company="Unknown")
    fields = person_fields(participant, mapped.name, setup, [])
    expected = {"email": "ana@example.com", "first_name": "Ana", "last_name": None, "company": "Unknown"}
    assert fields == {name: expected[key] for key, name in mapped.default_fields.items()}
