"""Composite subrequests, built in one place: the REST API version in every path, a query's SOQL quoted into
its URL, a describe's reference name. The sync's look-ups and writes and CHECK SETUP pack them."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings


def api_path(resource: str) -> str:
    """`/services/data/vXX.X/<resource>`, the path every subrequest (and Collections call) names."""
    return f"/services/data/v{settings.SALESFORCE_API_VERSION}/{resource}"


def query_subrequest(soql: str, reference: str, *, all_rows: bool = False) -> dict[str, Any]:
    """A SOQL query; `all_rows` runs it as queryAll (deleted and merged-away records too)."""
    resource = "queryAll" if all_rows else "query"
    url = api_path(f"{resource}/?q={quote(soql, safe='')}")
    return {"method": "GET", "url": url, "referenceId": reference}


def describe_subrequest(name: str) -> dict[str, Any]:
    """The describe of one object, answered under the reference `describe<Name>`."""
    return {"method": "GET", "url": api_path(f"sobjects/{name}/describe/"), "referenceId": f"describe{name}"}


def record_create_subrequest(reference: str, object_name: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A single-record create: its error answer carries the duplicate rule's `duplicateResut` with the
    matched records, which a Collections result leaves out."""
    return {"method": "POST", "url": api_path(f"sobjects/{object_name}/"), "referenceId": reference,
            "body": fields}
