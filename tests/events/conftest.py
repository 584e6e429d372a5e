import pytest

from events.fields import FieldType
from tests.factories import PASSWORD, ParticipantFieldFactory


@pytest.fixture
def client_member(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def custom_fields(event):
    """One custom field of each kind that has its own rules."""
    specs = [
        ("shirt", "T-shirt size", FieldType.TEXT, []),
        ("notes", "Notes", FieldType.MULTILINE_TEXT, []),
        ("sessions_count", "Sessions attended", FieldType.NUMBER, []),
        ("ticket", "Ticket type", FieldType.SELECT_LIST, ["Standard", "VIP"]),
        ("sessions", "Sessions", FieldType.MULTISELECT_LIST, ["Keynote", "Workshop, hands-on"]),
        ("arrival", "Arrival date", FieldType.DATE, []),
        ("booth", "Visited booth", FieldType.BOOLEAN, []),
        ("newsletter", "Newsletter", FieldType.NULLABLE_BOOLEAN, []),
        ("photo", "Photo", FieldType.PICTURE, []),
    ]
    return [
        ParticipantFieldFactory(event=event, key=key, label=label, type=type_, options=options, position=i)
        for i, (key, label, type_, options) in enumerate(specs)
    ]
