"""The image ships the product and leaves the Salesforce emulator out: pyproject.toml's packages and the
Dockerfile's copies hold every app the production settings install, .dockerignore keeps out the emulator and
what uses it (bench/, tests/), and the production settings install neither."""

import re
import tomllib
from pathlib import Path

import backoffice.settings as production

ROOT = Path(__file__).resolve().parent.parent
NOT_IN_THE_IMAGE = {"salesforce_emulator", "bench", "tests"}


def _our_packages() -> set[str]:
    """The project (settings, urls, wsgi, celery) and the apps of ours the production settings install."""
    apps = {app.split(".")[0] for app in production.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    return {"backoffice", *apps}


def test_the_image_installs_every_app_of_the_production_settings():
    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    packaged = {pattern.rstrip("*") for pattern in include["include"]}
    copied = set(re.findall(r"^COPY (\w+) \1$", (ROOT / "Dockerfile").read_text(), re.MULTILINE))
    assert _our_packages() == {"backoffice", "accounts", "events", "connector", "sync"}
    assert _our_packages() <= packaged and _our_packages() <= copied


def test_the_image_and_the_production_settings_leave_the_emulator_out():
    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert NOT_IN_THE_IMAGE <= ignored
    assert not NOT_IN_THE_IMAGE & {pattern.rstrip("*") for pattern in include["include"]}
    assert not NOT_IN_THE_IMAGE & set(production.INSTALLED_APPS)
