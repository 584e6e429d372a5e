"""`manage.py check --deploy` is clean under production-like settings."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


def test_deploy_check_reports_no_warning_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-variety-0123456789",
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_COOKIES": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "ALLOWED_HOSTS": "backoffice.example.com",
        "VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
