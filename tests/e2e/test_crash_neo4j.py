"""Crash safety: the Neo4j JVM killed in the middle of a CLI load.

Runs on a private managed Neo4j (never the shared test server): the loader stops with a clear
one-line error after the driver's retries (bounded by HFLINEAGE_RETRY_TIME), and after the server
is started again with `hflineage db start` a rerun gives the graph of one clean load.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from hflineage.config import get_settings
from hflineage.db.fingerprint import fingerprint
from hflineage.db.runtime import ManagedNeo4j
from hflineage.db.schema import init_schema, wipe_database
from hflineage.loader import load_snapshot
from hflineage.synth import generate
from tests.support.crash import Progress, load_runs, run_load, start_load, wait_until
from tests.support.server import TEST_MEMORY

pytestmark = pytest.mark.neo4j
RETRY_SECONDS = 5
BATCH = ("--batch-size", "200")  # finer kill points than the clean load's default batches


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[ManagedNeo4j]:
    """A managed Neo4j in this test's folder, laid out as ``HFLINEAGE_HOME/neo4j``."""
    inst = ManagedNeo4j(tmp_path / "state" / "neo4j", get_settings().cache_dir,
                        memory=TEST_MEMORY)
    try:
        inst.start()
        yield inst
    finally:
        inst.stop()


def _driver(inst: ManagedNeo4j) -> neo4j.Driver:
    return neo4j.GraphDatabase.driver(inst.uri or "", auth=("neo4j", inst.password))


def test_neo4j_killed_mid_load_clear_error_then_rerun_equals_clean(
        own_server: ManagedNeo4j, tmp_path: Path) -> None:
    snapshot = tmp_path / "synth-6k"
    generate(6_000, 11, snapshot, commit_share=0.05)
    with _driver(own_server) as drv:
        load_snapshot(drv, snapshot, rejects=tmp_path / "clean-rejects.jsonl")
        clean = fingerprint(drv)
        wipe_database(drv)
        init_schema(drv)

    env = {"NEO4J_URI": "", "HFLINEAGE_HOME": str(tmp_path / "state"),
           "HFLINEAGE_CACHE": str(get_settings().cache_dir),
           "HFLINEAGE_RETRY_TIME": str(RETRY_SECONDS)}
    target = random.Random("neo4j-kill").uniform(0.2, 0.9)
    progress = Progress.of(clean)
    proc = start_load(snapshot, env, tmp_path / "killed-rejects.jsonl", *BATCH)
    try:
        with _driver(own_server) as drv:
            reached = wait_until(proc, lambda: progress(drv, "neo4j") >= target)
        own_server.kill()
        out, err = proc.communicate(timeout=30 * RETRY_SECONDS)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert reached, f"the load ended before Neo4j was killed: {err}"
    assert proc.returncode == 1
    assert "Traceback" not in err
    last = err.strip().splitlines()[-2:]
    assert any(line.startswith("Error: Neo4j failed during the load") for line in last), err
    assert own_server.password not in out + err

    uri = own_server.uri
    restart = subprocess.run(  # as a user would: `hflineage db start` on the same state folder
        [sys.executable, "-m", "hflineage", "db", "start"],
        env=os.environ | env | {"HFLINEAGE_NEO4J_HEAP": "1g", "HFLINEAGE_NEO4J_PAGECACHE": "512m"},
        capture_output=True, text=True, timeout=600, check=False)
    assert restart.returncode == 0 and "started" in restart.stdout, restart.stderr
    assert own_server.status().state == "running"
    assert own_server.uri == uri, "a restart after a crash moved the server to another port"
    with _driver(own_server) as drv:
        runs = load_runs(drv, "neo4j")
        assert len(runs) == 1 and runs[0]["status"] in {"running", "failed"}
        assert fingerprint(drv) != clean
        rerun = run_load(snapshot, env, tmp_path / "rerun-rejects.jsonl", *BATCH)
        assert rerun.returncode == 0, rerun.stderr
        assert fingerprint(drv) == clean
        statuses = {r["id"]: r["status"] for r in load_runs(drv, "neo4j")}
        assert statuses.pop(runs[0]["id"]) == runs[0]["status"]
        assert list(statuses.values()) == ["complete"]
