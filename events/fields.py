"""The participant fields of an event: built-in ones every event has, and the event's custom ones,
read everywhere through one typed object (`FieldSpec`)."""

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


# Types whose value is a reference to an uploaded file: stored as a URL or file name string.
FILE_TYPES = frozenset({FieldType.FILE, FieldType.PICTURE, FieldType.DOCUMENT})


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    type: str
    options: tuple[str, ...] = field(default=())
    built_in: bool = False
    staff_only: bool = False
    required: bool = False


BUILT_IN_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("email", "Email", FieldType.TEXT, built_in=True, required=True),
    FieldSpec("first_name", "First name", FieldType.TEXT, built_in=True),
    FieldSpec("last_name", "Last name", FieldType.TEXT, built_in=True),
    FieldSpec("company", "Company", FieldType.TEXT, built_in=True),
    FieldSpec("job_title", "Job title", FieldType.TEXT, built_in=True),
    FieldSpec("is_registered", "Registered", FieldType.BOOLEAN, built_in=True, staff_only=True),
    FieldSpec("has_come", "Came", FieldType.BOOLEAN, built_in=True, staff_only=True),
    FieldSpec("allows_networking", "Allows networking", FieldType.NULLABLE_BOOLEAN, built_in=True),
)
BUILT_IN_KEYS = frozenset(spec.key for spec in BUILT_IN_FIELDS)
