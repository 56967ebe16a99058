"""Shared fixtures: a real Neo4j for the whole session, an empty graph per test.

Order: the server named by NEO4J_URI; else a testcontainers Neo4j when a Docker engine
answers; else a managed local server in a temporary folder, started for this session and
stopped after it. Both of ours get ``Memory.for_tests()`` (1 GB heap, 512 MB page cache).
Never the user's ``hflineage db start`` server.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import neo4j
import pytest

from hflineage.config import get_settings
from hflineage.db.docker import docker_available
from hflineage.db.runtime import ManagedNeo4j, Memory
from hflineage.db.schema import ensure_wipe_allowed, init_schema, wipe_database
from hflineage.errors import UnsafeWipeError
from hflineage.loader import load_leaderboard, load_snapshot

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class TestServer:
    """A Neo4j the tests may wipe, with what a CLI subprocess needs to reach it."""

    __test__ = False
    uri: str
    username: str
    password: str
    database: str
    owned: bool
    instance: ManagedNeo4j | None = None

    def env(self) -> dict[str, str]:
        return {"NEO4J_URI": self.uri, "NEO4J_USERNAME": self.username,
                "NEO4J_PASSWORD": self.password, "NEO4J_DATABASE": self.database}


def _external() -> Iterator[TestServer]:
    uri = os.environ["NEO4J_URI"]
    server = TestServer(uri, os.environ.get("NEO4J_USERNAME", "neo4j"),
                        os.environ.get("NEO4J_PASSWORD", ""),
                        os.environ.get("NEO4J_DATABASE", "neo4j"), owned=False)
    with neo4j.GraphDatabase.driver(uri, auth=(server.username, server.password)) as drv:
        try:
            ensure_wipe_allowed(drv, server.database, owned=False)
        except UnsafeWipeError as e:
            pytest.exit(f"refusing to run tests against {uri}: {e}", returncode=3)
    yield server


def _container() -> Iterator[TestServer]:
    from testcontainers.community.neo4j import Neo4jContainer

    password = "hflineage-test-password"
    container = Neo4jContainer("neo4j:5.26-community", password=password)
    with container.with_envs(**Memory.for_tests().docker_env()) as c:
        yield TestServer(c.get_connection_url(), "neo4j", password, "neo4j", owned=True)


def _managed() -> Iterator[TestServer]:
    settings = get_settings()
    home = Path(tempfile.mkdtemp(prefix="hflineage-test-neo4j-"))
    inst = ManagedNeo4j(home, settings.cache_dir, settings.hflineage_neo4j_version,
                        Memory.for_tests())
    try:
        inst.start()
        yield TestServer(inst.uri or "", "neo4j", inst.password, "neo4j", owned=True,
                         instance=inst)
    finally:
        inst.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[TestServer]:
    if os.environ.get("NEO4J_URI"):
        yield from _external()
    elif docker_available():
        yield from _container()
    else:
        yield from _managed()


@pytest.fixture(scope="session")
def driver(neo4j_server: TestServer) -> Iterator[neo4j.Driver]:
    with neo4j.GraphDatabase.driver(
        neo4j_server.uri, auth=(neo4j_server.username, neo4j_server.password),
        notifications_min_severity="OFF",
    ) as drv:
        drv.verify_connectivity()
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


def load_shared_graph(driver: neo4j.Driver, server: TestServer,
                      tmp_path_factory: pytest.TempPathFactory, *paths: Path) -> neo4j.Driver:
    """A module's graph: the given shared snapshots and leaderboards (``.csv``), in order, loaded
    into the wiped test database; skips without ../shared."""
    if not (SHARED_DATA / "README.md").exists():
        pytest.skip(f"third-party snapshots not found at {SHARED_DATA} (../shared/data)")
    rejects = tmp_path_factory.mktemp("rejects")
    wipe_database(driver, server.database)
    init_schema(driver, server.database)
    for i, path in enumerate(paths):
        load = load_leaderboard if path.suffix == ".csv" else load_snapshot
        load(driver, path, database=server.database, rejects=rejects / f"{i}-{path.name}.jsonl")
    return driver


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
