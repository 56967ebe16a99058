"""Snapshot loads against the real Neo4j: counts, stubs, rejects, idempotence."""

from __future__ import annotations

import json
from pathlib import Path

import neo4j

from hflineage.loader import load_snapshot

SAMPLE = Path(__file__).resolve().parents[3] / "src" / "hflineage" / "data" / "sample"


def count(driver: neo4j.Driver, query: str, **params: object) -> int:
    records, _, _ = driver.execute_query(query, params)
    return int(records[0][0])


def test_sample_snapshot_loads(graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    summary = load_snapshot(graph, SAMPLE, database=database, rejects=tmp_path / "r.jsonl")
    assert summary.records_in == summary.loaded + summary.rejected
    assert summary.rejected == 1
    assert count(graph, "MATCH (m:Model {stub: false}) RETURN count(m)") == 236 - 1 - 1
    lines = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    reasons = {(x.get("value"), x["reason"]) for x in lines if x["kind"] == "value"}
    assert ("unknown", "placeholder") in reasons
    assert ("./output/checkpoint-500", "local-path") in reasons
    assert count(graph, "MATCH (:Model {key: 'example-user/mistral-7b-url-base'})"
                 "-[:DERIVED_FROM]->(p:Model {key: 'mistralai/mistral-7b-v0.1'}) "
                 "RETURN count(p)") == 1
