"""Deployment defaults: gunicorn reachable from this host only, a forged X-Forwarded-Proto not trusted
without BEHIND_PROXY, HSTS preload only when asked for, and a Content-Security-Policy on every page."""

import os
import re
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def test_compose_publishes_the_web_server_on_the_loopback_only():
    compose = (ROOT / "compose.yaml").read_text()
    published = re.findall(r"ports:\s*\[([^\]]*)\]", compose)
    assert published == ['"127.0.0.1:8000:8000"']


def test_a_forged_x_forwarded_proto_is_not_trusted_without_a_proxy(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert settings.SECURE_PROXY_SSL_HEADER is None  # BEHIND_PROXY is off by default
    response = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def _production_setting(name: str, tmp_path, **extra: str) -> str:
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 50,
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "SECURE_HSTS_SECONDS": "31536000",
        "VAR_DIR": str(tmp_path),
        **extra,
    }
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={
        **env, "DJANGO_SETTINGS_MODULE": "backoffice.settings"}, capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1]


def test_hsts_preload_is_only_on_when_asked_for(tmp_path):
    assert _production_setting("SECURE_HSTS_PRELOAD", tmp_path) == "False"
    assert _production_setting("SECURE_HSTS_PRELOAD", tmp_path, SECURE_HSTS_PRELOAD="true") == "True"


def test_every_page_carries_a_content_security_policy(client, db, event):
    for url in (reverse("login"), reverse("events:registration", args=[event.slug])):
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "object-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
