"""Text values are bounded per type (Text 255, Multiline text 32,768, file references 500) or by the
field's own maximum length, on the public page, the participant form and the import; nothing is saved."""

from django.urls import reverse

from tests.events.test_import import csv_file, upload
from tests.factories import ParticipantFieldFactory


def test_the_public_page_refuses_two_million_characters_in_a_text_field(client, event, custom_fields):
    url = reverse("events:registration", args=[event.slug])
    response = client.post(url, {"email": "eve@example.org", "shirt": "x" * 2_000_000, "notes": "y" * 40_000})
    form = response.context["form"]
    assert form.errors["shirt"] == ["Ensure this value has at most 255 characters (it has 2000000)."]
    assert form.errors["notes"] == ["Ensure this value has at most 32768 characters (it has 40000)."]
    assert not event.participants.exists()


def test_a_field_s_own_maximum_length_bounds_the_participant_form(client_member, event):
    ParticipantFieldFactory(event=event, key="code", label="Badge code", type="Text", max_length=6)
    url = reverse("events:participant_create", args=[event.slug])
    response = client_member.post(url, {"email": "a@example.org", "code": "1234567"})
    errors = response.context["form"].errors["code"]
    assert errors == ["Ensure this value has at most 6 characters (it has 7)."]
    assert 'maxlength="6"' in response.content.decode()
    assert not event.participants.exists()
    client_member.post(url, {"email": "a@example.org", "code": "123456"})
    assert event.participants.get().data["code"] == "123456"


def test_an_import_names_the_row_and_column_of_a_too_long_text(client_member, event, custom_fields):
    ParticipantFieldFactory(event=event, key="code", label="Badge code", type="Text", max_length=6)
    text = f"email,code,first_name,notes\na@example.org,1234567,Ana,\nb@example.org,1,{'B' * 101},\n"
    page = upload(client_member, event, csv_file(text)).content.decode()
    assert '<td class="num">2</td><td>code</td><td>longer than 6 characters (7)' in page
    assert '<td class="num">3</td><td>first_name</td><td>longer than 100 characters (101)' in page
    assert not event.participants.exists()


def test_the_field_form_keeps_a_maximum_length_within_salesforce_s_longest(client_member, event):
    url = reverse("events:field_list", args=[event.slug])
    data = {"key": "bio", "label": "Bio", "type": "MultilineText", "max_length": "200000"}
    response = client_member.post(url, data)
    assert response.context["form"].errors["max_length"] == ["Between 1 and 131,072 characters."]
    client_member.post(url, {**data, "max_length": "5000"})
    assert event.custom_fields.get(key="bio").max_length == 5000
