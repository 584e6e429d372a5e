"""Everything that depends on a participant field's type, declared once per type in `FIELD_TYPES`.

A type's entry says how a form asks for a value, how an outside value (a form, a CSV or XLSX cell, the
public page) is read and stored, how a stored value is written in an export, and how it goes to Salesforce:
the Setup types of the Salesforce fields it may go into and the conversion. Forms, import, export,
connector.mapping_validation, connector.mapping_choices and sync.planner read this table and test no type
themselves, so adding a type is a member of `FieldType` plus its entry here.

The Salesforce facts are plain data about the value (Salesforce's type names, the value it is sent as):
this module calls nothing in Salesforce, and connector and sync, above events, read them from here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms

from events.fields import FieldSpec, FieldType
from events.values import (
    FALSE_WORDS,
    MAX_NUMBER_DIGITS,
    MAX_NUMBER_TEXT_LENGTH,
    MULTI_SEPARATOR,
    TRUE_WORDS,
    FieldValueError,
    ValueRefused,
    number_parse_text,
    number_to_storage,
)


class NumberField(forms.Field):
    """A Number field bounded before it is parsed (see events.values.number_parse_text): a hostile
    "1e400000" is answered at once instead of costing seconds of CPU."""

    widget = forms.NumberInput(attrs={"step": "any"})

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        try:
            return number_parse_text(value)
        except FieldValueError as exc:
            raise forms.ValidationError(f"{self.label}: {exc}.", code="invalid") from None


FormField = Callable[[FieldSpec, dict[str, Any]], forms.Field]


def _none() -> None:
    return None


def _same(value: Any) -> Any:
    return value


def _unbounded(spec: FieldSpec) -> int | None:
    return None


@dataclass(frozen=True)
class FieldTypeRules:
    """The rules of one participant field type. `parse` and `to_salesforce` see only non-empty values:
    `empty` (a factory: a fresh list each time) is what an empty outside value is stored as, and
    `salesforce_empty` what an empty stored value is sent as."""

    form_field: FormField  # the participant form's field, given the spec and {label, required}
    parse: Callable[[FieldSpec, Any], Any]  # an outside value → stored, or FieldValueError
    empty: Callable[[], Any] = str
    from_form: Callable[[Any], Any] = _same  # the form field's cleaned value → stored
    cell: Callable[[Any], Any] = _same  # a stored value → a typed export cell (lists are joined before)
    max_length: int | None = None  # the longest free text unless the field sets its own; None: not text
    has_options: bool = False  # the field lists its options (select lists)
    # The Salesforce fields it may go into, by their Setup type; empty: never sent to Salesforce.
    salesforce_types: tuple[str, ...] = ()
    to_salesforce: Callable[[Any], Any] = str
    salesforce_empty: Any = None
    longest_sent: Callable[[FieldSpec], int | None] = _unbounded  # None: as long as the field allows


def text_limit(spec: FieldSpec) -> int | None:
    """The most characters a value may have (None for types that are not free text)."""
    default = field_type(spec.type).max_length
    return (spec.max_length or default) if default else None


# Reading outside values.


def _parse_text(spec: FieldSpec, raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # an XLSX cell holding 42 reads back as 42.0
    text = str(raw).strip()
    limit = text_limit(spec)
    if limit and len(text) > limit:
        raise FieldValueError(f"longer than {limit} characters ({len(text)})")
    return text


def _parse_number(spec: FieldSpec, raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise FieldValueError("expected a number")
    if isinstance(raw, int | float):
        return number_to_storage(raw)
    return number_to_storage(number_parse_text(raw))


def _parse_bool(spec: FieldSpec, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FieldValueError("expected yes or no (true/false, 1/0)")


def _parse_date(spec: FieldSpec, raw: Any) -> str:
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    try:
        return dt.date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError:
        raise FieldValueError("expected a date as YYYY-MM-DD") from None


def _options_lookup(spec: FieldSpec) -> dict[str, str]:
    return {option.strip().lower(): option for option in spec.options}


def _parse_option(spec: FieldSpec, raw: Any) -> str:
    option = _options_lookup(spec).get(str(raw).strip().lower())
    if option is None:
        raise FieldValueError(f"{str(raw).strip()!r} is not among the options ({', '.join(spec.options)})")
    return option


def _parse_options(spec: FieldSpec, raw: Any) -> list[str]:
    lookup = _options_lookup(spec)
    chosen = [part.strip() for part in str(raw).split(MULTI_SEPARATOR) if part.strip()]
    unknown = [part for part in chosen if part.lower() not in lookup]
    if unknown:
        raise FieldValueError(f"{', '.join(unknown)!s} not among the options ({', '.join(spec.options)})")
    return [lookup[part.lower()] for part in chosen]


# The participant form's fields.


def _text_input(spec: FieldSpec, common: dict[str, Any]) -> forms.Field:
    return forms.CharField(max_length=text_limit(spec), **common)


def _textarea(spec: FieldSpec, common: dict[str, Any]) -> forms.Field:
    textarea = forms.Textarea(attrs={"rows": 3})
    return forms.CharField(widget=textarea, max_length=text_limit(spec), **common)


def _file_reference_input(spec: FieldSpec, common: dict[str, Any]) -> forms.Field:
    return forms.CharField(max_length=text_limit(spec), help_text="A URL or a file name.", **common)


def _number_input(spec: FieldSpec, common: dict[str, Any]) -> forms.Field:
    return NumberField(**common)


def _option_select(spec: FieldSpec, common: dict[str, Any]) -> forms.Field:
    return forms.ChoiceField(choices=[("", "—"), *((o, o) for o in spec.options)], **common)


def _option_checkboxes(spec: FieldSpec, common: dict[str, Any]) -> forms.Field:
    choices = [(o, o) for o in spec.options]
    return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)


def _date_input(spec: FieldSpec, common: dict[str, Any]) -> forms.Field:
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)


def _checkbox(spec: FieldSpec, common: dict[str, Any]) -> forms.Field:
    return forms.BooleanField(**common)


def _yes_no_unknown(spec: FieldSpec, common: dict[str, Any]) -> forms.Field:
    return forms.NullBooleanField(widget=forms.NullBooleanSelect, **common)


def _number_from_form(value: Decimal | None) -> int | float | None:
    return number_to_storage(value) if isinstance(value, Decimal) else value


def _date_from_form(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date_cell(value: Any) -> Any:
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value  # stored before dates were checked: shown as it is
    return value


# Sending to Salesforce.


def _number_for_salesforce(value: Any) -> int | float | None:
    """A stored Number value (a Text field turned Number may hold any text) as Salesforce takes it."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = value
    else:
        text = str(value).strip().replace(",", ".")
        if len(text) > MAX_NUMBER_TEXT_LENGTH:
            raise ValueRefused(f"{text[:20]}… is not a number Salesforce can take")
        try:
            number = float(text)
        except ValueError:
            return None
    if (isinstance(number, float) and not math.isfinite(number)) or abs(number) >= 10**MAX_NUMBER_DIGITS:
        raise ValueRefused(f"{value!r} is not a number Salesforce can take (finite, at most 18 digits)")
    return int(number) if isinstance(number, float) and number.is_integer() else number


