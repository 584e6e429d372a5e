"""Aggregate SOQL (GROUP BY, COUNT(field), COUNT_DISTINCT, SUM, AVG, MIN, MAX): AggregateResult rows.

As real orgs answer (tests/emulator/recordings: restforce's AVG by CampaignId, SwiftlySalesforce's GROUP BY
of three fields): each row's attributes hold only `"type": "AggregateResult"` (no url); a grouped field
is keyed by its own name; an aggregate by its alias, or `expr0`, `expr1`… in the order of the unaliased
ones; a null group is a row like any other; COUNT gives an integer, SUM and AVG a decimal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .soql_errors import SoqlError
from .soql_eval import Context, Resolved
from .soql_parser import Aggregate, FieldRef

AGGREGATE_TYPE = {"type": "AggregateResult"}
_NUMERIC = {"SUM", "AVG"}


def aggregate_rows(ctx: Context, records: list[dict]) -> list[dict]:
    query = ctx.query
    if query.order_by:
        raise ctx.error(
            "MALFORMED_QUERY",
            query.order_by[0].field,
            "ORDER BY in an aggregate query is not supported by the Salesforce emulator",
        )
    groups = [ctx.resolve(ref) for ref in query.group_by]
    grouped = {g.out_path[-1].lower() for g in groups}
    columns = _columns(ctx, grouped)
    keys = [ctx.getter(g) for g in groups]
    buckets: dict[tuple, list[dict]] = {}
    for record in records:
        buckets.setdefault(tuple(get(record) for get in keys), []).append(record)
    if not groups:
        buckets = {(): records}
    return [_row(columns, members) for members in buckets.values()]


def _columns(ctx: Context, grouped: set[str]) -> list[tuple[str, Callable[[list[dict]], Any]]]:
    columns: list[tuple[str, Callable[[list[dict]], Any]]] = []
    unnamed = 0
    for item in ctx.query.items:
        resolved = ctx.resolve(item if isinstance(item, FieldRef) else item.field)
        get = ctx.getter(resolved)
        if isinstance(item, FieldRef):
            if resolved.name.lower() not in grouped:
                raise ctx.error(
                    "MALFORMED_QUERY", item, f"Field must be grouped or aggregated: {resolved.name}"
                )
            columns.append((resolved.name, _of_first(get)))
            continue
        if item.alias is None:
            name, unnamed = f"expr{unnamed}", unnamed + 1
        else:
            name = item.alias
        columns.append((name, _aggregator(ctx, item, resolved, get)))
    return columns


def _of_first(get: Callable[[dict], Any]) -> Callable[[list[dict]], Any]:
    """A grouped field's column: its value in the group's first record (every member has the same)."""
    return lambda members: get(members[0])


def _aggregator(
    ctx: Context, item: Aggregate, resolved: Resolved, get: Callable[[dict], Any]
) -> Callable[[list[dict]], Any]:
    if item.function in _NUMERIC and resolved.category != "number":
        raise ctx.error(
            "INVALID_FIELD",
            item.field,
            f"field {resolved.name} does not support aggregate operator {item.function}",
        )

    def compute(members: list[dict]) -> Any:
        values = [v for v in (get(m) for m in members) if v is not None]
        if item.function == "COUNT":
            return len(values)
        if item.function == "COUNT_DISTINCT":
            return len(set(values))
        if not values:
            return None
        if item.function == "SUM":
            return float(sum(values))
        if item.function == "AVG":
            return sum(values) / len(values)
        return min(values) if item.function == "MIN" else max(values)

    return compute


def _row(columns: list[tuple[str, Callable[[list[dict]], Any]]], members: list[dict]) -> dict:
    row: dict[str, Any] = {"attributes": dict(AGGREGATE_TYPE)}
    for name, compute in columns:
        row[name] = compute(members)
    return row


__all__ = ["AGGREGATE_TYPE", "SoqlError", "aggregate_rows"]
