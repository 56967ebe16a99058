"""Crash safety: the loader killed with SIGKILL mid-load, then rerun, ends with the graph of one
clean load, and the killed attempt's LoadRun stays incomplete.

The snapshot is synthetic (50k models, 5 % of them with commits), generated once per session; its
clean fingerprint is computed once. Kill points are chosen from the load's progress as seen in
the graph (models written, then commit edges), so they land mid-load however fast the machine is.
"""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import neo4j
import pytest

from hflineage.db.fingerprint import Fingerprint, fingerprint
from hflineage.db.schema import init_schema, wipe_database
from hflineage.loader import load_snapshot
from hflineage.synth import generate
from tests.support.crash import Progress, load_runs, run_load, start_load, wait_until
from tests.support.server import TestServer

MODELS = 50_000
SEED = 7
KILLED_BATCH = 250

# (trial, where the kill lands): progress 0..1 is the models file, 1..2 the commits file;
# "start" kills as soon as the LoadRun exists, before any record is written.
CI_TRIALS = [(0, "models"), (1, "commits")]
SLOW_TRIALS = [(2, "start"), (3, "anywhere"), (4, "anywhere"), (5, "anywhere"), (6, "anywhere")]


@pytest.fixture(scope="session")
def snapshot_50k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth-50k")
    generate(MODELS, SEED, out, commit_share=0.05)
    return out


@pytest.fixture(scope="session")
def clean_50k(driver: neo4j.Driver, neo4j_server: TestServer, snapshot_50k: Path,
              tmp_path_factory: pytest.TempPathFactory) -> Fingerprint:
    """The fingerprint of one clean load of the snapshot."""
    database = neo4j_server.database
    wipe_database(driver, database)
    init_schema(driver, database)
    rejects = tmp_path_factory.mktemp("clean") / "rejects.jsonl"
    summary = load_snapshot(driver, snapshot_50k, database=database, rejects=rejects)
    assert summary.records_in == summary.loaded + summary.rejected
    assert summary.loaded >= MODELS
    return fingerprint(driver, database)


def _target(where: str, rng: random.Random) -> float:
    return {"start": 0.0, "models": rng.uniform(0.02, 0.95), "commits": rng.uniform(1.05, 1.75),
            "anywhere": rng.uniform(0.01, 1.75)}[where]


def _kill_and_rerun(trial: int, where: str, driver: neo4j.Driver, neo4j_server: TestServer,
                    snapshot: Path, clean: Fingerprint, tmp_path: Path) -> None:
    database = neo4j_server.database
    rng = random.Random(f"loader-kill-{trial}")
    target = _target(where, rng)
    wipe_database(driver, database)
    init_schema(driver, database)
    env = neo4j_server.env() | {"HFLINEAGE_HOME": str(tmp_path / "state")}
    progress = Progress.of(clean)

    def reached() -> bool:
        if where == "start":
            return bool(load_runs(driver, database))
        return progress(driver, database) >= target

    # Small batches make many commit points, so the kill lands between two of them; a kill that
    # still comes after the last write (a very slow poll) is retried at an earlier point.
    for _ in range(3):
        proc = start_load(snapshot, env, tmp_path / "killed-rejects.jsonl",
                          "--batch-size", str(KILLED_BATCH))
        try:
            ended_first = not wait_until(proc, reached)
            time.sleep(rng.uniform(0.0, 0.05))
            proc.kill()
            _, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert not ended_first and proc.returncode == -signal.SIGKILL, (
            f"trial {trial}: the load ended before its kill point {target:.3f}: {stderr}")
        killed = fingerprint(driver, database)
        if killed != clean:
            break
        target = max(0.0, target - 0.4)
        wipe_database(driver, database)
        init_schema(driver, database)
    assert killed != clean, f"trial {trial}: three kills, down to {target:.3f}, came after the load"
    print(f"\ntrial {trial} ({where}): killed at {target:.3f} with "
          f"{killed.nodes.get('Model', 0):,}/{clean.nodes['Model']:,} models and "
          f"{killed.relationships.get('COMMITTED_TO', 0):,}/"
          f"{clean.relationships['COMMITTED_TO']:,} commit edges written")
    runs = load_runs(driver, database)
    assert [r["status"] for r in runs] == ["running"]
    assert runs[0]["finishedAt"] is None

    rerun = run_load(snapshot, env, tmp_path / "rerun-rejects.jsonl")
    assert rerun.returncode == 0, rerun.stderr
    after = fingerprint(driver, database)
    assert after.nodes == clean.nodes and after.relationships == clean.relationships
    assert after.digest == clean.digest
    statuses = {r["id"]: r["status"] for r in load_runs(driver, database)}
    assert statuses[runs[0]["id"]] == "running"
    assert sorted(statuses.values()) == ["complete", "running"]


@pytest.mark.parametrize(("trial", "where"), [
    *CI_TRIALS, *(pytest.param(t, w, marks=pytest.mark.slow) for t, w in SLOW_TRIALS)])
def test_loader_killed_then_rerun_equals_clean_load(
        trial: int, where: str, driver: neo4j.Driver, neo4j_server: TestServer,
        snapshot_50k: Path, clean_50k: Fingerprint, tmp_path: Path) -> None:
    _kill_and_rerun(trial, where, driver, neo4j_server, snapshot_50k, clean_50k, tmp_path)
