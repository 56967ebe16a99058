"""The graph version against a real Neo4j: loads, an unfinished and a failed run, resets."""

from __future__ import annotations

import json
from pathlib import Path

import neo4j

from hflineage.db.admin import reset_graph
from hflineage.db.schema import data_node_count, init_schema, wipe_database
from hflineage.db.version import GraphVersion, bump_epoch, graph_version
from hflineage.loader import load_snapshot
from hflineage.loader.write.run import LoadRun, LoadSummary


def tiny_snapshot(path: Path, n: int) -> Path:
    path.write_text("".join(json.dumps({"id": f"org/model-{i}"}) + "\n" for i in range(n)))
    return path


def reset(driver: neo4j.Driver, database: str, tmp_path: Path) -> None:
    reset_graph(driver, database, crawl_dir=tmp_path / "hub", rejects_dirs=[],
                confirm=lambda _question: True)


def test_version_follows_finished_loads_and_every_reset(graph: neo4j.Driver, database: str,
                                                        tmp_path: Path) -> None:
    empty = graph_version(graph, database)
    assert empty == GraphVersion(epoch=0, token=None, run_id=None, run_finished_at=None,
                                 run_status=None)
    assert empty.key == "epoch-0/run-none"
    seen = [empty.key]

    first = load_snapshot(graph, tiny_snapshot(tmp_path / "a.jsonl", 2), database=database,
                          rejects=tmp_path / "r.jsonl")
    loaded = graph_version(graph, database)
    assert (loaded.epoch, loaded.run_id, loaded.run_status) == (0, first.run_id, "complete")
    assert loaded.run_finished_at is not None and loaded.key == f"epoch-0/run-{first.run_id}"
    seen.append(loaded.key)

    running = LoadRun(graph, database, "snapshot", "still running")
    assert graph_version(graph, database) == loaded  # an unfinished run is not a version
    running.finish(LoadSummary(source="snapshot", run_id=running.id), "failed")
    failed = graph_version(graph, database)
    assert (failed.run_id, failed.run_status) == (running.id, "failed")
    seen.append(failed.key)

    second = load_snapshot(graph, tiny_snapshot(tmp_path / "b.jsonl", 3), database=database,
                           rejects=tmp_path / "r.jsonl")
    assert graph_version(graph, database).run_id == second.run_id
    seen.append(graph_version(graph, database).key)

    epochs = []
    for _ in range(2):
        reset(graph, database, tmp_path)
        after = graph_version(graph, database)
        assert after.run_id is None and after.token is not None
        assert data_node_count(graph, database) == 0  # the epoch node is not data
        epochs.append(after.epoch)
        seen.append(after.key)
    assert epochs == [1, 2]

    # a reset that died between its wipe and its bump loses the epoch node: the next reset
    # starts again from 1, and its fresh token still makes a key never seen before
    wipe_database(graph, database)
    init_schema(graph, database)
    reset(graph, database, tmp_path)
    again = graph_version(graph, database)
    assert again.epoch == 1 and again.key.startswith("epoch-1.")
    seen.append(again.key)
    assert len(set(seen)) == len(seen) == 7

    assert bump_epoch(graph, database, at_least=7) == 8  # restore: past the replaced graph's
    assert bump_epoch(graph, database, at_least=3) == 9  # never backwards
    count = graph.execute_query("MATCH (e:GraphEpoch) RETURN count(e) AS n").records[0]["n"]
    assert count == 1
