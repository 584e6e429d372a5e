"""Tokens of a SOQL statement, and the decoding of its string literals."""

from __future__ import annotations

import re
from typing import NamedTuple

from .soql_errors import located

MAX_STRING_LITERAL = 4000

# A token and the blanks before it. A string literal's body: anything but a quote or backslash, or a
# backslash pair, written as runs of plain characters (one step each, not one alternation per character);
# DOTALL for a backslash before a line break (no other alternative has a bare dot).
_TOKEN = re.compile(
    r"""
    \s*
    (?:(?P<string>'[^'\\]*(?:\\.[^'\\]*)*')
    |(?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2}))
    |(?P<date>\d{4}-\d{2}-\d{2})
    |(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+))
    |(?P<ident>[A-Za-z][A-Za-z0-9_]*)
    |(?P<op><=|>=|!=|<>|=|<|>)
    |(?P<punct>[(),.])
    )""",
    re.VERBOSE | re.DOTALL,
)
_BLANKS = re.compile(r"\s*")
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"'": "'", '"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
_LIKE_ESCAPES = {"%": "%", "_": "_"}


class Token(NamedTuple):  # a tuple: built ~2,000 times for a look-up's IN list, and cheaper than a dataclass
    kind: str  # ident, string, number, date, datetime, op, punct, eof
    text: str  # the source text; for strings the raw body between the quotes
    pos: int

    @property
    def upper(self) -> str:
        return self.text.upper()

    def shown(self) -> str:
        return "'<EOF>'" if self.kind == "eof" else f"'{self.text}'"


def tokenize(text: str) -> list[Token]:
    # One match per token, its leading blanks included: an IN list of a thousand emails is some 2,000
    # tokens, and this loop's work per token was most of a look-up's parse.
    tokens: list[Token] = []
    append, match_token = tokens.append, _TOKEN.match
    pos = 0
    while (match := match_token(text, pos)) is not None:
        kind = match.lastgroup or ""
        start, pos = match.span(kind)
        append(Token(kind, text[start + 1 : pos - 1] if kind == "string" else text[start:pos], start))
    pos = _BLANKS.match(text, pos).end()  # type: ignore[union-attr]  # \s* always matches
    if pos < len(text):
        if text[pos] == "'":
            raise located("MALFORMED_QUERY", text, pos, "mismatched character '<EOF>' expecting '''")
        raise located("MALFORMED_QUERY", text, pos, f"unexpected token: '{text[pos]}'")
    tokens.append(Token("eof", "", len(text)))
    return tokens


def decode_string(text: str, token: Token, *, like: bool = False) -> str:
    """The value of a string literal; with `like`, a regular expression for the LIKE pattern."""
    raw = token.text
    if "\\" not in raw and not like:
        return _checked_length(text, token, raw)
    parts: list[str] = []
    decoded_length = 0
    last = 0
    for match in _ESCAPE.finditer(raw):
        plain = raw[last : match.start()]
        parts.append(_like_regex(plain) if like else plain)
        decoded_length += len(plain) + 1
        parts.append(_escaped(text, token, match.group(1), like))
        last = match.end()
    plain = raw[last:]
    parts.append(_like_regex(plain) if like else plain)
    decoded_length += len(plain)
    if decoded_length > MAX_STRING_LITERAL:
        raise _too_long(text, token)
    return "".join(parts)


def _escaped(text: str, token: Token, code: str, like: bool) -> str:
    if code in _SIMPLE_ESCAPES:
        char = _SIMPLE_ESCAPES[code]
    elif len(code) == 5:
        char = chr(int(code[1:], 16))
    elif like and code in _LIKE_ESCAPES:
        char = _LIKE_ESCAPES[code]
    else:
        raise located(
            "MALFORMED_QUERY",
            text,
            token.pos,
            f"Invalid string literal '{token.text}'. "
            f"Illegal character sequence '\\{code[:1]}' in string literal.",
        )
    return re.escape(char) if like else char


def _like_regex(plain: str) -> str:
    return "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in plain)


def _checked_length(text: str, token: Token, value: str) -> str:
    if len(value) > MAX_STRING_LITERAL:
        raise _too_long(text, token)
    return value


def _too_long(text: str, token: Token):
    return located(
        "MALFORMED_QUERY",
        text,
        token.pos,
        f"String literal exceeds the maximum length of {MAX_STRING_LITERAL} characters",
    )
