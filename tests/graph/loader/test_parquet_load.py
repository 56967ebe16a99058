"""models.parquet loads (online and bulk) give the graph models.jsonl gives.

The one difference allowed: a Model's and an Organization's ``recordVersion`` ends with a digest
of the record, of its JSON line for JSONL and of the sorted record for a Parquet row (a row has
no line). The graphs are compared with that digest masked; ``lastModified`` and the rules tag
before it must agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest

from hflineage.cypher import statement
from hflineage.db.fingerprint import SKIP_LABELS, VOLATILE, fingerprint
from hflineage.db.runtime import ManagedNeo4j
from hflineage.db.schema import init_schema, wipe_database
from hflineage.loader import load_snapshot
from hflineage.loader.write.bulk import bulk_load
from hflineage.synth import generate
from tests.support.server import private_server

N, SEED = 2000, 9  # seed 9 writes 2 truncated JSON lines at 2,000 models


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    base = tmp_path_factory.mktemp("parquet-load")
    as_lines = generate(N, SEED, base / "jsonl", commit_share=0.15)
    as_rows = generate(N, SEED, base / "parquet", commit_share=0.15, models_format="parquet")
    assert as_lines["dirty_truncated_line"] == as_rows["unrepresentable_truncated_line"] == 2
    return base, as_lines, as_rows


def _canon(value: Any) -> Any:
    if isinstance(value, list):
        return [_canon(v) for v in value]
    if isinstance(value, float):
        return repr(value)
    return value.iso_format() if hasattr(value, "iso_format") else value


def _graph(driver: neo4j.Driver, database: str, *, mask_digest: bool
           ) -> tuple[list[str], list[str]]:
    """Every node (labels, properties) and relationship (ends, type, properties), sorted;
    load-run bookkeeping left out, as the fingerprint does."""
    def props(values: dict[str, Any]) -> str:
        clean = {k: _canon(v) for k, v in values.items() if k not in VOLATILE}
        if mask_digest and "recordVersion" in clean:
            clean["recordVersion"] = clean["recordVersion"].rsplit("|", 1)[0]
        return json.dumps(clean, sort_keys=True, ensure_ascii=False)

    nodes = driver.execute_query(statement("read/fingerprint_nodes"), skip=list(SKIP_LABELS),
                                 database_=database).records
    rels = driver.execute_query(statement("read/fingerprint_relationships"),
                                skip=list(SKIP_LABELS), database_=database).records
    return (sorted(f"{':'.join(sorted(r['labels']))}|{props(r['props'])}" for r in nodes),
            sorted(f"{r['start']}|{r['type']}|{r['end']}|{props(r['props'])}" for r in rels))


def _reasons(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [e["reason"] for e in map(json.loads, lines) if e["kind"] == "record"]


def test_online_parquet_load_gives_the_jsonl_graph(
        graph: neo4j.Driver, database: str, snapshots: tuple[Path, dict, dict],
        tmp_path: Path) -> None:
    base, as_lines, as_rows = snapshots
    lines = load_snapshot(graph, base / "jsonl", database=database,
                          rejects=tmp_path / "jsonl-rejects.jsonl")
    want = _graph(graph, database, mask_digest=True)
    versions = dict(graph.execute_query(
        "MATCH (m:Model) WHERE m.recordVersion IS NOT NULL RETURN m.key, m.recordVersion",
        database_=database).records)
    wipe_database(graph, database)
    init_schema(graph, database)
    rows = load_snapshot(graph, base / "parquet", database=database,
                         rejects=tmp_path / "parquet-rejects.jsonl")
    got = _graph(graph, database, mask_digest=True)

    assert len(got[0]) == len(want[0]) and len(got[1]) == len(want[1])
    assert got == want
    assert sum(n.startswith("Model|") for n in got[0]) >= N
    assert sum("|DERIVED_FROM|" in r for r in got[1]) > 300
    commits = as_lines["commits"]
    assert as_rows["commits"] == commits
    assert lines.records_in == as_lines["model_lines"] + commits == lines.loaded + lines.rejected
    assert rows.records_in == as_rows["model_lines"] + commits == rows.loaded + rows.rejected
    assert rows.loaded == lines.loaded and rows.issues == lines.issues
    assert rows.rejected == lines.rejected - 2
    bad_lines = _reasons(tmp_path / "jsonl-rejects.jsonl")
    assert sum(r.startswith("malformed JSON") for r in bad_lines) == 2
    assert sorted(_reasons(tmp_path / "parquet-rejects.jsonl")) == sorted(
        r for r in bad_lines if not r.startswith("malformed JSON"))
    # the digest is the one difference: every described model's differs, nothing else does
    parquet_versions = dict(graph.execute_query(
        "MATCH (m:Model) WHERE m.recordVersion IS NOT NULL RETURN m.key, m.recordVersion",
        database_=database).records)
    assert parquet_versions.keys() == versions.keys()
    assert all(parquet_versions[k] != v for k, v in versions.items())


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ManagedNeo4j]:
    yield from private_server(tmp_path_factory, "parquet-bulk-neo4j")


@pytest.mark.neo4j
def test_bulk_parquet_load_gives_the_online_parquet_graph(
        own_server: ManagedNeo4j, snapshots: tuple[Path, dict, dict], tmp_path: Path) -> None:
    base, _, as_rows = snapshots
    with neo4j.GraphDatabase.driver(own_server.uri or "",
                                    auth=("neo4j", own_server.password)) as drv:
        init_schema(drv)
        online = load_snapshot(drv, base / "parquet", rejects=tmp_path / "online.jsonl")
        want = _graph(drv, "neo4j", mask_digest=False)
        expected = fingerprint(drv)
        wipe_database(drv)
    bulk = bulk_load(own_server, base / "parquet", rejects=tmp_path / "bulk.jsonl")
    with neo4j.GraphDatabase.driver(own_server.uri or "",
                                    auth=("neo4j", own_server.password)) as drv:
        got = _graph(drv, "neo4j", mask_digest=False)
        assert fingerprint(drv) == expected
    assert got == want
    assert (bulk.records_in, bulk.loaded, bulk.rejected, bulk.issues) == (
        online.records_in, online.loaded, online.rejected, online.issues)
    assert bulk.records_in == as_rows["model_lines"] + as_rows["commits"]
    assert bulk.records_in == bulk.loaded + bulk.rejected
    assert _reasons(tmp_path / "bulk.jsonl") == _reasons(tmp_path / "online.jsonl")
