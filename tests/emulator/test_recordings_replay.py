"""Every exchange recorded against a real org (tests/emulator/recordings/, indexed in SOURCES.md) replayed
against the emulator: same status, the headers clients read, and the same JSON shape (recorded_shapes.py
says what "same shape" allows and why)."""

import fnmatch
import json
import re
from pathlib import Path

import pytest

from tests.emulator.conftest import CALLBACK, DEMO_KEY, DEMO_SECRET
from tests.emulator.recorded_shapes import renamed, same_values, shape_differences, values_at

RECORDINGS = Path(__file__).parent / "recordings"
EXCHANGES = sorted(RECORDINGS.glob("*.json"))
REPLAY_VERSION = "62.0"  # where the recorder elided the version; describes are replayed at their own
# The headers clients read, and what their value must look like (values differ between orgs).
_HEADER_FORMATS = {
    "content-type": re.compile(r"application/json;\s*charset=UTF-8", re.IGNORECASE),
    "sforce-limit-info": re.compile(r"api-usage=\d+/\d+"),
    "location": re.compile(r"/services/data/v\d+\.\d/sobjects/\w+/[A-Za-z0-9]{18}"),
    "www-authenticate": re.compile(r"Token"),
}


def _fill(value, names: dict[str, str]):
    if isinstance(value, str):
        for key, replacement in names.items():
            value = value.replace("{" + key + "}", replacement)
        return value
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    return value


def _send(server, step: dict, token: str):
    session = server.session()
    headers = dict(step.get("headers", {}))
    if not step.get("anonymous"):
        headers["Authorization"] = f"Bearer {step.get('token', token)}"
    kwargs = {"json": step["body"]} if "body" in step else {"data": step.get("form")}
    return session.request(step["method"], server.url + step["path"], headers=headers, timeout=30, **kwargs)


def _header_differences(recorded: dict, response) -> list[str]:
    differences = []
    for name, value in recorded.get("headers", {}).items():
        pattern = _HEADER_FORMATS.get(name.lower())
        if pattern is None:
            continue
        if name not in response.headers:
            differences.append(f"header {name}: missing (recorded {value!r})")
        elif not pattern.fullmatch(response.headers[name]):
            differences.append(f"header {name}: {response.headers[name]!r}, recorded {value!r}")
    differences += [
        f"header {name}: sent, the real org sends none"
        for name in recorded.get("absent_headers", [])
        if name in response.headers
    ]
    return differences


@pytest.mark.parametrize("path", EXCHANGES, ids=lambda p: p.stem)
def test_emulator_answers_like_the_recorded_real_org(path, salesforce_emulator):
    exchange = json.loads(path.read_text())
    token = salesforce_emulator.issue_token()
    org = salesforce_emulator.org
    names = {
        "version": REPLAY_VERSION,
        "org_id": org.id,
        "user_id": org.users[0].id,
        "consumer_key": DEMO_KEY,
        "consumer_secret": DEMO_SECRET,
        "callback": CALLBACK,
        "campaign_id": salesforce_emulator.records("Campaign")[0]["Id"],
        "lead_id": next(r["Id"] for r in salesforce_emulator.records("Lead") if not r["IsConverted"]),
    }
    replay = _fill(exchange["replay"], names)
    for step in replay.get("setup", []):
        assert _send(salesforce_emulator, step, token).status_code < 300, step
    response = _send(salesforce_emulator, replay, token)
    recorded = exchange["recorded"]["response"]

    assert response.status_code == recorded["status"], response.text[:500]
    assert _header_differences(recorded, response) == []
    expected = renamed(recorded["body"], exchange.get("rename", {}))
    answer = response.json() if response.content else None
    ignored = exchange.get("ignore", {})  # pattern -> why, stated in the recording itself
    differences = shape_differences(expected, answer)
    assert [d for d in differences if not any(fnmatch.fnmatchcase(d, p) for p in ignored)] == []
    unequal = [
        f"{path}: {values_at(answer, path)} != recorded {values_at(expected, path)}"
        for path in exchange.get("exact", [])
        if not same_values(values_at(answer, path), values_at(expected, path))
    ]
    assert unequal == []


def test_every_recording_names_its_source_and_why_it_is_real():
    index = (RECORDINGS / "SOURCES.md").read_text()
    assert len(EXCHANGES) >= 20
    for path in EXCHANGES:
        exchange = json.loads(path.read_text())
        assert exchange["source"]["repository"] and exchange["why_real"], path.name
        assert "commit" in exchange["source"] or "url" in exchange["source"], path.name
        assert f"`{path.stem}`" in index, f"{path.name} is not listed in SOURCES.md"
