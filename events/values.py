"""The bounded building blocks of participant values: numbers checked before any arithmetic, the words
read as yes or no, the multi-select separator, and the errors of a value that does not fit.

Which of them a field uses depends on its type: events.field_types holds that table (forms, import,
export and the Salesforce conversion all read it). Stored values are JSON-friendly: numbers as int or
float, dates as ISO strings, multi-select lists as lists of strings."""

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from events.fields import FieldSpec

# Separator of a multi-select list in a single CSV/XLSX cell; ";" because option labels often hold commas.
MULTI_SEPARATOR = ";"
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x", "oui", "vrai"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "non", "faux"})


class FieldValueError(ValueError):
    """A value that does not fit its field; the message is shown to the user as is."""


class ValueRefused(ValueError):
    """A stored value that no Salesforce field can take (NaN, infinity, a number beyond 18 digits): the
    participant fails with this reason instead of the batch being sent or retried."""


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


def value_display(spec: FieldSpec, value: Any) -> Any:
    """A stored value as a flat cell for exports: lists joined, booleans as yes/no, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return f"{MULTI_SEPARATOR} ".join(str(item) for item in value)
    return value
