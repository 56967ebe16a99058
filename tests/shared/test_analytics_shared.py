"""Analytics on the real paper-2024 snapshot plus leaderboard v1, loaded through the loader,
against an independent pandas computation over the same files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest

from hflineage import analytics
from hflineage.loader.normalize.rules import is_bot
from tests.support.paths import SHARED_DATA
from tests.support.server import TestServer, load_shared_graph

PAPER = SHARED_DATA / "paper-2024"
V1 = SHARED_DATA / "leaderboard" / "open-llm-leaderboard-v1.csv"
HUB = "https://huggingface.co/"


@pytest.fixture(scope="module")
def paper(driver: neo4j.Driver, neo4j_server: TestServer,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[neo4j.Driver]:
    yield load_shared_graph(driver, neo4j_server, tmp_path_factory, PAPER, V1)


def _key(raw: str) -> str:
    value = raw.strip().rstrip("/")
    if value.lower().startswith(HUB):
        value = value[len(HUB):]
    return value.lower()


def _models() -> pd.DataFrame:
    """One row per distinct (case-folded) model id, from its most recently modified line (the
    loader's newer-wins rule), with its declared parent keys."""
    rows = []
    with open(PAPER / "models.jsonl", encoding="utf-8") as f:
        for line in f:
            rec: dict[str, Any] = json.loads(line)
            base = (rec.get("cardData") or {}).get("base_model")
            named = [base] if isinstance(base, str) else list(base or [])
            named += [t.rsplit(":", 1)[1] for t in rec.get("tags", [])
                      if t.startswith("base_model:")]
            key = rec["id"].lower()
            rows.append({"key": key, "modified": rec["lastModified"],
                         "parents": {_key(p) for p in named} - {key}})
    df = pd.DataFrame(rows).sort_values("modified", kind="stable")
    return df.drop_duplicates("key", keep="last").reset_index(drop=True)


def test_single_contributor_share(paper: neo4j.Driver, database: str,
                                  shared_data: Path) -> None:
    commits = pd.read_json(PAPER / "commits.jsonl", lines=True)
    commits["key"] = commits["model"].str.lower()
    commits["author"] = commits["authors"].str[0]
    commits = commits[~commits["author"].map(is_bot)]
    commits = commits[commits["key"].isin(set(_models()["key"]))]
    per_model = commits.groupby("key")["author"].agg(lambda a: a.str.lower().nunique())
    summary = analytics.contributor_summary(paper, database).iloc[0]
    assert summary["models"] == len(per_model)
    assert summary["singleContributorShare"] == pytest.approx((per_model == 1).mean())
    assert summary["meanContributors"] == pytest.approx(per_model.mean())
    dist = analytics.contributors_per_model(paper, database)
    assert dist.set_index("contributors")["models"].to_dict() == \
        per_model.value_counts().sort_index().to_dict()


def test_derivatives_of_the_top_base_model(paper: neo4j.Driver, database: str,
                                          shared_data: Path) -> None:
    top = analytics.top_base_models(paper, database, limit=1).iloc[0]
    models = _models()
    children = models[models["parents"].map(lambda p: top["model"].lower() in p)]
    assert top["model"] == "mistralai/Mistral-7B-v0.1"
    assert top["directDerivatives"] == len(children)


def test_score_deltas_against_the_parent(paper: neo4j.Driver, database: str,
                                        shared_data: Path) -> None:
    v1 = pd.read_csv(V1, usecols=["fullname", "Average ⬆️"])
    best = v1.assign(key=v1["fullname"].str.lower()).groupby("key")["Average ⬆️"].max()
    edges = _models().explode("parents").dropna()
    edges = edges[edges["key"].isin(best.index) & edges["parents"].isin(best.index)]
    deltas = best.loc[edges["key"]].to_numpy() - best.loc[edges["parents"]].to_numpy()
    pairs = analytics.scored_pairs(paper, database, leaderboard="v1")
    assert len(pairs) == len(edges)
    assert pairs["delta"].median() == pytest.approx(pd.Series(deltas).median())
    assert (pairs["delta"] > 0).mean() == pytest.approx((deltas > 0).mean())
