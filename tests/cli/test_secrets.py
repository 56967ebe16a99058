"""Access and secrets: the managed Neo4j is local-only and always authenticated, and passwords and
Hub tokens never show in any output: stdout, stderr (with and without --debug), rejects, crawl
folders, reports, state and log files, or the graph itself."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import neo4j
import psutil
import pytest

from hflineage.config import get_settings
from hflineage.db.runtime import ManagedNeo4j
from tests.support.hub import FAMILY_ROOT, fixture_commits, fixture_models
from tests.support.hubserver import LocalHub
from tests.support.server import TEST_MEMORY, TestServer

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src" / "hflineage" / "data" / "sample"
WRONG_PASSWORD = "hflPW-Recognisable-9f8e7d6c"
HUB_TOKEN = "hf_RecognisableToken5a4b3c2d1e0f"


def cli(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hflineage", *args], env=os.environ | env,
                          cwd=cwd, capture_output=True, text=True, timeout=600, check=False)


def files_holding(root: Path, secret: str) -> list[str]:
    """Every file under ``root`` whose bytes contain the secret."""
    needle = secret.encode()
    return [str(p) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def graph_holds(driver: neo4j.Driver, database: str, secret: str) -> bool:
    """Whether any property of any node or relationship contains the secret."""
    records, _, _ = driver.execute_query(
        "MATCH (n) RETURN properties(n) AS p UNION ALL MATCH ()-[r]->() RETURN properties(r) AS p",
        database_=database, routing_=neo4j.RoutingControl.READ)
    return any(secret in json.dumps(r["p"], default=str, ensure_ascii=False) for r in records)


def managed(server: TestServer) -> ManagedNeo4j:
    if server.instance is None:
        pytest.skip("the test server is not a managed Neo4j (NEO4J_URI or Docker)")
    return server.instance


def test_managed_neo4j_listens_on_loopback_only(neo4j_server: TestServer) -> None:
    inst = managed(neo4j_server)
    pid = inst.pid()
    assert pid and inst.port
    listening = {c.laddr for c in psutil.Process(pid).net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN}
    assert listening and {a.ip for a in listening} <= {"127.0.0.1", "::ffff:127.0.0.1"}
    others = [a.address for addrs in psutil.net_if_addrs().values() for a in addrs
              if a.family == socket.AF_INET and not a.address.startswith("127.")]
    for address in others:
        with socket.socket() as s:
            s.settimeout(2)
            assert s.connect_ex((address, inst.port)) != 0, f"Bolt answers on {address}"


def test_managed_neo4j_never_runs_without_auth(neo4j_server: TestServer) -> None:
    inst = managed(neo4j_server)
    conf = (inst.conf_dir / "neo4j.conf").read_text()
    assert "dbms.security.auth_enabled=true" in conf
    assert stat.S_IMODE(inst.password_file.stat().st_mode) == 0o600
    for auth in (None, ("neo4j", "neo4j"), ("neo4j", "")):
        with neo4j.GraphDatabase.driver(inst.uri or "", auth=auth) as drv, \
                pytest.raises((neo4j.exceptions.AuthError, neo4j.exceptions.ClientError)):
            drv.verify_connectivity()
    with neo4j.GraphDatabase.driver(inst.uri or "", auth=("neo4j", inst.password)) as drv:
        drv.verify_connectivity()


def test_passwords_are_random_and_private(tmp_path: Path) -> None:
    cache = get_settings().cache_dir
    homes = [ManagedNeo4j(tmp_path / name, cache, memory=TEST_MEMORY) for name in "ab"]
    passwords = [inst._ensure_password() for inst in homes]
    assert passwords[0] != passwords[1]
    assert all(len(p) >= 24 for p in passwords)
    for inst in homes:
        assert stat.S_IMODE(inst.password_file.stat().st_mode) == 0o600


def test_no_password_on_any_command_line_even_one_starting_with_a_dash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inst = ManagedNeo4j(tmp_path / "home", get_settings().cache_dir, memory=TEST_MEMORY)
    password = "-Ab" + "x" * 24
    inst.password_file.parent.mkdir(parents=True)
    inst.password_file.write_text(password)
    inst.password_file.chmod(0o600)
    seen: list[str] = []

    class Recording(subprocess.Popen):  # type: ignore[type-arg]
        """Reads each child's /proc cmdline once its exec has landed (empty until then)."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            deadline = time.monotonic() + 10
            cmdline = b""
            while not cmdline and self.poll() is None and time.monotonic() < deadline:
                with open(f"/proc/{self.pid}/cmdline", "rb") as fh:
                    cmdline = fh.read()
            seen.append(cmdline.replace(b"\0", b" ").decode())

    monkeypatch.setattr(subprocess, "Popen", Recording)
    try:
        inst.start()
        monkeypatch.undo()
        with neo4j.GraphDatabase.driver(inst.uri or "", auth=("neo4j", password)) as drv:
            drv.verify_connectivity()
    finally:
        monkeypatch.undo()
        inst.stop()
    assert any("set-initial-password" in cmd for cmd in seen), seen
    assert seen and not any(password in cmd or password[1:] in cmd for cmd in seen)
    assert not list((inst.home / "run").glob("pw-*"))


