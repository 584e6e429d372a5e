"""Hostile mapping JSON (nested 100,000 deep, 64,000 keys, megabytes) is answered clearly from bounds
checked on the text before it is parsed, and nothing is saved."""

import json

import pytest
from django.urls import reverse

from connector.mapping_validation import MappingReport, mapping_parse
from connector.models import SalesforceSetup
from tests.factories import PASSWORD

HOSTILE = {
    "nested 100,000 deep": '{"a": ' * 100_000 + '"x"' + "}" * 100_000,
    "a list nested in a value": '{"job_title": ["Title", {"x": 1}]}',
    "64,000 keys": json.dumps({f"k{i}": "Title" for i in range(64_000)}),
    "301 keys": json.dumps({f"k{i}": "T" for i in range(301)}),
}
EXPECTED = {
    "nested 100,000 deep": "Too long: a mapping has at most 20,000 characters.",
    "a list nested in a value": 'Expected a flat JSON object such as {"job_title": "Title"}.',
    "64,000 keys": "Too long: a mapping has at most 20,000 characters.",
    "301 keys": "Too many keys: a mapping has at most 300.",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_mapping_is_refused_by_its_bounds_with_the_reason(name):
    report = MappingReport("Lead")
    assert mapping_parse(HOSTILE[name], report) is None
    assert [problem.message for problem in report.errors] == [EXPECTED[name]]


def test_a_deep_nesting_under_the_length_bound_is_refused_before_the_parser_recurses():
    report = MappingReport("Lead")
    text = "[" * 9_000 + "]" * 9_000
    assert mapping_parse(text, report) is None
    assert report.errors[0].message.startswith("Expected a flat JSON object")


def test_brackets_inside_strings_do_not_count_as_nesting():
    report = MappingReport("Lead")
    assert mapping_parse('{"job_title": "Title [{\\"}"}', report) == {"job_title": 'Title [{"}'}


@pytest.mark.parametrize("name", ["nested 100,000 deep", "64,000 keys"])
def test_saving_a_hostile_mapping_answers_400_and_saves_nothing(client, user, event, connected, name):
    client.login(username=user.username, password=PASSWORD)
    texts = {"contact": '{"job_title": "Title"}', "lead": HOSTILE[name], "campaign_member": ""}
    response = client.post(reverse("connector:mappings_save", args=[event.slug]), texts)
    assert response.status_code == 400 and EXPECTED[name] in response.content.decode()
    setup = SalesforceSetup.objects.get(event=event)
    assert setup.contact_mapping == {} and setup.lead_mapping == {}
