"""Helpers of the crash and concurrency tests: CLI loads in subprocesses, killed at a chosen point
of their progress as seen in the graph, and the checks every crash test makes afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import neo4j

from hflineage.db.fingerprint import Fingerprint

POLL_SECONDS = 0.1


def load_command(snapshot: Path, rejects: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "hflineage", "load", "snapshot", str(snapshot),
            "--no-progress", "--rejects", str(rejects), *extra]


def start_load(snapshot: Path, env: dict[str, str], rejects: Path, *extra: str
               ) -> subprocess.Popen[str]:
    """``hflineage load snapshot`` in a subprocess, as a user would run it."""
    return subprocess.Popen(load_command(snapshot, rejects, *extra), env=os.environ | env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_load(snapshot: Path, env: dict[str, str], rejects: Path, *extra: str
             ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(load_command(snapshot, rejects, *extra), env=os.environ | env,
                          capture_output=True, text=True, timeout=3600, check=False)


def count(driver: neo4j.Driver, database: str, pattern: str) -> int:
    """A count the store keeps (``(m:Model)`` or ``()-[r:COMMITTED_TO]->()``): O(1) to read."""
    query = {"Model": "MATCH (:Model) RETURN count(*) AS n",
             "COMMITTED_TO": "MATCH ()-[:COMMITTED_TO]->() RETURN count(*) AS n"}[pattern]
    records, _, _ = driver.execute_query(query, database_=database,
                                         routing_=neo4j.RoutingControl.READ)
    return int(records[0]["n"])


@dataclass(frozen=True)
class Progress:
    """How far a snapshot load has come, 0 (nothing) to 2 (models and commits all written),
    measured against the counts of a clean load."""

    models: int
    commit_edges: int

    def __call__(self, driver: neo4j.Driver, database: str) -> float:
        return (count(driver, database, "Model") / self.models
                + count(driver, database, "COMMITTED_TO") / self.commit_edges)

    @classmethod
    def of(cls, clean: Fingerprint) -> Progress:
        return cls(clean.nodes["Model"], clean.relationships["COMMITTED_TO"])


def wait_until(proc: subprocess.Popen[str], reached: Callable[[], bool],
               timeout: float = 3600.0) -> bool:
    """Poll until ``reached()``; False when the process ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            if reached():
                return True
        except neo4j.exceptions.ServiceUnavailable:
            pass
        time.sleep(POLL_SECONDS)
    raise TimeoutError("the load neither reached its kill point nor ended")


def load_runs(driver: neo4j.Driver, database: str) -> list[dict[str, object]]:
    records, _, _ = driver.execute_query(
        "MATCH (r:LoadRun) RETURN r.id AS id, r.status AS status, r.finishedAt AS finishedAt "
        "ORDER BY r.startedAt", database_=database, routing_=neo4j.RoutingControl.READ)
    return [dict(r) for r in records]


def duplicates(driver: neo4j.Driver, database: str) -> dict[str, int]:
    """Nodes sharing a label and key, and relationships sharing (start, type, end)."""
    keyed = {"Model": "key", "Organization": "key", "Contributor": "key", "Dataset": "key",
             "Architecture": "name", "License": "id", "Benchmark": "key", "LoadRun": "id"}
    found: dict[str, int] = {}
    for label, key in keyed.items():
        records, _, _ = driver.execute_query(
            f"MATCH (n:`{label}`) WITH n.`{key}` AS k, count(*) AS c WHERE c > 1 "
            "RETURN count(*) AS n", database_=database, routing_=neo4j.RoutingControl.READ)
        found[label] = int(records[0]["n"])
    records, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) WITH a, type(r) AS t, b, count(*) AS c WHERE c > 1 "
        "RETURN count(*) AS n", database_=database, routing_=neo4j.RoutingControl.READ)
    found["relationships"] = int(records[0]["n"])
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE n.key IS NULL AND (n:Model OR n:Organization OR n:Contributor) "
        "RETURN count(*) AS n", database_=database, routing_=neo4j.RoutingControl.READ)
    found["keyless"] = int(records[0]["n"])
    return {k: v for k, v in found.items() if v}
