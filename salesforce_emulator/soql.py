"""The SOQL engine of the Salesforce emulator: `run_query` answers a SOQL statement the way the REST
query endpoint would, or raises `SoqlError` with Salesforce's error code and message.

The language (a subset of real SOQL) is described in `soql_parser`; the evaluation in `soql_eval`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from .soql_errors import SoqlError
from .soql_eval import execute
from .soql_parser import parse

__all__ = ["QueryResult", "SchemaLike", "SoqlError", "StoreLike", "run_query"]


class SchemaLike(Protocol):
    def object_name(self, name: str) -> str | None: ...

    def field(self, object_name: str, field_name: str) -> dict | None: ...

    def relationship(self, object_name: str, relationship_name: str) -> tuple[str, str] | None: ...


class StoreLike(Protocol):
    def records(self, object_name: str, include_deleted: bool = False) -> Iterable[dict]: ...

    def get(self, record_id: str) -> dict | None: ...


@dataclass
class QueryResult:
    records: list[dict] = field(default_factory=list)
    total_size: int = 0


def run_query(
    text: str, *, schema: SchemaLike, store: StoreLike, api_version: str, include_deleted: bool = False
) -> QueryResult:
    records, total_size = execute(parse(text), schema, store, api_version, include_deleted)
    return QueryResult(records=records, total_size=total_size)
