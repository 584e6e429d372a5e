"""Hostile numbers (a 10-byte exponent, NaN, infinity) are refused by the bounds check, field by field,
on the public registration page, the participant form and the import, and nothing is saved."""

import pytest
from django.urls import reverse

from events.field_types import value_parse
from events.fields import FieldSpec, FieldType
from events.values import FieldValueError, number_parse_text
from tests.events.test_import import csv_file, upload, xlsx_file

HOSTILE = ["1e400000", "1e999999999999", "-1e800000", "nan", "NaN", "inf", "-Infinity", "1e-400000"]
SCORE = FieldSpec("score", "Score", FieldType.NUMBER)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_number_is_refused_by_the_bounds_check_with_the_reason(text):
    with pytest.raises(FieldValueError) as refused:
        value_parse(SCORE, text)
    assert str(refused.value).startswith(("too large", "too precise", "expected a number, got"))


def test_a_number_longer_than_64_characters_is_refused_before_it_is_parsed():
    with pytest.raises(FieldValueError, match="at most 64 characters"):
        number_parse_text("1" * 65)


@pytest.mark.parametrize(
    "text, stored",
    [("42", 42), ("1e3", 1000), ("3,5", 3.5), ("-0.25", -0.25), ("999999999999999999", 999999999999999999),
     ("1.500", 1.5), ("0.000000000000000001", 1e-18)],
)
def test_ordinary_numbers_up_to_18_digits_are_kept(text, stored):
    assert value_parse(SCORE, text) == stored


@pytest.mark.parametrize("cell", [float("nan"), float("inf"), 1e300])
def test_a_hostile_xlsx_number_cell_is_refused(cell):
    with pytest.raises(FieldValueError):
        value_parse(SCORE, cell)


@pytest.mark.parametrize("text", HOSTILE)
def test_the_public_registration_page_names_the_field_and_saves_nothing(client, event, custom_fields, text):
    url = reverse("events:registration", args=[event.slug])
    response = client.post(url, {"email": "eve@example.org", "sessions_count": text})
    assert response.status_code == 200
    errors = response.context["form"].errors["sessions_count"]
    assert errors[0].startswith("Sessions attended: ")
    assert not event.participants.exists()


def test_the_participant_form_refuses_a_huge_exponent_and_saves_nothing(client_member, event, custom_fields):
    url = reverse("events:participant_create", args=[event.slug])
    response = client_member.post(url, {"email": "eve@example.org", "sessions_count": "1e400000"})
    assert response.status_code == 200
    assert response.context["form"].errors["sessions_count"] == [
        "Sessions attended: too large: at most 18 digits before the decimal point."
    ]
    assert not event.participants.exists()


def test_a_csv_import_with_hostile_numbers_lists_each_row_and_saves_nothing(
    client_member, event, custom_fields
):
    text = "email,sessions_count\na@example.org,1e400000\nb@example.org,nan\nc@example.org,inf\n"
    page = upload(client_member, event, csv_file(text)).content.decode()
    assert '<td class="num">2</td><td>sessions_count</td><td>too large' in page
    assert '<td class="num">3</td><td>sessions_count</td><td>expected a number, got' in page
    assert '<td class="num">4</td><td>sessions_count</td><td>expected a number, got' in page
    assert not event.participants.exists()


def test_an_xlsx_import_with_a_hostile_number_text_is_refused(client_member, event, custom_fields):
    file = xlsx_file([["email", "Sessions attended"], ["a@example.org", "1e999999999999"]])
    page = upload(client_member, event, file).content.decode()
    assert '<td class="num">2</td><td>Sessions attended</td><td>too large' in page
    assert not event.participants.exists()
