"""How a participant field's value is read from outside text (import cells) and how it is stored.

One set of rules per field type, so that a value typed in a form, read from a CSV or an XLSX cell, or
written in an export means the same thing everywhere. Stored values are JSON-friendly: numbers as int or
float, dates as ISO strings, multi-select lists as lists of strings."""

import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from typing import Any

from events.fields import FieldSpec, FieldType

# Separator of a multi-select list in a single CSV/XLSX cell; ";" because option labels often hold commas.
MULTI_SEPARATOR = ";"
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x", "oui", "vrai"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "non", "faux"})


class FieldValueError(ValueError):
    """A value that does not fit its field; the message is shown to the user as is."""


# Bounds of a Number value, checked on the text before any arithmetic: Salesforce's widest Number field
# holds 18 digits (precision 18), so nothing longer can be sent, and an unbounded exponent ("1e400000")
# would otherwise cost seconds of CPU or all the memory when the value is turned into an int.
MAX_NUMBER_DIGITS = 18
MAX_NUMBER_TEXT_LENGTH = 64


def number_bounded(number: Decimal) -> Decimal:
    """`number` if it is finite and fits MAX_NUMBER_DIGITS digits before and after the decimal point;
    FieldValueError otherwise. Reads only the digits and the exponent: the same cost whatever the value."""
    if not number.is_finite():
        raise FieldValueError(f"expected a number, got {str(number)!r}")
    if number.is_zero():
        return Decimal(0)
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # 'n', 'N', 'F' mark NaN and infinities, refused above
    while len(digits) > 1 and digits[-1] == 0:  # trailing zeros say nothing: 1.500 is 1.5
        digits, exponent = digits[:-1], exponent + 1
    if len(digits) + exponent > MAX_NUMBER_DIGITS:
        raise FieldValueError(f"too large: at most {MAX_NUMBER_DIGITS} digits before the decimal point")
    if -exponent > MAX_NUMBER_DIGITS:
        raise FieldValueError(f"too precise: at most {MAX_NUMBER_DIGITS} digits after the decimal point")
    return number


def number_to_storage(value: Decimal | int | float) -> int | float:
    """A bounded number as stored (int when whole); floats (XLSX cells) are only checked for size."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FieldValueError(f"expected a number, got {value!r}")
        if abs(value) >= 10**MAX_NUMBER_DIGITS:
            raise FieldValueError(f"too large: at most {MAX_NUMBER_DIGITS} digits before the decimal point")
        return int(value) if value.is_integer() else value
    number = number_bounded(Decimal(value))
    return int(number) if number == number.to_integral_value() else float(number)


def number_parse_text(raw: Any) -> Decimal:
    """A number typed as text ("1 234,5" is not one; "1234,5" is): bounded before it is parsed."""
    text = str(raw).strip()
    if len(text) > MAX_NUMBER_TEXT_LENGTH:
        raise FieldValueError(f"expected a number of at most {MAX_NUMBER_TEXT_LENGTH} characters")
    if text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise FieldValueError(f"expected a number, got {str(raw)!r}") from None
    return number_bounded(number)


def _parse_bool(text: str, *, nullable: bool) -> bool | None:
    word = text.strip().lower()
    if word == "":
        return None if nullable else False
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FieldValueError("expected yes or no (true/false, 1/0)")


def _parse_date(raw: Any) -> str:
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    try:
        return dt.date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError:
        raise FieldValueError("expected a date as YYYY-MM-DD") from None


def _parse_number(raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise FieldValueError("expected a number")
    if isinstance(raw, int | float):
        return number_to_storage(raw)
    return number_to_storage(number_parse_text(raw))


def _options_lookup(spec: FieldSpec) -> dict[str, str]:
    return {option.strip().lower(): option for option in spec.options}


def value_parse(spec: FieldSpec, raw: Any) -> Any:
    """The stored value of `raw` (a cell: text, number, date, bool or None) for `spec`, or FieldValueError."""
    if isinstance(raw, bool) and spec.type in (FieldType.BOOLEAN, FieldType.NULLABLE_BOOLEAN):
        return raw
    empty = raw is None or (isinstance(raw, str) and raw.strip() == "")
    if spec.type == FieldType.BOOLEAN:
        return False if empty else _parse_bool(str(raw), nullable=False)
    if spec.type == FieldType.NULLABLE_BOOLEAN:
        return None if empty else _parse_bool(str(raw), nullable=True)
    if spec.type == FieldType.MULTISELECT_LIST:
        if empty:
            return []
        lookup = _options_lookup(spec)
        chosen = [part.strip() for part in str(raw).split(MULTI_SEPARATOR) if part.strip()]
        unknown = [part for part in chosen if part.lower() not in lookup]
        if unknown:
            raise FieldValueError(f"{', '.join(unknown)!s} not among the options ({', '.join(spec.options)})")
        return [lookup[part.lower()] for part in chosen]
    if empty:
        return None if spec.type in (FieldType.NUMBER, FieldType.DATE) else ""
    if spec.type == FieldType.NUMBER:
        return _parse_number(raw)
    if spec.type == FieldType.DATE:
        return _parse_date(raw)
    if spec.type == FieldType.SELECT_LIST:
        option = _options_lookup(spec).get(str(raw).strip().lower())
        if option is None:
            raise FieldValueError(
                f"{str(raw).strip()!r} is not among the options ({', '.join(spec.options)})"
            )
        return option
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # an XLSX cell holding 42 reads back as 42.0
    text = str(raw).strip()
    limit = spec.text_limit
    if limit and len(text) > limit:
        raise FieldValueError(f"longer than {limit} characters ({len(text)})")
    return text


def value_cell(spec: FieldSpec, value: Any) -> Any:
    """A stored value as a typed spreadsheet cell: numbers, dates and booleans stay what they are (Excel
    sorts and filters them as such), lists are joined, None is an empty cell; `value_parse` reads them
    back."""
    if isinstance(value, list):
        return f"{MULTI_SEPARATOR} ".join(str(item) for item in value)
    if spec.type == FieldType.DATE and isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value  # stored before dates were checked: shown as it is
    return value


def value_display(spec: FieldSpec, value: Any) -> Any:
    """A stored value as a flat cell for exports: lists joined, booleans as yes/no, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return f"{MULTI_SEPARATOR} ".join(str(item) for item in value)
    return value
