"""The SOQL engine of the Salesforce emulator: `run_query` answers a SOQL statement the way the REST
query endpoint would, or raises `SoqlError` with Salesforce's error code and message.

Syntax lives in `soql_lexer` / `soql_parser`, field resolution and WHERE / ORDER BY in `soql_eval`;
this module selects, pages and shapes the records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from .soql_aggregate import aggregate_rows
from .soql_errors import SoqlError
from .soql_eval import Context, Resolved, compile_condition, email_keys, sort_records
from .soql_parser import Condition, Query, parse

__all__ = ["QueryResult", "SchemaLike", "SoqlError", "StoreLike", "run_query"]


class SchemaLike(Protocol):
    def object_name(self, name: str) -> str | None: ...

    def field(self, object_name: str, field_name: str) -> dict | None: ...

    def relationship(self, object_name: str, relationship_name: str) -> tuple[str, str] | None: ...


class StoreLike(Protocol):
    """A store may also offer `records_by_keys(object_name, "soql_email", {(object_name, folded email)})`
    (the emulator's Transaction): the records an Email filter can match, in `records` order, unscanned."""

    def records(self, object_name: str, include_deleted: bool = False) -> Iterable[dict]: ...

    def get(self, record_id: str) -> dict | None: ...


@dataclass
class QueryResult:
    records: list[dict] = field(default_factory=list)
    total_size: int = 0


def run_query(
    text: str, *, schema: SchemaLike, store: StoreLike, api_version: str, include_deleted: bool = False
) -> QueryResult:
    query = _parse(text)
    # Checked in Salesforce's order: the object, the selected fields, WHERE, then ORDER BY.
    ctx = Context(query, schema, store)
    aggregate = bool(query.group_by) or len(query.fields) < len(query.items)
    columns = [] if query.count or aggregate else _select_columns(ctx)
    selected = _matching(ctx, query, store, include_deleted)
    if aggregate:
        rows = aggregate_rows(ctx, selected)
        start = query.offset or 0
        rows = rows[start : None if query.limit is None else start + query.limit]
        return QueryResult(records=rows, total_size=len(rows))
    if query.order_by:
        sort_records(ctx, selected, query.order_by)
    start = query.offset or 0
    selected = selected[start : None if query.limit is None else start + query.limit]
    if query.count:
        return QueryResult(records=[], total_size=len(selected))
    sobjects_url = f"/services/data/v{api_version.lstrip('vV')}/sobjects"
    return QueryResult(
        records=[_shape(ctx, r, columns, sobjects_url) for r in selected], total_size=len(selected)
    )


# Statements up to this long are parsed once: the same short queries come back (a campaign's statuses
# in every look-up); a look-up's IN lists differ every batch and would only fill the memory.
_CACHED_STATEMENT = 2000


def _parse(text: str) -> Query:
    return _parse_short(text) if len(text) <= _CACHED_STATEMENT else parse(text)


@lru_cache(maxsize=256)
def _parse_short(text: str) -> Query:
    """A parsed statement, shared by the queries that repeat it: nothing changes a Query once parsed."""
    return parse(text)


def _matching(ctx: Context, query: Query, store: StoreLike, include_deleted: bool) -> list[dict]:
    if query.where is None:
        return list(store.records(ctx.object_name, include_deleted=include_deleted))
    matches = compile_condition(ctx, query.where)
    return [record for record in _candidates(ctx, query.where, store, include_deleted) if matches(record)]


def _candidates(ctx: Context, where: Condition, store: StoreLike, include_deleted: bool) -> Iterable[dict]:
    """The records the WHERE clause may match, in the object's order: through the store's Email index when
    the clause narrows to some emails (the sync looks up a thousand among tens of thousands per batch),
    otherwise all of them. The index holds live records only: queryAll scans."""
    by_keys = getattr(store, "records_by_keys", None)
    keys = email_keys(ctx, where) if by_keys is not None and not include_deleted else None
    if by_keys is None or keys is None:
        return store.records(ctx.object_name, include_deleted=include_deleted)
    return by_keys(ctx.object_name, "soql_email", {(ctx.object_name, key) for key in keys})


def _select_columns(ctx: Context) -> list[Resolved]:
    columns: list[Resolved] = []
    seen: set[tuple[str, ...]] = set()
    for ref in ctx.query.fields:
        resolved = ctx.resolve(ref)
        key = tuple(part.lower() for part in resolved.out_path)
        if key in seen:
            raise SoqlError("INVALID_FIELD", f"duplicate field selected: {'.'.join(resolved.out_path)}")
        seen.add(key)
        columns.append(resolved)
    return columns


def _shape(ctx: Context, record: dict, columns: list[Resolved], sobjects_url: str) -> dict:
    """The record as the REST API returns it: attributes, then the columns, parents as nested records."""
    out: dict[str, Any] = {"attributes": _attributes(ctx.object_name, record, sobjects_url)}
    for column in columns:
        node, source = out, record
        for hop in column.hops:
            parent = ctx.fetch(source.get(hop.foreign_key))
            if parent is None:
                node.setdefault(hop.relationship, None)
                break
            if node.get(hop.relationship) is None:
                node[hop.relationship] = {"attributes": _attributes(hop.target, parent, sobjects_url)}
            node, source = node[hop.relationship], parent
        else:
            node[column.name] = source.get(column.name)
    return out


def _attributes(object_name: str, record: dict, sobjects_url: str) -> dict:
    return {"type": object_name, "url": f"{sobjects_url}/{object_name}/{record.get('Id')}"}
