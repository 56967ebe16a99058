"""Shared fixtures: a real Neo4j for the whole session, an empty graph per test.

Order: the server named by NEO4J_URI; else a testcontainers Neo4j when a Docker engine
answers; else a managed local server in a temporary folder, started for this session and
stopped after it. Both of ours get ``TEST_MEMORY`` (1 GB heap, 512 MB page cache).
Never the user's ``hflineage db start`` server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from hflineage.config import get_settings
from hflineage.db.connection import open_driver
from hflineage.db.docker import docker_available
from hflineage.db.schema import init_schema, wipe_database
from tests.support.paths import SHARED_DATA
from tests.support.server import TestServer, container_server, external_server, managed_server


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[TestServer]:
    if os.environ.get("NEO4J_URI"):
        yield from external_server()
    elif docker_available():
        yield from container_server()
    else:
        yield from managed_server()


@pytest.fixture(scope="session")
def driver(neo4j_server: TestServer) -> Iterator[neo4j.Driver]:
    with open_driver(neo4j_server.connection()) as drv:
        init_schema(drv, neo4j_server.database)
        yield drv
        if not neo4j_server.owned:
            wipe_database(drv, neo4j_server.database)


@pytest.fixture
def graph(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    """The session driver over an empty graph (schema in place)."""
    wipe_database(driver, neo4j_server.database)
    init_schema(driver, neo4j_server.database)
    return driver


@pytest.fixture
def database(neo4j_server: TestServer) -> str:
    return neo4j_server.database


@pytest.fixture
def cli_env(neo4j_server: TestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
            ) -> dict[str, str]:
    """Environment for running the CLI against the test server, isolated from the user's."""
    env = neo4j_server.env() | {
        "HFLINEAGE_HOME": str(tmp_path / "state"),
        "HFLINEAGE_CACHE": str(get_settings().cache_dir),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED_DATA / "README.md").exists():
        pytest.skip(f"third-party snapshots not found at {SHARED_DATA} (../shared/data)")
    return SHARED_DATA


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "driver" in fixtures or "graph" in fixtures or "neo4j_server" in fixtures:
            item.add_marker(pytest.mark.neo4j)
        if "shared_data" in fixtures:
            item.add_marker(pytest.mark.shared)
