"""Runs a parsed SOQL `Query` against a schema and a store: field resolution, WHERE compiled to closures,
ORDER BY, LIMIT/OFFSET and the shaping of records as the REST API returns them."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .soql_errors import NO_COLUMN, NO_OBJECT, NO_RELATIONSHIP, SoqlError, located
from .soql_parser import Comparison, Condition, FieldRef, Literal, OrderItem, Query

if TYPE_CHECKING:
    from .soql import SchemaLike, StoreLike

Predicate = Callable[[dict], bool]
_NUMBER_TYPES = {
    "double": "double",
    "currency": "double",
    "percent": "double",
    "int": "integer",
    "long": "long",
}
_RELATIONAL = {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}
_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")


@dataclass(frozen=True, slots=True)
class Hop:
    foreign_key: str  # CampaignId
    relationship: str  # Campaign
    target: str  # Campaign (the sObject)


@dataclass(frozen=True, slots=True)
class Resolved:
    ref: FieldRef
    hops: tuple[Hop, ...]
    name: str
    describe: dict

    @property
    def out_path(self) -> tuple[str, ...]:
        return (*(hop.relationship for hop in self.hops), self.name)

    @property
    def type(self) -> str:
        return str(self.describe.get("type") or "string")

    @property
    def category(self) -> str:
        kind = self.type
        if kind in ("id", "reference"):
            return "id"
        if kind in _NUMBER_TYPES:
            return "number"
        if kind in ("boolean", "date", "datetime", "time", "multipicklist"):
            return kind
        return "text"

    @property
    def case_sensitive(self) -> bool:
        return bool(self.describe.get("caseSensitive"))


class Context:
    """One query's view of the schema and store, with the parent look-ups it has already made."""

    def __init__(self, query: Query, schema: SchemaLike, store: StoreLike) -> None:
        self.query = query
        self.schema = schema
        self.store = store
        self._parents: dict[str, dict | None] = {}
        # id(Comparison) -> its values, case-folded, for an `Email =` / `Email IN` filter of this object:
        # what `email_keys` narrows the records to through the store's index.
        self.email_filters: dict[int, frozenset[Any]] = {}
        found = schema.object_name(query.object_name)
        if found is None:
            raise located(
                "INVALID_TYPE", query.text, query.object_pos, NO_OBJECT.format(name=query.object_name)
            )
        self.object_name = found

    def fetch(self, record_id: Any) -> dict | None:
        if not record_id:
            return None
        if record_id not in self._parents:
            self._parents[record_id] = self.store.get(record_id)
        return self._parents[record_id]

    def error(self, code: str, ref: FieldRef | Literal, detail: str) -> SoqlError:
        return located(code, self.query.text, ref.pos, detail)

    def resolve(self, ref: FieldRef) -> Resolved:
        path = list(ref.path)
        obj = self.object_name
        # `Lead.Email FROM Lead`: a leading object name qualifies the field, unless it names a relationship.
        if (
            len(path) > 1
            and path[0].lower() == obj.lower()
            and self.schema.relationship(obj, path[0]) is None
        ):
            path = path[1:]
        hops: list[Hop] = []
        for name in path[:-1]:
            found = self.schema.relationship(obj, name)
            if found is None:
                raise self.error("INVALID_FIELD", ref, NO_RELATIONSHIP.format(name=name))
            foreign_key, target = found
            key_field = self.schema.field(obj, foreign_key) or {}
            hops.append(
                Hop(key_field.get("name", foreign_key), key_field.get("relationshipName") or name, target)
            )
            obj = target
        describe = self.schema.field(obj, path[-1])
        if describe is None:
            raise self.error("INVALID_FIELD", ref, NO_COLUMN.format(field=path[-1], entity=obj))
        return Resolved(ref, tuple(hops), describe["name"], describe)

    def getter(self, resolved: Resolved) -> Callable[[dict], Any]:
        """How to read the field from a record of the queried object, through its parents if need be."""
        name, hops = resolved.name, resolved.hops
        if not hops:
            return lambda record: record.get(name)
        fetch = self.fetch

        def through_parents(record: dict) -> Any:
            for hop in hops:
                parent = fetch(record.get(hop.foreign_key))
                if parent is None:
                    return None
                record = parent
            return record.get(name)

        return through_parents


# -- value normalisation: record values and literals become comparable Python values


@lru_cache(maxsize=65536)
def _parse_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _multi(value: str) -> frozenset[str]:
    return frozenset(part.strip().casefold() for part in value.split(";"))


