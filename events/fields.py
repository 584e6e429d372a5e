"""The participant fields of an event: built-in ones every event has, and the event's custom ones,
read everywhere through one typed object (`FieldSpec`). What each type means (form field, parsing, export,
Salesforce) is events.field_types' table."""

from dataclasses import dataclass, field

from django.db import models


class FieldType(models.TextChoices):
    TEXT = "Text", "Text"
    MULTILINE_TEXT = "MultilineText", "Multiline text"
    NUMBER = "Number", "Number"
    SELECT_LIST = "SelectList", "Select list"
    MULTISELECT_LIST = "MultiselectList", "Multi-select list"
    DATE = "Date", "Date"
    BOOLEAN = "Boolean", "Boolean"
    NULLABLE_BOOLEAN = "NullableBoolean", "Nullable boolean"
    FILE = "File", "File"
    PICTURE = "Picture", "Picture"
    DOCUMENT = "Document", "Document"


# The longest max_length a field may set: Salesforce's Long Text Areas hold 131,072 characters at most.
LONGEST_MAX_LENGTH = 131_072


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    type: str
    options: tuple[str, ...] = field(default=())
    built_in: bool = False
    staff_only: bool = False
    required: bool = False
    max_length: int | None = None  # for free-text types; None: the type's default (field_types.text_limit)


BUILT_IN_FIELDS: tuple[FieldSpec, ...] = (
    # Lengths of the built-in text columns of events.models.Participant.
    FieldSpec("email", "Email", FieldType.TEXT, built_in=True, required=True, max_length=254),
    FieldSpec("first_name", "First name", FieldType.TEXT, built_in=True, max_length=100),
    FieldSpec("last_name", "Last name", FieldType.TEXT, built_in=True, max_length=100),
    FieldSpec("company", "Company", FieldType.TEXT, built_in=True, max_length=200),
    FieldSpec("job_title", "Job title", FieldType.TEXT, built_in=True, max_length=200),
    FieldSpec("is_registered", "Registered", FieldType.BOOLEAN, built_in=True, staff_only=True),
    FieldSpec("has_come", "Came", FieldType.BOOLEAN, built_in=True, staff_only=True),
    FieldSpec("allows_networking", "Allows networking", FieldType.NULLABLE_BOOLEAN, built_in=True),
)
BUILT_IN_KEYS = frozenset(spec.key for spec in BUILT_IN_FIELDS)
