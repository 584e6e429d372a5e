"""The HTTPS server (threads, keep-alive) and `EmulatorServer`, the Python API tests and benchmarks use.

server = EmulatorServer(port=0).start()
sf = server.client()              # simple-salesforce over HTTPS, trusting server.ca_path
server.records("Lead"); server.stats(); server.set_faults(fail_next=1, status=503); server.reset()
server.stop()
"""

from __future__ import annotations

import logging
import os
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from salesforce_emulator import admin, conversions
from salesforce_emulator.app import Emulator
from salesforce_emulator.certs import ensure_certificates
from salesforce_emulator.org import Org, load_org
from salesforce_emulator.wire import Request, parse_query

logger = logging.getLogger(__name__)
DEFAULT_CERT_DIR = (
    Path(os.environ.get("VAR_DIR", Path(__file__).resolve().parent.parent / "var")) / "emulator"
)
_QUIET_ERRORS = (ssl.SSLError, ConnectionError, TimeoutError, socket.timeout, OSError)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse one TLS connection
    server_version = "SalesforceEmulator/1.0"
    timeout = 30  # an idle keep-alive connection frees its thread after this
    # A response goes out in one write, but Nagle would still hold a reply's last segment until the
    # client's delayed ACK (~40 ms): that, not the CPU, capped each connection at ~22 calls/s.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        self.request.settimeout(10)
        self.request.do_handshake()  # here, in the connection's thread, not in the accept loop
        super().setup()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = Request(
            self.command,
            parts.path,
            parse_query(parts.query),
            {k.lower(): v for k, v in self.headers.items()},
            body,
            self.client_address[0],
            self.path,
        )
        response = self.server.emulator.handle(request)  # type: ignore[attr-defined]
        if response.status == 0:
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        # Headers and body leave in one send (one TLS record), not two: end_headers() without its flush.
        # _headers_buffer is BaseHTTPRequestHandler's own (private, so typeshed leaves it out).
        self._headers_buffer.append(b"\r\n")  # type: ignore[attr-defined]
        if self.command != "HEAD":
            self._headers_buffer.append(response.body)  # type: ignore[attr-defined]
        self.flush_headers()

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — the base class's signature
        logger.debug("%s %s", self.address_string(), format % args)


class _TLSServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], context: ssl.SSLContext, emulator: Emulator) -> None:
        self.context = context
        self.emulator = emulator
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], _QUIET_ERRORS):
            super().handle_error(request, client_address)


class EmulatorServer:
    """A Salesforce org over HTTPS on `host:port` (0: a free port), in a background thread."""

    def __init__(
        self,
        org: Org | Path | str | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        cert_dir: Path | str | None = None,
        data_path: Path | str | None = None,
        latency_ms: int = 0,
        daily_api_limit: int = 15000,
        session_timeout: int = 7200,
    ) -> None:
        self.org = org if isinstance(org, Org) else load_org(Path(org) if org else None)
        self.host, self.port = host, port
        self.certs = ensure_certificates(Path(cert_dir) if cert_dir else DEFAULT_CERT_DIR)
        self.emulator = Emulator(
            self.org,
            data_path=Path(data_path) if data_path else None,
            daily_api_limit=daily_api_limit,
            session_timeout=session_timeout,
            latency_ms=latency_ms,
        )
        self._server: _TLSServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def ca_path(self) -> Path:
        return self.certs.ca

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"https://{host}:{self.port}"

    def start(self) -> EmulatorServer:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.certs.cert, self.certs.key)
        self._server = _TLSServer((self.host, self.port), context, self.emulator)
        self.port = self._server.server_address[1]
        self.emulator.base_url = self.url
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="salesforce-emulator", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Start (unless started) and block until interrupted (the management command)."""
        if self._server is None:
            self.start()
        assert self._thread is not None
        try:
            self._thread.join()
        except KeyboardInterrupt:
            self.stop()

    def stop(self) -> None:
        self.emulator.released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.emulator.store.close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Reading and steering state without HTTP
    def reset(self) -> None:
        self.emulator.reset()

    def stats(self) -> dict[str, Any]:
        return self.emulator.usage.stats()

    def records(self, object_name: str, include_deleted: bool = False) -> list[dict[str, Any]]:
        return self.emulator.records(object_name, include_deleted)

    def set_faults(self, **values: Any) -> dict[str, Any]:
        """Same keys as POST /__emulator__/faults (faults and settings)."""
        admin.apply(self.emulator, values)
        return admin.state(self.emulator)

    def convert_lead(self, lead_id: str, *, account_id: str = "") -> str:
        """Convert a Lead as an admin would (POST /__emulator__/convert); returns its new Contact's Id."""
        return conversions.convert_lead(self.emulator, lead_id, account_id=account_id)["contact_id"]

    def merge(self, master_id: str, loser_ids: list[str]) -> None:
        """Merge Leads or Contacts into the master (POST /__emulator__/merge)."""
        conversions.merge(self.emulator, master_id, loser_ids)

    def issue_token(self, username: str | None = None) -> str:
        """An access token for a user of the org (the first one by default), without the browser flow."""
        return self.emulator.issue_token(username)

    def session(self) -> Any:
        import requests

        session = requests.Session()
        session.verify = str(self.ca_path)
        # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override Session.verify (psf/requests#3829).
        session.trust_env = False
        return session

    def client(self, version: str = "62.0", username: str | None = None) -> Any:
        """A simple-salesforce client with a fresh access token, trusting the emulator's CA."""
        from simple_salesforce import Salesforce

        return Salesforce(
            instance_url=self.url,
            session_id=self.issue_token(username),
            session=self.session(),
            version=version,
        )
