"""Salesforce record Ids: 15 case-sensitive characters plus a 3-character case checksum."""

from __future__ import annotations

import itertools
import threading
import time

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

KEY_PREFIXES: dict[str, str] = {
    "Account": "001",
    "Contact": "003",
    "Lead": "00Q",
    "Campaign": "701",
    "CampaignMember": "00v",
    "CampaignMemberStatus": "01Y",
    "User": "005",
    "Organization": "00D",
}
QUERY_LOCATOR_PREFIX = "01g"

# Seeded from the clock so that Ids stay unique across restarts of a persisted org.
_sequence = itertools.count(time.time_ns() // 1000)
_sequence_lock = threading.Lock()


# Each character as "1" (an ASCII capital) or "0" (any other Id character), and each chunk's 5 such digits
# (its first character first) as its checksum letter: a translate and three dict look-ups per Id, since
# every reference written or queried is checked.
_CAPITAL_BITS = str.maketrans({c: "1" if "A" <= c <= "Z" else "0" for c in _BASE62})
_LETTER_OF_BITS = {
    "".join("1" if bits >> i & 1 else "0" for i in range(5)): letter
    for bits, letter in enumerate(_CHECKSUM_ALPHABET)
}


def checksum(id15: str) -> str:
    """The 3-character suffix: one letter per 5-character chunk, encoding which characters are upper case."""
    flags = id15.translate(_CAPITAL_BITS)
    letters = _LETTER_OF_BITS
    try:
        return letters[flags[0:5]] + letters[flags[5:10]] + letters[flags[10:15]]
    except KeyError:  # a character outside [0-9A-Za-z] (is_valid_id accepts any str.isalnum), or < 15
        return _checksum_any(id15)


def _checksum_any(id15: str) -> str:
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, char in enumerate(id15[start : start + 5]) if "A" <= char <= "Z")
        suffix += _CHECKSUM_ALPHABET[bits]
    return suffix


def to18(id15: str) -> str:
    return id15 + checksum(id15)


_PAIRS = [a + b for a in _BASE62 for b in _BASE62]  # the two base-62 digits of 0 … 3843


def _base62(number: int, width: int) -> str:
    """`number` in `width` base-62 digits (the lowest ones if it has more), two digits a step."""
    digits = []
    for _ in range(width // 2):
        number, rest = divmod(number, 3844)
        digits.append(_PAIRS[rest])
    if width % 2:
        digits.append(_BASE62[number % 62])
    return "".join(reversed(digits))


_last_high: tuple[int, str] = (-1, "")  # the 7 leading digits of the last Id: they change every 3,844 Ids


def new_id(prefix: str) -> str:
    """A fresh 18-character Id with `prefix` as its key prefix ("00Q" for a Lead)."""
    global _last_high
    with _sequence_lock:
        number = next(_sequence)
    high, low = divmod(number, 3844)
    leading = _last_high  # read once: another thread may replace it meanwhile
    if leading[0] != high:
        leading = _last_high = (high, _base62(high, 7))
    return to18(prefix + "Em0" + leading[1] + _PAIRS[low])


def new_record_id(object_name: str) -> str:
    return new_id(KEY_PREFIXES[object_name])


_OBJECT_BY_PREFIX = {prefix: name for name, prefix in KEY_PREFIXES.items()}
assert all(len(prefix) == 3 for prefix in _OBJECT_BY_PREFIX)  # so a dict look-up can replace a scan


def object_for_id(record_id: str) -> str | None:
    """The sObject a well-formed Id belongs to, from its key prefix."""
    return _OBJECT_BY_PREFIX.get(record_id[:3])


def is_valid_id(value: object) -> bool:
    if not isinstance(value, str) or len(value) not in (15, 18) or not value.isalnum():
        return False
    return len(value) == 15 or checksum(value[:15]) == value[15:]


def normalize(value: str) -> str:
    """The 18-character form of a 15- or 18-character Id (Salesforce accepts both)."""
    return to18(value) if len(value) == 15 else value