def _wait_for_auth(server: TestServer) -> None:
    """Neo4j locks a user out for a few seconds after failed logins; wait it out so the next test
    is not refused."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with neo4j.GraphDatabase.driver(server.uri, auth=(server.username,
                                                              server.password)) as drv:
                drv.verify_connectivity()
            return
        except neo4j.exceptions.Neo4jError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


@pytest.mark.parametrize("debug", [False, True])
def test_a_wrong_password_is_never_shown(neo4j_server: TestServer, tmp_path: Path,
                                         debug: bool) -> None:
    env = neo4j_server.env() | {"NEO4J_PASSWORD": WRONG_PASSWORD,
                                "HFLINEAGE_HOME": str(tmp_path / "state")}
    flag = ["--debug"] if debug else []
    commands = [
        ["load", "snapshot", str(SAMPLE), "--no-progress"],
        ["load", "leaderboard", str(SAMPLE / "leaderboard-v2.csv"), "--no-progress"],
        ["query", "cypher", "RETURN 1 AS one"],
        ["query", "run", "top_architectures"],
        ["report", "--out", str(tmp_path / "report")],
        ["viz", "lineage", "mistralai/Mistral-7B-v0.1", "--out", str(tmp_path / "x.html")],
        ["export", "--format", "csv", str(tmp_path / "export")],
        ["db", "status"],
    ]
    try:
        for args in commands:
            out = cli(env, tmp_path, *flag, *args)
            shown = out.stdout + out.stderr
            assert WRONG_PASSWORD not in shown, args
            if args[0] != "db":
                assert out.returncode != 0, args
            if not debug and args[0] != "db":
                assert "Traceback" not in out.stderr, args
                assert out.stderr.startswith("Error: "), (args, out.stderr)
        assert files_holding(tmp_path, WRONG_PASSWORD) == []
        if neo4j_server.instance is not None:
            assert files_holding(neo4j_server.instance.home / "logs", WRONG_PASSWORD) == []
    finally:
        _wait_for_auth(neo4j_server)


@pytest.fixture
def hub() -> Iterator[LocalHub]:
    with LocalHub(fixture_models(), fixture_commits()) as server:
        yield server


def test_a_hub_token_is_sent_but_never_shown(hub: LocalHub, graph: neo4j.Driver, database: str,
                                             neo4j_server: TestServer, tmp_path: Path) -> None:
    env = neo4j_server.env() | {"HF_TOKEN": HUB_TOKEN, "HFLINEAGE_HOME": str(tmp_path / "state")}
    crawl = ["load", "hub", "--endpoint", hub.url, "--no-progress", "--family", FAMILY_ROOT,
             "--snapshot-out", str(tmp_path / "crawl"), "--rejects", str(tmp_path / "r.jsonl")]
    outputs = []
    for status in (401, 403, 500):
        hub.fault("list", status=status, times=50)
        for flag in ([], ["--debug"]):
            out = cli(env, tmp_path, *flag, *crawl, "--retries", "0", "--with-commits")
            assert out.returncode != 0, out.stdout
            outputs.append(out.stdout + out.stderr)
        hub.clear_faults()
    hub.fault("detail", status=429, retry_after=0)
    hub.fault("commits", status=503)
    ok = cli(env, tmp_path, "--debug", *crawl, "--with-commits", "--restart")
    assert ok.returncode == 0, ok.stderr
    outputs.append(ok.stdout + ok.stderr)
    assert {r.token for r in hub.requests} == {HUB_TOKEN}, "the token was not used"

    report = cli(env, tmp_path, "report", "--out", str(tmp_path / "report"), "--families", "1")
    assert report.returncode == 0, report.stderr
    outputs.append(report.stdout + report.stderr)
    for secret in (HUB_TOKEN, neo4j_server.password):
        assert not any(secret in text for text in outputs)
        assert files_holding(tmp_path, secret) == []
        assert not graph_holds(graph, database, secret)
    if neo4j_server.instance is not None:
        assert files_holding(neo4j_server.instance.home / "logs", HUB_TOKEN) == []


def _schema(driver: neo4j.Driver, database: str) -> list[str]:
    records, _, _ = driver.execute_query(
        "SHOW INDEXES YIELD name RETURN name ORDER BY name", database_=database)
    return [r["name"] for r in records]


@pytest.mark.parametrize("text", [
    "CREATE INDEX evil IF NOT EXISTS FOR (m:Model) ON (m.downloads)",
    "DROP CONSTRAINT model_key",
    "CALL db.createLabel('Evil')",
    "CALL db.createProperty('evil')",
    "CREATE USER evil SET PASSWORD 'evil-password-1'",
    "CREATE DATABASE evil",
    "MATCH (s:Schema) CALL (s) { SET s.version = 99 } RETURN s.version",
    "LOAD CSV FROM 'file:///etc/hostname' AS row CREATE (:Model {key: row[0]})",
])
def test_user_cypher_cannot_change_schema_users_or_data(graph: neo4j.Driver, database: str,
                                                        cli_env: dict[str, str], tmp_path: Path,
                                                        text: str) -> None:
    """Beyond the query engineer's writes: schema, token, user and database commands."""
    graph.execute_query("CREATE (:Model {key: 'a/b', id: 'a/b'})", database_=database)
    before = (_schema(graph, database), graph_holds(graph, database, "evil"))
    out = cli(cli_env, tmp_path, "query", "cypher", text)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith("Error: ")
    assert (_schema(graph, database), graph_holds(graph, database, "evil")) == before
    labels = graph.execute_query("CALL db.labels() YIELD label RETURN collect(label) AS l",
                                 database_=database).records[0]["l"]
    assert "Evil" not in labels
    for show in ("SHOW DATABASES YIELD name", "SHOW USERS YIELD user AS name"):
        names = graph.execute_query(f"{show} RETURN collect(name) AS n",
                                    database_="system").records[0]["n"]
        assert "evil" not in names
