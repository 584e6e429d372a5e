"""`python manage.py run_salesforce_emulator`: the local Salesforce org over HTTPS, in the foreground."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from salesforce_emulator.org import load_org
from salesforce_emulator.server import DEFAULT_CERT_DIR, EmulatorServer

DEFAULT_DATA = DEFAULT_CERT_DIR / "org.sqlite3"


class Command(BaseCommand):
    help = "Run the Salesforce emulator (HTTPS, its own CA) until interrupted."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8443)
        parser.add_argument("--org", type=Path, help="org JSON file (default: the demo org)")
        storage = parser.add_mutually_exclusive_group()
        storage.add_argument(
            "--data", type=Path, help=f"SQLite file kept across restarts (default {DEFAULT_DATA})"
        )
        storage.add_argument("--memory", action="store_true", help="keep the org in memory only")
        parser.add_argument("--cert-dir", type=Path, default=DEFAULT_CERT_DIR)
        parser.add_argument("--consumer-key", action="append", default=[])
        parser.add_argument("--consumer-secret", action="append", default=[])
        parser.add_argument("--callback-url", action="append", default=[])
        parser.add_argument("--user", action="append", default=[], help="USERNAME:PASSWORD")
        parser.add_argument("--latency-ms", type=int, default=0)
        parser.add_argument("--daily-api-limit", type=int, default=15000)
        parser.add_argument(
            "--session-timeout", type=int, default=7200, help="access token lifetime, seconds"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        org = load_org(options["org"])
        keys, secrets = options["consumer_key"], options["consumer_secret"]
        if len(keys) != len(secrets) or (keys and not options["callback_url"]):
            raise CommandError(
                "give each --consumer-key a --consumer-secret, and at least one --callback-url"
            )
        for key, secret in zip(keys, secrets, strict=True):
            org.add_app(key, secret, options["callback_url"])
        for login in options["user"]:
            username, sep, password = login.partition(":")
            if not sep:
                raise CommandError(f"--user expects USERNAME:PASSWORD, got {login!r}")
            org.add_user(username, password)
        data = None if options["memory"] else options["data"] or DEFAULT_DATA
        server = EmulatorServer(
            org,
            host=options["host"],
            port=options["port"],
            cert_dir=options["cert_dir"],
            data_path=data,
            latency_ms=options["latency_ms"],
            daily_api_limit=options["daily_api_limit"],
            session_timeout=options["session_timeout"],
        )
        server.start()
        write = self.stdout.write
        write(f"Salesforce emulator for org {org.name} ({org.id})")
        write(f"  URL (login host and instance URL): {server.url}")
        write(f"  CA certificate to trust:            {server.ca_path}")
        write(f"  Storage: {data or 'memory'}")
        for app in org.connected_apps:
            write(
                f"  Connected app {app.name}: consumer key {app.consumer_key} / secret {app.consumer_secret}"
            )
            for url in app.callback_urls:
                write(f"    callback URL {url}")
        for user in org.users:
            write(f"  Login: {user.username} / {user.password}")
        write("  Controls (loopback only): /__emulator__/stats, /faults, /reset, /records/{Object}; page: /")
        self.stdout.flush()
        server.serve_forever()
