"""pytest fixtures: one emulator per test session, reset before each test that asks for it.

Register with `pytest_plugins = ["salesforce_emulator.pytest_plugin"]`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from salesforce_emulator.server import EmulatorServer


@pytest.fixture(scope="session")
def salesforce_emulator_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    """The demo org in memory, over HTTPS on a free loopback port, for the whole session."""
    server = EmulatorServer(cert_dir=tmp_path_factory.mktemp("salesforce-emulator-certs")).start()
    yield server
    server.stop()


@pytest.fixture
def salesforce_emulator(salesforce_emulator_server: EmulatorServer) -> EmulatorServer:
    """The session's emulator, back to the loaded org: records, counters, faults, settings and sessions."""
    salesforce_emulator_server.reset()
    return salesforce_emulator_server
