"""Requests and responses as plain values, so Composite can replay subrequests without a socket."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

_UNPARSED: Any = object()


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    client_ip: str = "127.0.0.1"
    raw_target: str = ""
    # The body's JSON value when the request was never encoded (a Composite subrequest): `json` answers it
    # instead of decoding `body`, sparing an encoding and a decoding of 200 records per Collections call.
    parsed: Any = field(default=_UNPARSED, repr=False)

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        if self.parsed is not _UNPARSED:
            return self.parsed
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

    def has_body(self) -> bool:
        return bool(self.body)


class JsonResponse(Response):
    """A JSON answer, encoded when its body is first read: a Composite subrequest's answer is only read as
    `data` (and encoded once, within the Composite's answer). Handlers never change `data` once answered."""

    def __init__(self, status: int, data: Any, headers: dict[str, str]) -> None:
        self.status, self.headers, self.data = status, headers, data
        self._body: bytes | None = None

    @property
    def body(self) -> bytes:
        if self._body is None:
            self._body = json.dumps(self.data).encode()
        return self._body

    @body.setter
    def body(self, value: bytes) -> None:
        self._body = value

    def has_body(self) -> bool:
        return True  # JSON text is never empty


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> Response:
    return JsonResponse(status, data, {"Content-Type": "application/json;charset=UTF-8", **(headers or {})})


def html_response(status: int, html: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status, html.encode(), {"Content-Type": "text/html;charset=UTF-8", **(headers or {})})


def redirect(location: str) -> Response:
    return Response(302, b"", {"Location": location})


def empty(status: int = 204) -> Response:
    return Response(status, b"", {})
