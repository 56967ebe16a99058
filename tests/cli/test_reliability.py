"""Reliability: two loads of overlapping input at once, and leaderboard files with wrong columns."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import neo4j
import pytest

from hflineage.db.fingerprint import fingerprint
from hflineage.db.schema import init_schema, wipe_database
from hflineage.errors import LeaderboardFormatError
from hflineage.loader import load_leaderboard, load_snapshot
from hflineage.synth import LEADERBOARD_COLUMNS, generate
from tests.support.crash import duplicates, load_runs, start_load
from tests.support.server import TestServer

RETRIED = "will be retried"


def _split(source: Path, out: Path, part: slice, reverse: bool) -> Path:
    """A snapshot holding a slice of each file, optionally in reverse order."""
    out.mkdir(parents=True)
    for name in ("models.jsonl", "commits.jsonl"):
        lines = (source / name).read_text(encoding="utf-8").splitlines(keepends=True)[part]
        (out / name).write_text("".join(reversed(lines) if reverse else lines), encoding="utf-8")
    return out


def test_two_overlapping_loads_at_once(graph: neo4j.Driver, database: str,
                                       neo4j_server: TestServer, tmp_path: Path) -> None:
    """60 % of the records are in both loads, in opposite orders, written in small batches so
    that the two loads contend for the same nodes: no duplicate, no failure, and the graph of
    the two loads run one after the other."""
    source = tmp_path / "synth"
    generate(3_000, 5, source, commit_share=0.5)
    n = sum(1 for _ in (source / "models.jsonl").open())
    first = _split(source, tmp_path / "a", slice(0, n * 8 // 10), reverse=False)
    second = _split(source, tmp_path / "b", slice(n * 2 // 10, None), reverse=True)

    load_snapshot(graph, first, database=database, rejects=tmp_path / "seq-a.jsonl")
    load_snapshot(graph, second, database=database, rejects=tmp_path / "seq-b.jsonl")
    sequential = fingerprint(graph, database)
    wipe_database(graph, database)
    init_schema(graph, database)

    env = neo4j_server.env() | {"HFLINEAGE_HOME": str(tmp_path / "state")}
    procs = [start_load(snap, env, tmp_path / f"{snap.name}-rejects.jsonl", "--batch-size", "100")
             for snap in (first, second)]
    outputs = [p.communicate(timeout=1800) for p in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    assert duplicates(graph, database) == {}
    assert [r["status"] for r in load_runs(graph, database)] == ["complete", "complete"]
    concurrent = fingerprint(graph, database)
    assert concurrent == sequential
    retried = sum(err.count(RETRIED) for _, err in outputs)
    print(f"\ntwo concurrent loads: {retried} transient errors retried by the driver")


def _leaderboard(path: Path, columns: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerow(dict.fromkeys(columns, "1"))
    return path


V2 = list(LEADERBOARD_COLUMNS)


@pytest.mark.parametrize(("columns", "named"), [
    ([c for c in V2 if c not in ("BBH", "GPQA")], ["BBH", "GPQA"]),
    ([c for c in V2 if c != "fullname"], ["fullname"]),
    ([c for c in V2 if not c.startswith("Average")], ["Average"]),
    (["model", "score", "when"], ["fullname", "model", "score", "when"]),
    ([*(c for c in V2 if c != "MUSR"), "Mystery Score"], ["MUSR", "Mystery Score"]),
])
def test_leaderboard_with_missing_or_unknown_columns_names_them(
        graph: neo4j.Driver, database: str, cli_env: dict[str, str], tmp_path: Path,
        columns: list[str], named: list[str]) -> None:
    path = _leaderboard(tmp_path / "board.csv", columns)
    with pytest.raises(LeaderboardFormatError) as info:
        load_leaderboard(graph, path, database=database, rejects=tmp_path / "r.jsonl")
    for name in named:
        assert name in str(info.value)
    assert graph.execute_query("MATCH (n) WHERE NOT n:Schema RETURN count(n) AS n",
                               database_=database).records[0]["n"] == 0

    out = subprocess.run([sys.executable, "-m", "hflineage", "load", "leaderboard", str(path),
                          "--no-progress"], capture_output=True, text=True, timeout=300,
                         check=False)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert out.stderr.startswith("Error: ") and all(n in out.stderr for n in named)

