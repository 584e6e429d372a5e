"""The Salesforce objects a participant is written to, each declared once in `MAPPED_OBJECTS`.

An entry says where the object's field mapping is kept (the SalesforceSetup column), how the tile names it
(form field, URL and label), what the sync always sends to it (never a mapping's key) and what it sets
itself (never a mapping's target). The setup's forms, views, validation, describe fetches, CHECK SETUP and
the planner read this table. Pure: the planner imports it without the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

CONTACT, LEAD, MEMBER = "Contact", "Lead", "CampaignMember"


@dataclass(frozen=True)
class MappedObject:
    name: str  # the sObject's API name
    kind: str  # its mapping's form field and URL part
    column: str  # the SalesforceSetup column holding its mapping
    label: str
    # Always sent by the sync from the participant's built-in fields: participant key → Salesforce field.
    default_fields: Mapping[str, str] = field(default_factory=dict)
    # Written by the sync itself (links and status): mapping onto them would fight the sync's own value.
    reserved_targets: tuple[str, ...] = ()
    # A person the sync may create: CHECK SETUP wants each field Salesforce requires on create filled.
    is_person: bool = False
    # Its records are updated whatever the "data update" option says (a membership's status follows).
    always_updated: bool = False


MAPPED_OBJECTS: tuple[MappedObject, ...] = (
    MappedObject(
        CONTACT,
        "contact",
        "contact_mapping",
        "Contact mapping",
        default_fields={"email": "Email", "first_name": "FirstName", "last_name": "LastName"},
        is_person=True,
    ),
    MappedObject(
        LEAD,
        "lead",
        "lead_mapping",
        "Lead mapping",
        default_fields={
            "email": "Email",
            "first_name": "FirstName",
            "last_name": "LastName",
            "company": "Company",
        },
        is_person=True,
    ),
    MappedObject(
        MEMBER,
        "campaign_member",
        "campaign_member_mapping",
        "Campaign Member mapping",
        reserved_targets=("Status", "CampaignId", "LeadId", "ContactId"),
        always_updated=True,
    ),
)
MAPPED_OBJECT_NAMES = tuple(mapped.name for mapped in MAPPED_OBJECTS)
_BY_NAME = {mapped.name: mapped for mapped in MAPPED_OBJECTS}
_BY_KIND = {mapped.kind: mapped for mapped in MAPPED_OBJECTS}


def mapped_object(name: str) -> MappedObject:
    """The entry of an object name (KeyError for an object the connector does not map)."""
    return _BY_NAME[name]


def mapped_object_of_kind(kind: str) -> MappedObject | None:
    """The entry a form field or URL names, None for another word."""
    return _BY_KIND.get(kind)


@dataclass(frozen=True)
class Mappings:
    """Typed read access to a setup's field mappings: `{participant field key: Salesforce field}` per
    object."""

    by_object: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def for_object(self, object_name: str) -> Mapping[str, str]:
        return self.by_object[object_name]