def normalizer(resolved: Resolved) -> Callable[[Any], Any]:
    category = resolved.category
    if category == "text":
        if resolved.case_sensitive:
            return lambda v: str(v) if v not in (None, "") else None
        return lambda v: str(v).casefold() if v not in (None, "") else None
    if category == "id":
        return lambda v: v[:15] if v else None
    if category == "number":
        return lambda v: None if v is None else float(v)
    if category == "datetime":
        return lambda v: _parse_datetime(v) if v else None
    if category == "multipicklist":
        return lambda v: _multi(v) if v else None
    if category == "date":
        return lambda v: str(v) if v else None
    return lambda v: v


def _criterion_error(
    ctx: Context, resolved: Resolved, literal: Literal, expected: str, quoted: bool
) -> SoqlError:
    quotes = "should be enclosed in quotes" if quoted else "should not be enclosed in quotes"
    name = resolved.ref.path[-1]
    detail = f"value of filter criterion for field '{name}' must be of type {expected} and {quotes}"
    # Salesforce answers MALFORMED_QUERY for numbers but INVALID_FIELD for the other types.
    return ctx.error("MALFORMED_QUERY" if resolved.category == "number" else "INVALID_FIELD", literal, detail)


def literal_value(ctx: Context, resolved: Resolved, literal: Literal) -> Any:
    return literal_reader(ctx, resolved)(literal)


def literal_reader(ctx: Context, resolved: Resolved) -> Callable[[Literal], Any]:
    """`literal_value` for one field, its type worked out once: an IN list reads a thousand literals."""
    category = resolved.category
    if category in ("text", "multipicklist", "id"):
        norm = normalizer(resolved)

        def textual(literal: Literal) -> Any:
            if literal.kind == "null":
                return None
            value = literal.value
            if literal.kind != "string":
                raise _criterion_error(ctx, resolved, literal, "string", quoted=True)
            if category == "id" and value and not _ID.fullmatch(str(value)):
                raise ctx.error("INVALID_QUERY_FILTER_OPERATOR", literal, f"invalid ID field: {value}")
            return norm(value)

        return textual
    return lambda literal: _typed_literal_value(ctx, resolved, literal)


def _typed_literal_value(ctx: Context, resolved: Resolved, literal: Literal) -> Any:
    if literal.kind == "null":
        return None
    category = resolved.category
    value = literal.value
    if category == "number":
        if literal.kind != "number":
            raise _criterion_error(ctx, resolved, literal, _NUMBER_TYPES[resolved.type], quoted=False)
        return value
    if category == "boolean":
        if literal.kind != "boolean":
            raise _criterion_error(ctx, resolved, literal, "boolean", quoted=False)
        return value
    if category == "date":
        if literal.kind != "date":
            raise _criterion_error(ctx, resolved, literal, "date", quoted=False)
        return value.isoformat()  # type: ignore[union-attr]
    if category == "datetime":
        if literal.kind != "datetime":
            raise _criterion_error(ctx, resolved, literal, "dateTime", quoted=False)
        return value
    raise ctx.error(
        "INVALID_FIELD", literal, f"filtering on {resolved.type} fields is not supported by the emulator"
    )


# -- WHERE


def compile_condition(ctx: Context, condition: Condition) -> Predicate:
    if isinstance(condition, Comparison):
        return _compile_comparison(ctx, condition)
    parts = [compile_condition(ctx, operand) for operand in condition.operands]
    if condition.op == "NOT":
        inner = parts[0]
        return lambda record: not inner(record)
    return _chain(parts, condition.op == "AND")


def _chain(parts: list[Predicate], conjunction: bool) -> Predicate:
    # Nested two-operand closures: cheaper per record than all()/any() over a generator.
    first = parts[0]
    if len(parts) == 1:
        return first
    rest = _chain(parts[1:], conjunction)
    if conjunction:
        return lambda record: first(record) and rest(record)
    return lambda record: first(record) or rest(record)


