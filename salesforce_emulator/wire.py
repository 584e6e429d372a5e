"""Requests and responses as plain values, so Composite can replay subrequests without a socket."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    client_ip: str = "127.0.0.1"
    raw_target: str = ""

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {
            k: v[0] for k, v in parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True).items()
        }


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    data: Any = None  # the JSON value before encoding, for Composite


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status,
        json.dumps(data).encode(),
        {"Content-Type": "application/json;charset=UTF-8", **(headers or {})},
        data,
    )


def html_response(status: int, html: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status, html.encode(), {"Content-Type": "text/html;charset=UTF-8", **(headers or {})})


def redirect(location: str) -> Response:
    return Response(302, b"", {"Location": location})


def empty(status: int = 204) -> Response:
    return Response(status, b"", {})
