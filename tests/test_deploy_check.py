"""`manage.py check --deploy` is clean under production-like settings, and production runs without the
Salesforce emulator: its settings do not install it and nothing they load imports it (the image lacks it)."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


def _production_env(tmp_path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backoffice.settings",  # pytest's own are the dev settings
        "SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-variety-0123456789",
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_COOKIES": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "ALLOWED_HOSTS": "backoffice.example.com",
        "VAR_DIR": str(tmp_path),
    }


def test_deploy_check_reports_no_warning_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_production_env(tmp_path), capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# What the image lacks (.dockerignore) cannot be imported here either; then the deploy check, the web
# application with its urls and the worker with its tasks load, and the emulator never did.
_WITHOUT_THE_EMULATOR = textwrap.dedent("""
    import sys
    from importlib.abc import MetaPathFinder

    ABSENT = ("salesforce_emulator", "bench", "tests")

    class NotInTheImage(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ABSENT:
                raise ModuleNotFoundError(f"No module named {name!r} (not in the image)", name=name)

    sys.meta_path.insert(0, NotInTheImage())
    from django.core.management import call_command

    import backoffice.wsgi  # django.setup() with the production settings
    from django.conf import settings
    from django.urls import get_resolver

    call_command("check", deploy=True, fail_level="WARNING")
    get_resolver().url_patterns  # every view module
    from backoffice.celery import app
    app.loader.import_default_modules()  # every app's tasks, as the worker imports them
    assert "sync.tasks" in sys.modules and "events.tasks" in sys.modules
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ABSENT)
    print("apps:", [a for a in settings.INSTALLED_APPS if a.split(".")[0] in ABSENT], "modules:", loaded)
""")


def test_production_starts_web_and_worker_without_the_emulator_installed(tmp_path):
    result = subprocess.run([sys.executable, "-c", _WITHOUT_THE_EMULATOR], cwd=ROOT,
                            env=_production_env(tmp_path), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "apps: [] modules: []", result.stdout