def _compile_comparison(ctx: Context, comparison: Comparison) -> Predicate:
    resolved = ctx.resolve(comparison.field)
    if resolved.describe.get("filterable", True) is False:
        raise ctx.error(
            "INVALID_FIELD",
            comparison.field,
            f"field '{comparison.field.path[-1]}' can not be filtered in a query call",
        )
    get = ctx.getter(resolved)
    op = comparison.op
    if op == "LIKE" and comparison.values[0].kind == "like":
        return _compile_like(ctx, resolved, comparison, get)
    if op == "LIKE":
        op = "="
    value_of = _normalized(resolved, get)
    if op in ("IN", "NOT IN"):
        read = literal_reader(ctx, resolved)
        allowed = frozenset([read(value) for value in comparison.values])
        if op == "IN":
            _note_email_filter(ctx, resolved, comparison, allowed)
            return lambda record: value_of(record) in allowed
        return lambda record: value_of(record) not in allowed
    expected = literal_value(ctx, resolved, comparison.values[0])
    if op == "=":
        _note_email_filter(ctx, resolved, comparison, frozenset([expected]))
        return lambda record: value_of(record) == expected
    if op == "!=":
        return lambda record: value_of(record) != expected
    if resolved.category in ("boolean", "multipicklist"):
        raise ctx.error("INVALID_FIELD", comparison.field, f"invalid operator on {resolved.type} field")
    if expected is None:
        return lambda record: False
    compare = _RELATIONAL[op]

    def relational(record: dict) -> bool:
        value = value_of(record)
        return value is not None and compare(value, expected)

    return relational


# The objects whose Email the store indexes as SOQL compares it (store.INDEXES["soql_email"]).
EMAIL_INDEXED = ("Lead", "Contact", "CampaignMember")


def _note_email_filter(ctx: Context, resolved: Resolved, comparison: Comparison, values: frozenset) -> None:
    """Remember the values of an `Email =` or `Email IN` filter on the queried object's own Email, compared
    case-insensitively as text (the normalizer `soql_email` keys mirror): a record can match it only if
    its folded Email is one of them. A null among them matches records without one: no narrowing then."""
    if (
        not resolved.hops
        and resolved.name == "Email"
        and ctx.object_name in EMAIL_INDEXED
        and resolved.category == "text"
        and not resolved.case_sensitive
        and None not in values
    ):
        ctx.email_filters[id(comparison)] = values


def email_keys(ctx: Context, condition: Condition) -> frozenset[Any] | None:
    """Folded emails every record matching `condition` has one of, or None when the condition does not
    say (compiled first: `compile_condition` notes the filters). AND narrows to any noted operand's values,
    OR only when every operand is noted; NOT never narrows."""
    if isinstance(condition, Comparison):
        return ctx.email_filters.get(id(condition))
    if condition.op == "NOT":
        return None
    keys = [email_keys(ctx, operand) for operand in condition.operands]
    if condition.op == "AND":
        known = [k for k in keys if k is not None]
        return frozenset.intersection(*known) if known else None
    if any(k is None for k in keys):
        return None
    return frozenset().union(*keys)  # type: ignore[arg-type]


def _normalized(resolved: Resolved, get: Callable[[dict], Any]) -> Callable[[dict], Any]:
    norm = normalizer(resolved)
    if resolved.hops:
        return lambda record: norm(get(record))
    name = resolved.name
    # One call less per record on the hot path: the connector's look-ups filter direct fields.
    return lambda record: norm(record.get(name))


def _compile_like(ctx: Context, resolved: Resolved, comparison: Comparison, get: Callable) -> Predicate:
    if resolved.category not in ("text", "id"):
        raise ctx.error("INVALID_FIELD", comparison.field, f"invalid operator on {resolved.type} field")
    flags = re.DOTALL | (0 if resolved.case_sensitive else re.IGNORECASE)
    match = re.compile(str(comparison.values[0].value), flags).fullmatch

    def like(record: dict) -> bool:
        value = get(record)
        return value is not None and match(str(value)) is not None

    return like


# -- ORDER BY


def sort_records(ctx: Context, records: list[dict], items: list[OrderItem]) -> None:
    # Stable sorts from the last key to the first give the multi-key order with mixed directions.
    for item in reversed(items):
        resolved = ctx.resolve(item.field)
        if resolved.describe.get("sortable", True) is False:
            raise ctx.error(
                "INVALID_FIELD",
                item.field,
                f"field '{item.field.path[-1]}' can not be sorted in a query call",
            )
        get = ctx.getter(resolved)
        norm = _sort_normalizer(resolved)
        nulls_front = not item.nulls_last
        null_key = (0,) if nulls_front != item.descending else (2,)
        records.sort(key=lambda r: _sort_key(norm(get(r)), null_key), reverse=item.descending)


def _sort_key(value: Any, null_key: tuple) -> tuple:
    return null_key if value is None else (1, value)


def _sort_normalizer(resolved: Resolved) -> Callable[[Any], Any]:
    if resolved.category == "multipicklist":
        return lambda v: str(v).casefold() if v else None
    if resolved.category == "text":
        return lambda v: str(v).casefold() if v not in (None, "") else None
    return normalizer(resolved)
