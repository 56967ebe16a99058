"""The bulk path: CSV files + neo4j-admin import give the same graph as the online loader."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from hflineage.db.fingerprint import fingerprint
from hflineage.db.runtime import ManagedNeo4j
from hflineage.db.schema import init_schema, wipe_database
from hflineage.errors import BulkLoadRefusedError
from hflineage.loader import load_snapshot
from hflineage.loader.normalize.rows import model_rows
from hflineage.loader.normalize.rules import ModelRows
from hflineage.loader.write import pool
from hflineage.loader.write.bulk import BulkTimings, CsvTables, bulk_load
from hflineage.synth import generate
from tests.support.server import private_server


def _record(model_id: str, modified: str, **extra: object) -> str:
    return json.dumps({"id": model_id, "author": model_id.split("/")[0],
                       "createdAt": "2024-01-01T00:00:00.000Z", "lastModified": modified,
                       "tags": ["transformers"], **extra})


def test_tables_keep_the_newest_record_and_its_edges(tmp_path: Path) -> None:
    lines = [
        _record("Org/Child", "2024-02-01T00:00:00.000Z", cardData={"base_model": "org/OLD-base"}),
        _record("org/child", "2024-03-01T00:00:00.000Z", cardData={"base_model": "Org/New-Base"}),
        _record("x/y", "2024-01-05T00:00:00.000Z",
                cardData={"base_model": ["org/new-base", "A/B"]}),
    ]
    rows = [r for _, r in model_rows(lines) if isinstance(r, ModelRows)]
    tables = CsvTables(tmp_path)
    tables.models(rows[:1])
    tables.models(rows[1:])
    args = tables.finish()
    assert tables.rows == {"Model": 4, "PUBLISHED": 4, "HAS_ARCHITECTURE": 0,
                           "LICENSED_UNDER": 0, "TRAINED_ON": 0, "DERIVED_FROM": 3,
                           "Architecture": 0, "License": 0, "Dataset": 0, "Organization": 3,
                           "Contributor": 0, "COMMITTED_TO": 0}
    with (tmp_path / "derived-from.csv").open(newline="") as fh:  # the header is apart
        parents = sorted((r[2], r[3]) for r in csv.reader(fh))
    with (tmp_path / "derived-from.header.csv").open(newline="") as fh:
        assert next(csv.reader(fh))[2:4] == [":START_ID(Model)", ":END_ID(Model)"]
    assert parents == [("org/child", "org/new-base"), ("x/y", "a/b"), ("x/y", "org/new-base")]
    with (tmp_path / "stubs.csv").open(newline="") as fh:
        stubs = sorted(tuple(r) for r in list(csv.reader(fh))[1:])
    assert stubs == [("a/b", "A/B", "true"), ("org/new-base", "Org/New-Base", "true")]
    with (tmp_path / "organization.csv").open(newline="") as fh:
        orgs = [r[:3] for r in csv.reader(fh)]
    assert ["org", "org"] in [r[:2] for r in orgs] and ["a", "A", ""] in orgs
    with (tmp_path / "published-stubs.csv").open(newline="") as fh:
        assert sorted(tuple(r) for r in list(csv.reader(fh))[1:]) == [
            ("a", "a/b"), ("org", "org/new-base")]
    assert f"--relationships=DERIVED_FROM={tmp_path / 'derived-from.header.csv'}," \
        f"{tmp_path / 'derived-from.csv'}" in args


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ManagedNeo4j]:
    yield from private_server(tmp_path_factory, "bulk-neo4j")


@pytest.mark.neo4j
def test_bulk_gives_the_same_graph_as_the_online_loader(
        own_server: ManagedNeo4j, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "CHUNK_BYTES", 100_000)  # several chunks per file
    snap = tmp_path / "snap"
    summary = generate(2000, 11, snap, commit_share=0.15)
    assert summary["dirty_duplicate_line"] and summary["dirty_case_variant"]
    with neo4j.GraphDatabase.driver(own_server.uri or "",
                                    auth=("neo4j", own_server.password)) as drv:
        init_schema(drv)
        online = load_snapshot(drv, snap, rejects=tmp_path / "online.jsonl")
        expected = fingerprint(drv)
        wipe_database(drv)
    timings = BulkTimings()
    bulk = bulk_load(own_server, snap, rejects=tmp_path / "bulk.jsonl", timings=timings)
    assert (bulk.records_in, bulk.loaded, bulk.rejected, bulk.issues) == (
        online.records_in, online.loaded, online.rejected, online.issues)
    with neo4j.GraphDatabase.driver(own_server.uri or "",
                                    auth=("neo4j", own_server.password)) as drv:
        got = fingerprint(drv)
        runs = drv.execute_query("MATCH (r:LoadRun) RETURN r.status AS s").records
        constraints = drv.execute_query("SHOW CONSTRAINTS YIELD name RETURN name").records
        marked = drv.execute_query("MATCH (m:Model {stub: false}) "
                                   "RETURN count(*) AS n, count(m.quantizedStorage) AS marked"
                                   ).records[0]
    assert got == expected
    assert marked["n"] == marked["marked"] > 0
    assert expected.nodes["Model"] >= 2000 and expected.relationships["DERIVED_FROM"] > 300
    assert timings.rows["Model"] == expected.nodes["Model"]
    assert [r["s"] for r in runs] == ["complete"]
    assert "model_key" in {r["name"] for r in constraints}
    with pytest.raises(BulkLoadRefusedError, match="already holds"):
        bulk_load(own_server, snap, rejects=tmp_path / "again.jsonl")
    assert own_server.pid() is not None


def test_cli_refuses_bulk_on_an_external_server(cli_env: dict[str, str], tmp_path: Path) -> None:
    from click.testing import CliRunner

    from hflineage.cli import cli

    generate(50, 1, tmp_path)
    result = CliRunner().invoke(cli, ["load", "snapshot", str(tmp_path), "--bulk"])
    assert result.exit_code == 1
    assert "--bulk replaces the store of the managed server" in result.output
