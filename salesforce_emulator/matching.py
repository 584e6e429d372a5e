"""The standard Contact and Lead matching rules: name-based, never email alone.

Salesforce Help, "Standard Contact Matching Rule and Standard Lead Matching Rule" (activated by default):
every alternative needs first name AND last name, plus one of title + company, email, phone + company,
street + (city or ZIP or phone), street + title, title + email, or phone. First names match fuzzily
(exact, initials, Jaro-Winkler, name variants; threshold 85), last names fuzzily (threshold 90); blank
fields never match; first and last names are also tried transposed. "Company" is the Lead's Company and
the Contact's Account Name.

Here, where the real fuzzy engine is unknown in detail: first names match exactly (accents and case
folded), by initial, or by Jaro-Winkler ≥ 0.85; last names match exactly once folded (the candidates
come from an index on the folded last name); other fields match exactly once folded (phones by digits)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

FIRST_NAME_THRESHOLD = 0.85
# (title, company, email, phone, street, city, zip) alternatives, each also requiring both names.
_EQUATION: tuple[tuple[str, ...], ...] = (
    ("title", "company"),
    ("email",),
    ("phone", "company"),
    ("street", "city"),
    ("street", "zip"),
    ("street", "phone"),
    ("street", "title"),
    ("title", "email"),
    ("phone",),
)
_FIELDS = {  # our key → (Contact field, Lead field)
    "title": ("Title", "Title"),
    "email": ("Email", "Email"),
    "phone": ("Phone", "Phone"),
    "street": ("MailingStreet", "Street"),
    "city": ("MailingCity", "City"),
    "zip": ("MailingPostalCode", "PostalCode"),
}


def fold(text: Any) -> str:
    """Case and accents folded, spaces squeezed: "  Amélie " → "amelie"."""
    if not text:  # most of a new person's compared fields (title, phone, street…) are empty
        return ""
    text = str(text)
    if text.isascii():  # ASCII has no decompositions nor combining marks, and casefolds as lower()
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def name_keys(record: dict[str, Any]) -> tuple[str, ...]:
    """The index key of a person: its folded last name."""
    last = fold(record.get("LastName"))
    return (last,) if last else ()


def candidate_keys(record: dict[str, Any]) -> tuple[str, ...]:
    """Last names to look up for a record: its own, and its first name (names tried transposed)."""
    return tuple(dict.fromkeys(k for k in (fold(record.get("LastName")), fold(record.get("FirstName"))) if k))


def comparable(record: dict[str, Any], object_name: str, company: Callable[[dict[str, Any]], str]) -> dict:
    column = 0 if object_name == "Contact" else 1
    values = {key: fold(record.get(names[column])) for key, names in _FIELDS.items()}
    values["phone"] = "".join(c for c in values["phone"] if c.isdigit())
    values.update(first=fold(record.get("FirstName")), last=fold(record.get("LastName")),
                  company=fold(company(record)))
    return values


def is_match(new: dict[str, str], other: dict[str, str]) -> bool:
    straight = _names_match(new["first"], new["last"], other["first"], other["last"])
    transposed = _names_match(new["last"], new["first"], other["first"], other["last"])
    if not (straight or transposed):
        return False
    return any(all(new[k] and new[k] == other[k] for k in alternative) for alternative in _EQUATION)


def _names_match(first: str, last: str, other_first: str, other_last: str) -> bool:
    if not (first and last and other_first and other_last) or last != other_last:
        return False
    if first == other_first:
        return True
    initial = len(first.rstrip(".")) == 1 or len(other_first.rstrip(".")) == 1
    if initial:
        return first[0] == other_first[0]
    return jaro_winkler(first, other_first) >= FIRST_NAME_THRESHOLD


def jaro_winkler(a: str, b: str) -> float:
    if a == b:
        return 1.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    taken = [False] * len(b)
    matched_a = []
    for i, char in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not taken[j] and b[j] == char:
                taken[j] = True
                matched_a.append(char)
                break
    if not matched_a:
        return 0.0
    matched_b = [b[j] for j, used in enumerate(taken) if used]
    transpositions = sum(x != y for x, y in zip(matched_a, matched_b, strict=True)) / 2
    m = len(matched_a)
    jaro = (m / len(a) + m / len(b) + (m - transpositions) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)
