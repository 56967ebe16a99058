"""Loading every shared third-party snapshot, twice, into one graph."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import neo4j

from hflineage.loader import LoadSummary, load_leaderboard, load_snapshot

LOADS = ("paper-2024", "leaderboard/open-llm-leaderboard-v1.csv",
         "leaderboard/open-llm-leaderboard-v2.csv", "model-trees-2025", "model-atlas-2025",
         "commits-weights-2024")


def counts(driver: neo4j.Driver) -> dict[str, int]:
    nodes, _, _ = driver.execute_query("MATCH (n) WHERE NOT n:LoadRun "
                                       "RETURN labels(n)[0] AS k, count(*) AS n")
    rels, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS n")
    return {r["k"]: r["n"] for r in [*nodes, *rels]}


def load_all(driver: neo4j.Driver, database: str, data: Path, out: Path
             ) -> dict[str, LoadSummary]:
    done = {}
    for name in LOADS:
        load = load_leaderboard if name.endswith(".csv") else load_snapshot
        done[name] = load(driver, data / name, database=database,
                          rejects=out / f"{name.replace('/', '_')}.jsonl")
        s = done[name]
        print(f"{name}: {s.records_in} in, {s.loaded} loaded, {s.rejected} rejected, "
              f"{s.issues} values dropped, {s.seconds:.1f}s")
        assert s.records_in == s.loaded + s.rejected
    return done


def case_groups(path: Path, field: str) -> list[set[str]]:
    spellings: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        value = json.loads(line)[field]
        spellings.setdefault(value.lower(), set()).add(value)
    return [s for s in spellings.values() if len(s) > 1]


def test_all_shared_snapshots_load_and_reload_unchanged(
        graph: neo4j.Driver, database: str, shared_data: Path, tmp_path: Path) -> None:
    first = load_all(graph, database, shared_data, tmp_path / "first")
    after_first = counts(graph)

    paper = first["paper-2024"]
    assert paper.records_in == 5_907 + 56_111 and paper.rejected == 0
    rejects = [json.loads(x) for x in
               (tmp_path / "first" / "paper-2024.jsonl").read_text().splitlines()]
    junk = Counter((x["field"], x["value"], x["reason"]) for x in rejects)
    assert junk[("cardData.base_model", "unknown", "placeholder")] == 322
    assert sum(n for (f, _, r), n in junk.items()
               if f == "cardData.base_model" and r == "self-reference") == 3
    assert junk[("cardData.base_model", "mistral-7b", "ownerless-id")] == 8
    for x in rejects:
        assert {"line", "reason", "value", "id"} <= x.keys()

    duplicates = case_groups(shared_data / "paper-2024" / "models.jsonl", "id")
    assert len(duplicates) == 10
    for spellings in duplicates:
        records, _, _ = graph.execute_query(
            "MATCH (m:Model) WHERE m.id IN $ids OR m.key = $key RETURN count(m) AS n",
            ids=sorted(spellings), key=next(iter(spellings)).lower())
        assert records[0]["n"] == 1

    assert first["leaderboard/open-llm-leaderboard-v1.csv"].details["models"] == 6_811 - 14
    atlas = [json.loads(x) for x in
             (tmp_path / "first" / "model-atlas-2025.jsonl").read_text().splitlines()]
    assert Counter(x["reason"] for x in atlas)["placeholder"] == 28
    records, _, _ = graph.execute_query(  # a parent given with a trailing "/"
        "MATCH (:Model {key: 'richarderkhov/monor_-_qwen1.5-0.5b-h-world-gguf'})"
        "-[d:DERIVED_FROM]->(p) RETURN p.id AS id, d.relation AS relation")
    assert [(r["id"], r["relation"]) for r in records] == [
        ("Monor/Qwen1.5-0.5B-h-world", "quantized")]
    records, _, _ = graph.execute_query(
        "MATCH (c:Contributor) RETURN c.kind AS kind, count(*) AS n ORDER BY kind")
    assert [r["kind"] for r in records] == ["git", "hub"]

    second = load_all(graph, database, shared_data, tmp_path / "second")
    assert counts(graph) == after_first
    for name in LOADS:
        a, b = first[name], second[name]
        assert (a.records_in, a.loaded, a.rejected, a.issues) == (
            b.records_in, b.loaded, b.rejected, b.issues)
