"""Leaderboard loads (v1 and v2) against the real Neo4j."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest

from hflineage.errors import LeaderboardFormatError
from hflineage.loader import load_leaderboard, load_model_records
from hflineage.loader.sources.leaderboard import detect_layout
from tests.support.paths import FIXTURES

V1 = FIXTURES / "loader" / "leaderboard-v1.csv"
V2 = FIXTURES / "loader" / "leaderboard-v2.csv"


def rows(driver: neo4j.Driver, query: str, **params: Any) -> list[dict[str, Any]]:
    return [r.data() for r in driver.execute_query(query, params)[0]]


def model(driver: neo4j.Driver, key: str) -> dict[str, Any]:
    found = rows(driver, "MATCH (m:Model {key: $key}) RETURN properties(m) AS p", key=key)
    return found[0]["p"] if found else {}


def scores(driver: neo4j.Driver, key: str, board: str) -> dict[str, tuple[float, str]]:
    found = rows(driver, "MATCH (:Model {key: $key})-[s:SCORED]->(b:Benchmark {leaderboard: $lb}) "
                         "RETURN b.name AS name, s.score AS score, s.precision AS p",
                 key=key, lb=board)
    return {r["name"]: (r["score"], r["p"]) for r in found}


def test_detects_versions_and_names_missing_columns() -> None:
    assert detect_layout(list(pd.read_csv(V1, nrows=0).columns)).version == "v1"
    assert detect_layout(list(pd.read_csv(V2, nrows=0).columns)).version == "v2"
    with pytest.raises(LeaderboardFormatError, match=r"missing .*GSM8K.*columns not recognised: "
                                                     r"Extra"):
        detect_layout(["fullname", "Average ⬆️", "ARC", "HellaSwag", "MMLU", "TruthfulQA",
                       "Winogrande", "Extra"])


def test_v1_best_average_row_case_insensitive_and_flags_negated(
        graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    summary = load_leaderboard(graph, V1, database=database, rejects=tmp_path / "r.jsonl")
    assert (summary.records_in, summary.loaded, summary.rejected) == (6, 4, 2)
    reasons = [json.loads(x)["reason"] for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert any("invalid fullname" in r for r in reasons)
    assert any("no Average" in r for r in reasons)
    assert rows(graph, "MATCH (m:Model) RETURN count(m) AS n")[0]["n"] == 3
    tuned = scores(graph, "example/tuned-7b", "v1")
    assert tuned["Average"] == (62.25, "bfloat16") and tuned["GSM8K"] == (52.5, "bfloat16")
    assert set(tuned) == {"Average", "ARC", "HellaSwag", "MMLU", "TruthfulQA", "Winogrande",
                          "GSM8K"}
    m = model(graph, "example/tuned-7b")
    assert m["stub"] is True and m["id"] == "example/tuned-7b"  # spelled as the best row
    assert (m["merged"], m["moe"], m["flagged"]) == (False, False, False)
    assert m["parameters"] == 7_240_000_000 and m["parametersSource"] == "leaderboard"
    merge = model(graph, "example/merge-7b")
    assert merge["merged"] is True and merge["moe"] is True
    assert "architectureSource" not in merge  # "Unknown" is no architecture
    base = model(graph, "example/base-7b")
    assert "parameters" not in base  # 0 B means unknown
    assert not rows(graph, "MATCH ()-[d:DERIVED_FROM]->() RETURN d")


def test_v2_root_model_never_an_edge_and_benchmarks_undecorated(
        graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    load_leaderboard(graph, V1, database=database, rejects=tmp_path / "r1")
    load_leaderboard(graph, V2, database=database, rejects=tmp_path / "r2")
    names = rows(graph, "MATCH (b:Benchmark) RETURN b.leaderboard AS lb, b.name AS name, "
                        "b.key AS key ORDER BY key")
    assert [(r["lb"], r["name"]) for r in names if r["lb"] == "v2"] == [
        ("v2", n) for n in sorted(["Average", "BBH", "GPQA", "IFEval", "MATH Lvl 5", "MMLU-PRO",
                                   "MUSR"])]
    assert len(names) == 14
    assert model(graph, "example/tuned-7b")["rootModel"] == "Example/Base-7B"
    assert model(graph, "example/merge-7b")["rootModel"] == "Example/Merge-7B"
    assert "rootModel" not in model(graph, "example/gone-1b")
    assert not rows(graph, "MATCH ()-[d:DERIVED_FROM]->() RETURN d")
    assert scores(graph, "example/merge-7b", "v2")["Average"] == (22.0, "bfloat16")
    assert scores(graph, "example/tuned-7b", "v1")["Average"] == (62.25, "bfloat16")
    # v2 outranks v1 for the model's leaderboard facts; v2 flags are not negated.
    tuned = model(graph, "example/tuned-7b")
    assert tuned["parameters"] == 7_500_000_000 and tuned["merged"] is False


@pytest.mark.parametrize("snapshot_first", [True, False])
def test_config_and_safetensors_win_over_leaderboard_in_any_order(
        graph: neo4j.Driver, database: str, tmp_path: Path, snapshot_first: bool) -> None:
    records = [{"id": "example/tuned-7b", "config": {"architectures": ["Qwen2ForCausalLM"]},
                "safetensors": {"total": 123}},
               {"id": "Example/Merge-7B", "lastModified": "2024-01-01T00:00:00.000Z"}]

    def snapshot() -> None:
        load_model_records(graph, records, source="t", database=database, rejects=tmp_path / "r")

    def board() -> None:
        load_leaderboard(graph, V2, database=database, rejects=tmp_path / "r")

    for step in ((snapshot, board) if snapshot_first else (board, snapshot)):
        step()
    tuned = model(graph, "example/tuned-7b")
    assert (tuned["parameters"], tuned["parametersSource"]) == (123, "safetensors")
    assert tuned["architectureSource"] == "config" and tuned["stub"] is False
    assert tuned["id"] == "example/tuned-7b"
    merge = model(graph, "example/merge-7b")
    assert (merge["parameters"], merge["parametersSource"]) == (7_240_000_000, "leaderboard")
    assert merge["architectureSource"] == "leaderboard"
    archs = rows(graph, "MATCH (m:Model)-[:HAS_ARCHITECTURE]->(a) RETURN m.key AS m, a.name AS a "
                        "ORDER BY m")
    assert [(r["m"], r["a"]) for r in archs] == [
        ("example/merge-7b", "LlamaForCausalLM"), ("example/tuned-7b", "Qwen2ForCausalLM")]


def test_parquet_and_idempotent_rerun(graph: neo4j.Driver, database: str,
                                      tmp_path: Path) -> None:
    parquet = tmp_path / "v2.parquet"
    frame = pd.read_csv(V2)
    frame.to_parquet(parquet)
    first = load_leaderboard(graph, parquet, database=database, rejects=tmp_path / "r")
    count = "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS n, count(r) AS r"
    before = rows(graph, count)
    again = load_leaderboard(graph, parquet, database=database, rejects=tmp_path / "r")
    assert rows(graph, count)[0]["r"] == before[0]["r"]
    assert rows(graph, count)[0]["n"] == before[0]["n"] + 1  # one more LoadRun
    assert (first.loaded, first.rejected) == (again.loaded, again.rejected) == (4, 0)
    assert scores(graph, "example/merge-7b", "v2")["Average"] == (22.0, "bfloat16")


def test_a_better_row_in_a_later_file_replaces_the_scores(
        graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    load_leaderboard(graph, V2, database=database, rejects=tmp_path / "r")
    frame = pd.read_csv(V2, dtype=str, keep_default_na=False)
    frame.loc[1, "Average ⬆️"] = "30"
    frame.loc[1, "Precision"] = "4bit"
    frame.loc[0, "Average ⬆️"] = "1"
    frame.to_csv(tmp_path / "better.csv", index=False)
    load_leaderboard(graph, tmp_path / "better.csv", database=database, rejects=tmp_path / "r")
    assert scores(graph, "example/merge-7b", "v2")["Average"] == (30.0, "4bit")
    assert scores(graph, "example/tuned-7b", "v2")["Average"] == (20.5, "bfloat16")