def _date_for_salesforce(value: Any) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()[:10]
    return str(value)[:10]


def _options_for_salesforce(value: Any) -> str:
    return ";".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)


def _longest_option(spec: FieldSpec) -> int | None:
    return max(len(option) for option in spec.options) if spec.options else None


def _longest_options(spec: FieldSpec) -> int | None:
    """All options joined as _options_for_salesforce joins them."""
    return sum(len(option) for option in spec.options) + len(spec.options) - 1 if spec.options else None


# File, Picture and Document: a reference to an uploaded file, stored as a URL or file name string.
_FILE_REFERENCE = FieldTypeRules(_file_reference_input, _parse_text, max_length=500)

# The default longest text: Salesforce's Text fields hold 255 characters and its Long Text Areas 32,768 by
# default (131,072 at most, LONGEST_MAX_LENGTH).
FIELD_TYPES: dict[str, FieldTypeRules] = {
    FieldType.TEXT: FieldTypeRules(_text_input, _parse_text, max_length=255, salesforce_types=("Text",)),
    FieldType.MULTILINE_TEXT: FieldTypeRules(_textarea, _parse_text, max_length=32_768),
    FieldType.NUMBER: FieldTypeRules(
        _number_input,
        _parse_number,
        empty=_none,
        from_form=_number_from_form,
        salesforce_types=("Number",),
        to_salesforce=_number_for_salesforce,
    ),
    FieldType.SELECT_LIST: FieldTypeRules(
        _option_select,
        _parse_option,
        has_options=True,
        salesforce_types=("Text",),
        longest_sent=_longest_option,
    ),
    FieldType.MULTISELECT_LIST: FieldTypeRules(
        _option_checkboxes,
        _parse_options,
        empty=list,
        has_options=True,
        salesforce_types=("Text",),
        to_salesforce=_options_for_salesforce,
        longest_sent=_longest_options,
    ),
    FieldType.DATE: FieldTypeRules(
        _date_input,
        _parse_date,
        empty=_none,
        from_form=_date_from_form,
        cell=_date_cell,
        salesforce_types=("Date", "Date/Time"),
        to_salesforce=_date_for_salesforce,
    ),
    FieldType.BOOLEAN: FieldTypeRules(
        _checkbox,
        _parse_bool,
        empty=bool,
        salesforce_types=("Checkbox",),
        to_salesforce=bool,
        salesforce_empty=False,
    ),
    FieldType.NULLABLE_BOOLEAN: FieldTypeRules(_yes_no_unknown, _parse_bool, empty=_none),
    FieldType.FILE: _FILE_REFERENCE,
    FieldType.PICTURE: _FILE_REFERENCE,
    FieldType.DOCUMENT: _FILE_REFERENCE,
}
# Every Setup type some participant field may go into: another Setup type is one the connector cannot write.
SENDABLE_SETUP_TYPES = frozenset(kind for rules in FIELD_TYPES.values() for kind in rules.salesforce_types)


def field_type(kind: str) -> FieldTypeRules:
    """The rules of a stored type; Text's for a type this code does not know (a value stays a string)."""
    return FIELD_TYPES.get(kind) or FIELD_TYPES[FieldType.TEXT]


def value_parse(spec: FieldSpec, raw: Any) -> Any:
    """The stored value of `raw` (a cell: text, number, date, bool or None) for `spec`, or FieldValueError."""
    rules = field_type(spec.type)
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return rules.empty()
    return rules.parse(spec, raw)


def value_cell(spec: FieldSpec, value: Any) -> Any:
    """A stored value as a typed spreadsheet cell: numbers, dates and booleans stay what they are (Excel
    sorts and filters them as such), lists are joined, None is an empty cell; `value_parse` reads them
    back."""
    if isinstance(value, list):
        return f"{MULTI_SEPARATOR} ".join(str(item) for item in value)
    return field_type(spec.type).cell(value)


def salesforce_value(value: Any, kind: str) -> Any:
    """A stored value as Salesforce takes it (None: empty), or ValueRefused when no field can take it."""
    rules = field_type(kind)
    if value is None or value == "" or value == []:
        return rules.salesforce_empty
    return rules.to_salesforce(value)
