"""constraints.txt pins every dependency pyproject.toml declares, within its range, and the virtualenv the
tests run in holds exactly those versions (`make test` installs with it)."""

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    return [Requirement(r) for r in [*project["dependencies"], *(r for rs in extras.values() for r in rs)]]


def test_every_declared_dependency_is_pinned_within_its_range_otherwise_run_make_constraints():
    pins = _pins()
    unpinned = [str(r) for r in _declared() if canonicalize_name(r.name) not in pins]
    outside = [f"{r} (pinned {pins[canonicalize_name(r.name)]})" for r in _declared()
               if canonicalize_name(r.name) in pins and pins[canonicalize_name(r.name)] not in r.specifier]
    assert not unpinned and not outside, f"run `make constraints`: unpinned {unpinned}, outside {outside}"


def test_the_test_environment_holds_the_pinned_versions():
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    differing = {name: (version, installed[name]) for name, version in _pins().items()
                 if name in installed and installed[name] != version}
    assert not differing, f"installed versions differ from constraints.txt (pinned, installed): {differing}"
    assert installed[canonicalize_name("celery")] == _pins()["celery"]
