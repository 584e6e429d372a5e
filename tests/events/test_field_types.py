"""The table of participant field types (events/field_types.py): every type has its rules, and a value of
each type means the same in the participant form, the import, the export and what Salesforce receives.
A new type needs its entry and a sample below: these tests fail until both are there."""

import datetime as dt

import pytest

from events.field_types import FIELD_TYPES, salesforce_value, value_cell, value_parse
from events.fields import FieldSpec, FieldType
from events.forms import ParticipantForm
from events.values import value_display

OPTIONS = ("Standard", "VIP, early")
# Per type: what the participant form posts, what an imported cell holds, the value stored from either,
# and what Salesforce receives (None: the type is never sent).
SAMPLES = {
    FieldType.TEXT: ("T-shirt L", " T-shirt L ", "T-shirt L", "T-shirt L"),
    FieldType.MULTILINE_TEXT: ("No nuts\nNo milk", "No nuts\nNo milk", "No nuts\nNo milk", None),
    FieldType.NUMBER: ("42.5", "42,5", 42.5, 42.5),
    FieldType.SELECT_LIST: ("VIP, early", "vip, EARLY", "VIP, early", "VIP, early"),
    FieldType.MULTISELECT_LIST: (list(OPTIONS), "standard; VIP, early", list(OPTIONS), "Standard;VIP, early"),
    FieldType.DATE: ("2026-03-31", dt.datetime(2026, 3, 31, 9, 30), "2026-03-31", "2026-03-31"),
    FieldType.BOOLEAN: ("on", "yes", True, True),
    FieldType.NULLABLE_BOOLEAN: ("false", "non", False, None),
    FieldType.FILE: ("https://cv.example/1", "https://cv.example/1", "https://cv.example/1", None),
    FieldType.PICTURE: ("photo.png", "photo.png", "photo.png", None),
    FieldType.DOCUMENT: ("badge.pdf", "badge.pdf", "badge.pdf", None),
}


def _spec(kind: str) -> FieldSpec:
    return FieldSpec("answer", "Answer", kind, options=OPTIONS)


def test_every_field_type_has_its_rules_and_a_sample_in_these_tests():
    assert set(FIELD_TYPES) == set(FieldType) == set(SAMPLES)


@pytest.mark.parametrize("kind", list(FieldType))
def test_a_value_typed_in_the_participant_form_is_stored_as_the_import_stores_it(event, kind):
    posted, cell, stored, _ = SAMPLES[kind]
    form = ParticipantForm({"answer": posted}, event=event, specs=[_spec(kind)])
    assert form.is_valid(), form.errors
    assert form.values() == {"answer": stored}
    assert value_parse(_spec(kind), cell) == stored


@pytest.mark.parametrize("kind", list(FieldType))
def test_an_exported_value_imports_back_unchanged_from_xlsx_and_csv_cells(kind):
    _, _, stored, _ = SAMPLES[kind]
    spec = _spec(kind)
    assert value_parse(spec, value_cell(spec, stored)) == stored
    assert value_parse(spec, value_display(spec, stored)) == stored


@pytest.mark.parametrize("kind", list(FieldType))
def test_an_empty_cell_is_stored_as_the_form_stores_an_empty_answer(event, kind):
    form = ParticipantForm({}, event=event, specs=[_spec(kind)])
    assert form.is_valid(), form.errors
    assert value_parse(_spec(kind), None) == value_parse(_spec(kind), "  ") == form.values()["answer"]


@pytest.mark.parametrize("kind", list(FieldType))
def test_salesforce_receives_each_sendable_value_as_its_fields_take_it(kind):
    _, _, stored, sent = SAMPLES[kind]
    rules = FIELD_TYPES[kind]
    assert bool(rules.salesforce_types) == (sent is not None)
    if sent is not None:
        assert salesforce_value(stored, kind) == sent


def test_an_xlsx_date_cell_is_a_date_and_an_unchecked_old_value_stays_text():
    spec = _spec(FieldType.DATE)
    assert value_cell(spec, "2026-03-31") == dt.date(2026, 3, 31)
    assert value_cell(spec, "next week") == "next week"
