"""Leaderboard scores on the shared data (paper-2024 plus both Open LLM Leaderboard CSVs, loaded
through the loader) against an independent pandas computation straight from the input files,
written from the README's definitions: boards are never pooled."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest

from hflineage import analytics
from hflineage.analytics.report import score_sections
from hflineage.viz import family_graph
from tests.support.paths import SHARED_DATA
from tests.support.server import TestServer, load_shared_graph

PAPER = SHARED_DATA / "paper-2024"
BOARDS = {"v1": SHARED_DATA / "leaderboard" / "open-llm-leaderboard-v1.csv",
          "v2": SHARED_DATA / "leaderboard" / "open-llm-leaderboard-v2.csv"}
MISTRAL = "mistralai/Mistral-7B-v0.1"

# The README's Parents rules, restated: an id may be given as a Hub URL and with a trailing "/";
# placeholders, ids that break the Hub's rules and self-references are no parents; an owner-less
# id is one only for the Hub's legacy canonical repos (those named in paper-2024 listed here).
_URL = re.compile(r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/", re.IGNORECASE)
_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_RECORD_ID = re.compile(r"^(?:[A-Za-z0-9][\w.-]*/)?[\w.-]+$")
_LEGACY = {"gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl", "distilgpt2"}
_RELATIONS = {"finetune", "adapter", "quantized", "merge"}


@pytest.fixture(scope="module")
def scored(driver: neo4j.Driver, neo4j_server: TestServer,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[neo4j.Driver]:
    yield load_shared_graph(driver, neo4j_server, tmp_path_factory, PAPER, *BOARDS.values())


def _valid(key: str) -> bool:
    """A record's own id (owner-less allowed) that the Hub's rules accept."""
    return bool(_RECORD_ID.match(key)) and "--" not in key and ".." not in key


def _parent(raw: Any) -> str | None:
    if not isinstance(raw, str):
        return None
    value = _URL.sub("", raw.strip()).rstrip("/").split("/tree/")[0]
    if _ID.match(value) and "--" not in value and ".." not in value:
        return value.lower()
    return value.lower() if value.lower() in _LEGACY else None


def _declared(rec: dict[str, Any]) -> set[str]:
    """A record's parents: typed and legacy base_model tags and the card's base_model."""
    base = (rec.get("cardData") or {}).get("base_model")
    named = [base] if isinstance(base, str) else list(base or [])
    for tag in rec.get("tags", []):
        parts = tag.split(":")
        if parts[0] == "base_model" and len(parts) == 3 and parts[1] in _RELATIONS:
            named.append(parts[2])
        elif parts[0] == "base_model" and len(parts) == 2:
            named.append(parts[1])
    return {p for p in map(_parent, named) if p} - {rec["id"].lower()}


def _models() -> pd.DataFrame:
    """One row per case-folded id from its most recently modified record, with its parents and
    creation month."""
    with open(PAPER / "models.jsonl", encoding="utf-8") as f:
        rows = [{"key": rec["id"].lower(), "modified": rec["lastModified"],
                 "month": rec["createdAt"][:7], "parents": _declared(rec)}
                for rec in map(json.loads, f)]
    df = pd.DataFrame(rows).sort_values("modified", kind="stable")
    return df.drop_duplicates("key", keep="last").set_index("key")


def _averages(board: str) -> pd.Series:
    """Per model (fullname, case-insensitive) the best Average on one board."""
    df = pd.read_csv(BOARDS[board], usecols=["fullname", "Average ⬆️"])
    return df.assign(key=df["fullname"].str.lower()).groupby("key")["Average ⬆️"].max()


def _single_parent_deltas(board: str) -> pd.Series:
    """Child minus parent Average for derivatives with exactly one parent, both scored."""
    best, models = _averages(board), _models()
    single = models[models["parents"].map(len) == 1]
    parent = single["parents"].map(lambda p: next(iter(p)))
    ok = single.index.isin(best.index) & parent.isin(best.index)
    return pd.Series(best.loc[single.index[ok]].to_numpy() - best.loc[parent[ok]].to_numpy())


@pytest.mark.parametrize("board", ["v1", "v2"])
def test_single_parent_deltas_per_board(scored: neo4j.Driver, database: str, shared_data: Path,
                                        board: str) -> None:
    expected = _single_parent_deltas(board)
    pairs = analytics.scored_pairs(scored, database, leaderboard=board)
    got = pairs[pairs["parents"] == 1]["delta"]
    assert set(pairs["leaderboard"]) == {board}
    assert len(got) == len(expected)
    assert got.mean() == pytest.approx(expected.mean())
    assert got.median() == pytest.approx(expected.median())
    assert (got > 0).mean() == pytest.approx((expected > 0).mean())


def test_v1_single_parent_figures_are_the_issues(shared_data: Path) -> None:
    deltas = _single_parent_deltas("v1")
    assert (len(deltas), round(deltas.mean(), 4), round(deltas.median(), 3),
            round(100 * (deltas > 0).mean(), 1)) == (634, -1.2246, -0.085, 44.6)


def test_report_headlines_per_board(scored: neo4j.Driver, database: str,
                                    shared_data: Path) -> None:
    def q(name: str, **params: Any) -> pd.DataFrame:
        return analytics.run_query(scored, name, params, database)

    sections = {s.key: s for s in score_sections(q, "Average", [MISTRAL])}
    v1 = sections["accuracy_delta_by_relation_v1"].sentence
    assert v1.startswith("Open LLM Leaderboard v1: 634 single-parent derivatives have a mean "
                         "Average delta against their parent of -1.225 points (median -0.085); "
                         "44.64% improve on it."), v1
    for board in BOARDS:
        n = sum(map(_valid, _averages(board).index))
        coverage = q("score_coverage", leaderboard=board).iloc[0]
        assert coverage["scoredModels"] == n
        assert sections[f"size_accuracy_frontier_{board}"].sentence.endswith(
            f"Coverage: {n:,} of {coverage['models']:,} models have a score for Average on "
            f"Open LLM Leaderboard {board}.")
        best = _averages(board)
        frontier = sections[f"size_accuracy_frontier_{board}"].table
        assert set(frontier["leaderboard"]) == {board}
        assert frontier["score"].tolist() == pytest.approx(
            best.loc[frontier["model"].str.lower()].tolist())
        assert analytics.pareto_front(frontier).tolist() == frontier["onFront"].tolist()


def test_family_best_per_board(scored: neo4j.Driver, database: str, shared_data: Path) -> None:
    models = _models()
    edges = models["parents"].explode().dropna()
    family, level = {MISTRAL.lower()}, {MISTRAL.lower()}
    for _ in range(10):
        level = set(edges.index[edges.isin(level)]) - family
        family |= level
    curves = analytics.family_best_score_over_time(scored, database, model=MISTRAL)
    for board in BOARDS:
        best = _averages(board)
        members = [k for k in family if k in best.index and k in models.index]
        curve = curves[curves["leaderboard"] == board]
        assert curve["scoredModels"].sum() == len(members)
        assert curve["familyBest"].iloc[-1] == pytest.approx(best.loc[members].max())


def test_tooltip_gives_each_board(scored: neo4j.Driver, database: str,
                                  shared_data: Path) -> None:
    v1, v2 = (_averages(b).loc[MISTRAL.lower()] for b in BOARDS)
    assert (round(v1, 2), round(v2, 2)) == (60.97, 14.58)
    net = family_graph(scored, MISTRAL, database=database, max_nodes=20)
    tip = next(n for n in net.nodes if n["id"] == MISTRAL.lower())["title"]
    assert f"Average v1 {v1:.2f} · v2 {v2:.2f}" in tip
