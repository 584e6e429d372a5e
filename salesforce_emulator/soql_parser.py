"""SOQL syntax: a statement becomes a `Query` tree, or a MALFORMED_QUERY error."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from .soql_errors import SoqlError, located
from .soql_lexer import Token, decode_string, tokenize

MAX_STATEMENT = 100_000
MAX_OFFSET = 2000
_COMPARISONS = {"=", "!=", "<>", "<", ">", "<=", ">="}
# Real SOQL, recognised so that the error says the emulator lacks it rather than that the query is wrong.
_UNSUPPORTED = frozenset(
    "HAVING WITH FOR USING INCLUDES EXCLUDES TYPEOF FIELDS SELECT TODAY YESTERDAY TOMORROW "
    "FORMAT TOLABEL ROLLUP CUBE".split()
)
AGGREGATE_FUNCTIONS = frozenset("AVG COUNT COUNT_DISTINCT MAX MIN SUM".split())
_RESERVED = frozenset(
    "SELECT FROM WHERE AND OR NOT IN LIKE ORDER BY LIMIT OFFSET NULL TRUE FALSE ASC DESC NULLS "
    "GROUP HAVING WITH FOR USING INCLUDES EXCLUDES".split()
)


@dataclass(frozen=True, slots=True)
class FieldRef:
    path: tuple[str, ...]  # ("Campaign", "Name") for Campaign.Name
    pos: int


@dataclass(frozen=True, slots=True)
class Literal:
    kind: str  # string, like, number, date, datetime, boolean, null
    value: str | float | bool | date | datetime | None
    pos: int


@dataclass(frozen=True, slots=True)
class Comparison:
    field: FieldRef
    op: str  # = != < > <= >= IN NOT IN LIKE
    values: tuple[Literal, ...]


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # AND, OR, NOT
    operands: tuple[Condition, ...]


Condition = Comparison | BoolOp


@dataclass(frozen=True, slots=True)
class Aggregate:
    function: str  # AVG, COUNT, COUNT_DISTINCT, MAX, MIN, SUM
    field: FieldRef
    alias: str | None
    pos: int


@dataclass(frozen=True, slots=True)
class OrderItem:
    field: FieldRef
    descending: bool
    nulls_last: bool


@dataclass(slots=True)
class Query:
    text: str
    object_name: str = ""
    object_pos: int = 0
    count: bool = False
    fields: list[FieldRef] = field(default_factory=list)
    items: list[FieldRef | Aggregate] = field(default_factory=list)  # the SELECT list in order
    group_by: list[FieldRef] = field(default_factory=list)
    where: Condition | None = None
    order_by: list[OrderItem] = field(default_factory=list)
    limit: int | None = None
    offset: int | None = None


def parse(text: str) -> Query:
    if len(text) > MAX_STATEMENT:
        raise SoqlError("MALFORMED_QUERY", "SOQL statements cannot be longer than 100,000 characters.")
    return _Parser(text).query()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    # -- token helpers
    def peek(self, ahead: int = 0) -> Token:
        try:
            return self.tokens[self.i + ahead]
        except IndexError:  # past the end: the eof token again
            return self.tokens[-1]

    def next(self) -> Token:
        token = self.peek()
        self.i += 1
        return token

    def at_keyword(self, *words: str) -> bool:
        token = self.peek()
        return token.kind == "ident" and token.upper in words

    def accept_keyword(self, word: str) -> bool:
        if self.at_keyword(word):
            self.i += 1
            return True
        return False

    def expect_keyword(self, word: str) -> Token:
        if not self.at_keyword(word):
            raise self.unexpected()
        return self.next()

    def expect_punct(self, char: str) -> Token:
        token = self.peek()
        if token.kind != "punct" or token.text != char:
            raise self.unexpected()
        return self.next()

    def at_punct(self, char: str) -> bool:
        token = self.peek()
        return token.kind == "punct" and token.text == char

    def unexpected(self, token: Token | None = None) -> SoqlError:
        token = token or self.peek()
        detail = f"unexpected token: {token.shown()}"
        if token.kind == "ident" and token.upper in _UNSUPPORTED:
            detail += f" ({token.upper} is not supported by the Salesforce emulator)"
        return located("MALFORMED_QUERY", self.text, token.pos, detail)

    # -- grammar
    def query(self) -> Query:
        query = Query(self.text)
        self.expect_keyword("SELECT")
        self.select_list(query)
        self.expect_keyword("FROM")
        name = self.next()
        if name.kind != "ident" or name.upper in _RESERVED:
            raise self.unexpected(name)
        query.object_name, query.object_pos = name.text, name.pos
        if self.accept_keyword("WHERE"):
            query.where = self.condition()
        if self.accept_keyword("GROUP"):
            self.expect_keyword("BY")
            query.group_by = self.field_list()
        if self.accept_keyword("ORDER"):
            self.expect_keyword("BY")
            query.order_by = self.order_list()
        if self.accept_keyword("LIMIT"):
            query.limit = self.integer(None)
        if self.accept_keyword("OFFSET"):
            query.offset = self.integer(MAX_OFFSET)
        if self.peek().kind != "eof":
            raise self.unexpected()
        return query

    def select_list(self, query: Query) -> None:
        if self.at_keyword("COUNT") and self.peek(1).text == "(" and self.peek(2).text == ")":
            self.i += 3
            query.count = True
            if self.at_punct(","):
                raise self.unexpected()
            return
        query.items.append(self.select_item())
        while self.at_punct(","):
            self.next()
            query.items.append(self.select_item())
        query.fields = [item for item in query.items if isinstance(item, FieldRef)]

    def select_item(self) -> FieldRef | Aggregate:
        if not (self.at_keyword(*AGGREGATE_FUNCTIONS) and self.peek(1).text == "("):
            return self.field_ref()
        function = self.next()
        self.next()
        ref = self.field_ref()
        self.expect_punct(")")
        alias = None
        token = self.peek()
        if token.kind == "ident" and token.upper not in _RESERVED:
            alias = self.next().text
        return Aggregate(function.upper, ref, alias, function.pos)

    def field_list(self) -> list[FieldRef]:
        refs = [self.field_ref()]
        while self.at_punct(","):
            self.next()
            refs.append(self.field_ref())
        return refs

    def field_ref(self) -> FieldRef:
        first = self.next()
        if first.kind != "ident" or first.upper in _RESERVED:
            raise self.unexpected(first)
        path = [first.text]
        while self.at_punct("."):
            self.next()
            part = self.next()
            if part.kind != "ident":
                raise self.unexpected(part)
            path.append(part.text)
        if self.at_punct("("):
            raise self.unexpected(first if first.upper in _UNSUPPORTED else self.peek())
        return FieldRef(tuple(path), first.pos)

    def order_list(self) -> list[OrderItem]:
        items = [self.order_item()]
        while self.at_punct(","):
            self.next()
            items.append(self.order_item())
        return items

    def order_item(self) -> OrderItem:
        ref = self.field_ref()
        descending = False
        if self.at_keyword("ASC", "DESC"):
            descending = self.next().upper == "DESC"
        nulls_last = descending
        if self.accept_keyword("NULLS"):
            if not self.at_keyword("FIRST", "LAST"):
                raise self.unexpected()
            nulls_last = self.next().upper == "LAST"
        return OrderItem(ref, descending, nulls_last)

    def integer(self, maximum: int | None) -> int:
        token = self.next()
        if token.kind != "number" or not token.text.isdigit():
            raise self.unexpected(token)
        value = int(token.text)
        if value > 2_147_483_647:
            raise located(
                "MALFORMED_QUERY", self.text, token.pos, f"numeric value out of range: {token.text}"
            )
        if maximum is not None and value > maximum:
            raise SoqlError("NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {maximum}")
        return value

    # -- WHERE: one operator kind per parenthesis level, as Salesforce demands
    def condition(self) -> Condition:
        operands = [self.unary()]
        joiner = None
        while self.at_keyword("AND", "OR"):
            word = self.peek().upper
            if joiner is not None and word != joiner:
                raise self.unexpected()
            joiner = word
            self.next()
            operands.append(self.unary())
        return operands[0] if joiner is None else BoolOp(joiner, tuple(operands))

    def unary(self) -> Condition:
        if self.accept_keyword("NOT"):
            return BoolOp("NOT", (self.unary(),))
        if self.at_punct("("):
            self.next()
            inner = self.condition()
            self.expect_punct(")")
            return inner
        return self.comparison()

    def comparison(self) -> Comparison:
        ref = self.field_ref()
        token = self.peek()
        if token.kind == "op":
            self.next()
            op = "!=" if token.text == "<>" else token.text
            return Comparison(ref, op, (self.literal(),))
        if self.accept_keyword("LIKE"):
            return Comparison(ref, "LIKE", (self.like_pattern(),))
        if self.accept_keyword("NOT"):
            self.expect_keyword("IN")
            return Comparison(ref, "NOT IN", self.literal_list())
        if self.accept_keyword("IN"):
            return Comparison(ref, "IN", self.literal_list())
        raise self.unexpected()

    def literal_list(self) -> tuple[Literal, ...]:
        self.expect_punct("(")
        values = [self.literal()]
        while self.at_punct(","):
            self.next()
            token = self.peek()
            if token.kind == "string":  # a look-up's thousand emails: `literal`'s first case, inlined
                self.i += 1
                values.append(Literal("string", decode_string(self.text, token), token.pos))
            else:
                values.append(self.literal())
        self.expect_punct(")")
        return tuple(values)

    def like_pattern(self) -> Literal:
        token = self.next()
        if token.kind == "ident" and token.upper == "NULL":
            return Literal("null", None, token.pos)
        if token.kind != "string":
            raise self.unexpected(token)
        return Literal("like", decode_string(self.text, token, like=True), token.pos)

    def literal(self) -> Literal:
        token = self.next()
        kind = token.kind
        if kind == "string":
            return Literal("string", decode_string(self.text, token), token.pos)
        if kind == "number":
            return Literal("number", float(token.text), token.pos)
        if kind == "date":
            return Literal("date", self.date_value(token), token.pos)
        if kind == "datetime":
            return Literal("datetime", self.datetime_value(token), token.pos)
        if kind == "ident" and token.upper in ("TRUE", "FALSE"):
            return Literal("boolean", token.upper == "TRUE", token.pos)
        if kind == "ident" and token.upper == "NULL":
            return Literal("null", None, token.pos)
        raise self.unexpected(token)

    def date_value(self, token: Token) -> date:
        try:
            return date.fromisoformat(token.text)
        except ValueError:
            raise self.bad_literal(token, "date") from None

    def datetime_value(self, token: Token) -> datetime:
        iso = re.sub(r"Z$", "+00:00", token.text)
        try:
            return datetime.fromisoformat(iso)
        except ValueError:
            raise self.bad_literal(token, "datetime") from None

    def bad_literal(self, token: Token, kind: str) -> SoqlError:
        return located("MALFORMED_QUERY", self.text, token.pos, f"invalid {kind} literal: {token.text}")
