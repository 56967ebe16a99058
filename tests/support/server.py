"""The test Neo4j: the server named by NEO4J_URI, a testcontainers Neo4j, or a managed one."""

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
from hflineage.db.connection import Connection, open_driver
from hflineage.db.runtime import ManagedNeo4j, Memory
from hflineage.db.schema import data_node_count, init_schema, wipe_database
from hflineage.errors import RuntimeUnavailableError
from hflineage.loader import load_leaderboard, load_snapshot
from tests.support.paths import SHARED_DATA

#: What a test Neo4j gets: 1 GB heap, 512 MB page cache.
TEST_MEMORY = Memory(heap="1g", pagecache="512m")


class UnsafeWipeError(RuntimeError):
    """Refused to wipe a database that holds data the tests did not create."""


def ensure_wipe_allowed(driver: neo4j.Driver, database: str, *, owned: bool) -> None:
    """Refuse to go on when a database we did not create already holds data."""
    if owned:
        return
    count = data_node_count(driver, database)
    if count:
        raise UnsafeWipeError(
            f"database {database!r} holds {count} nodes that these tests did not create; "
            "refusing to wipe it. Point NEO4J_URI at an empty database, or unset it to use "
            "a private test server."
        )


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

    def connection(self) -> Connection:
        return Connection(self.uri, self.username, self.password, self.database)

    def env(self) -> dict[str, str]:
        return {"NEO4J_URI": self.uri, "NEO4J_USERNAME": self.username,
                "NEO4J_PASSWORD": self.password, "NEO4J_DATABASE": self.database}


def external_server() -> Iterator[TestServer]:
    uri = os.environ["NEO4J_URI"]
    server = TestServer(uri, os.environ.get("NEO4J_USERNAME", "neo4j"),
                        os.environ.get("NEO4J_PASSWORD", ""),
                        os.environ.get("NEO4J_DATABASE", "neo4j"), owned=False)
    with open_driver(server.connection()) as drv:
        try:
            ensure_wipe_allowed(drv, server.database, owned=False)
        except UnsafeWipeError as e:
            pytest.exit(f"refusing to run tests against {uri}: {e}", returncode=3)
    yield server


def container_server() -> Iterator[TestServer]:
    from testcontainers.community.neo4j import Neo4jContainer

    password = "hflineage-test-password"
    container = Neo4jContainer("neo4j:5.26-community", password=password)
    with container.with_envs(**TEST_MEMORY.docker_env()) as c:
        yield TestServer(c.get_connection_url(), "neo4j", password, "neo4j", owned=True)


def managed_server() -> Iterator[TestServer]:
    settings = get_settings()
    home = Path(tempfile.mkdtemp(prefix="hflineage-test-neo4j-"))
    inst = ManagedNeo4j(home, settings.cache_dir, settings.hflineage_neo4j_version,
                        TEST_MEMORY)
    try:
        inst.start()
        yield TestServer(inst.uri or "", "neo4j", inst.password, "neo4j", owned=True,
                         instance=inst)
    finally:
        inst.stop()
        shutil.rmtree(home, ignore_errors=True)


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


def private_server(tmp_path_factory: pytest.TempPathFactory, name: str
                   ) -> Iterator[ManagedNeo4j]:
    """A managed server of the calling module's own, which it may stop and overwrite (never the
    session's); skips when the managed runtime is unavailable. Removed afterwards."""
    settings = get_settings()
    home = tmp_path_factory.mktemp(name)
    inst = ManagedNeo4j(home, settings.cache_dir, settings.hflineage_neo4j_version, TEST_MEMORY)
    try:
        inst.start(timeout=600)  # a busy shared machine can take minutes
    except RuntimeUnavailableError as e:
        pytest.skip(f"the bulk path needs the managed Neo4j runtime: {e}")
    try:
        yield inst
    finally:
        inst.stop()
        shutil.rmtree(home, ignore_errors=True)
