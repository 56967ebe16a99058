"""The real Neo4j runtime: version, managed-server lifecycle, config and safety."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import neo4j
import psutil
import pytest

from hflineage import SCHEMA_VERSION
from hflineage.config import get_settings
from hflineage.db.runtime import ManagedNeo4j, Memory
from tests.support.server import TEST_MEMORY, TestServer


def test_kernel_is_5_26(driver: neo4j.Driver, database: str) -> None:
    records, _, _ = driver.execute_query("CALL dbms.components() YIELD name, versions, edition "
                                         "RETURN name, versions[0] AS version, edition",
                                         database_=database)
    row = records[0]
    assert row["name"] == "Neo4j Kernel"
    assert row["version"].startswith("5.26")


def test_schema_constraints_exist(graph: neo4j.Driver, database: str) -> None:
    records, _, _ = graph.execute_query("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS n",
                                        database_=database)
    names = set(records[0]["n"])
    assert {"model_key", "organization_key", "contributor_key", "loadrun_id"} <= names
    records, _, _ = graph.execute_query("MATCH (s:Schema) RETURN s.version AS v",
                                        database_=database)
    assert [r["v"] for r in records] == [SCHEMA_VERSION]


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hflineage", *args], env=os.environ | env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def managed_env(tmp_path: Path, neo4j_server: TestServer) -> dict[str, str]:
    """A private state folder so `db start` manages a throwaway instance, not the user's."""
    env = {"HFLINEAGE_HOME": str(tmp_path / "state"),
           "HFLINEAGE_CACHE": str(get_settings().cache_dir),
           "HFLINEAGE_NEO4J_HEAP": "1g", "HFLINEAGE_NEO4J_PAGECACHE": "256m"}
    return {k: v for k, v in env.items()} | {"NEO4J_URI": ""}


@pytest.mark.neo4j
def test_db_lifecycle_through_cli(managed_env: dict[str, str], tmp_path: Path) -> None:
    home = tmp_path / "state" / "neo4j"
    status = _cli(managed_env, "db", "status")
    assert "state:   stopped" in status.stdout or "not-provisioned" in status.stdout

    first = _cli(managed_env, "db", "start")
    assert first.returncode == 0, first.stderr
    assert "started" in first.stdout
    second = _cli(managed_env, "db", "start")
    assert second.returncode == 0 and "already running" in second.stdout

    pw = home / "password"
    assert stat.S_IMODE(pw.stat().st_mode) == 0o600
    conf = (home / "conf" / "neo4j.conf").read_text()
    assert "server.http.enabled=false" in conf
    assert "dbms.usage_report.enabled=false" in conf
    assert "dbms.security.allow_csv_import_from_file_urls=false" in conf
    assert "dbms.security.auth_enabled=true" in conf
    assert "server.memory.heap.max_size=1g" in conf
    assert "server.memory.pagecache.size=256m" in conf

    env_out = _cli(managed_env, "db", "env").stdout
    lines = dict(line.removeprefix("export ").split("=", 1) for line in env_out.splitlines())
    uri = lines["NEO4J_URI"]
    assert uri.startswith("bolt://127.0.0.1:")
    with neo4j.GraphDatabase.driver(uri, auth=(lines["NEO4J_USERNAME"],
                                               pw.read_text().strip())) as drv:
        assert drv.execute_query("RETURN 1 AS one").records[0]["one"] == 1
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", "wrong-password")) as drv, \
            pytest.raises(neo4j.exceptions.AuthError):
        drv.verify_connectivity()

    pid = int((home / "run" / "hflineage-neo4j.pid").read_text())
    listening = {c.laddr.ip for c in psutil.Process(pid).net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN}
    assert listening and listening <= {"127.0.0.1", "::ffff:127.0.0.1"}

    stop = _cli(managed_env, "db", "stop")
    assert stop.returncode == 0 and "stopped" in stop.stdout
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    port = int(uri.rsplit(":", 1)[1])
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0
    assert "state:   stopped" in _cli(managed_env, "db", "status").stdout


@pytest.mark.neo4j
def test_stale_pid_file_is_handled(tmp_path: Path) -> None:
    inst = ManagedNeo4j(tmp_path / "n", get_settings().cache_dir, memory=TEST_MEMORY)
    inst.pid_file.parent.mkdir(parents=True)
    inst.pid_file.write_text(str(os.getpid()))  # a live pid that is not a Neo4j
    assert inst.pid() is None
    assert not inst.pid_file.exists()
    assert inst.status().state in {"stopped", "not-provisioned"}


def test_missing_java_gives_one_line_error(tmp_path: Path) -> None:
    env = {"HFLINEAGE_JAVA": str(tmp_path / "no-java"), "HFLINEAGE_HOME": str(tmp_path / "s"),
           "NEO4J_URI": ""}
    out = _cli(env, "db", "start")
    assert out.returncode == 1
    assert out.stderr.strip().count("\n") == 0
    assert "Java 17" in out.stderr and "Traceback" not in out.stderr


def test_find_java_error_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from hflineage.db import runtime
    from hflineage.errors import RuntimeUnavailableError

    monkeypatch.setattr(runtime, "java_major", lambda _java: None)
    with pytest.raises(RuntimeUnavailableError, match="Java 17"):
        runtime.find_java()
    monkeypatch.setattr(runtime.shutil, "which", lambda _name: None)
    with pytest.raises(RuntimeUnavailableError, match="Maven"):
        runtime.find_maven()


def test_cli_reports_missing_server_cleanly(tmp_path: Path) -> None:
    out = _cli({"HFLINEAGE_HOME": str(tmp_path), "NEO4J_URI": ""}, "db", "init")
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert "hflineage db start" in out.stderr


def test_memory_for_user_fits_beside_tests() -> None:
    def gib(size: str) -> float:
        return float(size[:-1]) / (1024 if size.endswith("m") else 1)

    user, tests = Memory.for_user(), TEST_MEMORY
    total = psutil.virtual_memory().total / 1024**3
    used = gib(user.heap) + gib(user.pagecache) + gib(tests.heap) + gib(tests.pagecache)
    assert used < total * 0.6
    assert gib(tests.heap) <= 1 and gib(tests.pagecache) <= 0.5


def test_memory_overrides_and_a_bad_setting_is_one_clean_line(tmp_path: Path) -> None:
    assert Memory.for_user("6g", "8g") == Memory(heap="6g", pagecache="8g")
    assert Memory.for_user(None, "8g").heap == Memory.for_user().heap
    out = _cli({"HFLINEAGE_HOME": str(tmp_path), "NEO4J_URI": "",
                "HFLINEAGE_NEO4J_HEAP": "lots", "HFLINEAGE_BATCH_SIZE": "many"}, "db", "status")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith("Error: invalid setting ")
    assert "HFLINEAGE_NEO4J_HEAP" in out.stderr and "HFLINEAGE_BATCH_SIZE" in out.stderr
    assert "lots" not in out.stderr and "many" not in out.stderr
