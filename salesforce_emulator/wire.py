"""Requests and responses as plain values, so Composite can replay subrequests without a socket."""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import parse_qs, unquote

_UNPARSED: Any = object()
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def parse_query(query: str) -> dict[str, list[str]]:
    """urllib.parse.parse_qs(query, keep_blank_values=True), its unquoting done in C: a look-up's SOQL
    arrives percent-encoded in its URL, some 4,000 escapes in 40,000 characters."""
    parsed: dict[str, list[str]] = {}
    for name_value in query.split("&") if query else []:
        if not name_value:
            continue
        name, _, value = name_value.partition("=")
        parsed.setdefault(_unquote(name.replace("+", " ")), []).append(_unquote(value.replace("+", " ")))
    return parsed


def _unquote(text: str) -> str:
    """urllib.parse.unquote: when every % of an ASCII text starts an escape and no backslash is there, each
    %HH becomes a backslash-x escape for the C escape decoder, and the bytes are UTF-8 as unquote decodes."""
    if "%" not in text:
        return text
    if not text.isascii() or "\\" in text or _LONE_PERCENT.search(text):
        return unquote(text)
    decoded = cast(bytes, codecs.escape_decode(text.replace("%", "\\x").encode())[0])  # typeshed says str
    return decoded.decode("utf-8", "replace")


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
