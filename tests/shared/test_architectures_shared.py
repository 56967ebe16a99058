"""Architecture popularity and the report's headline counts on the real paper-2024 snapshot plus
leaderboard v1, against a pandas computation straight from the input files, written from the
README's definitions (not from the loader's code).

paper-2024 has no ``config``, so every architecture comes from v1's ``Architecture`` column (the
README: it sets the architecture when the config has none), from each model's best-Average row;
``?``, ``Unknown`` and empty are no architecture.
"""

from __future__ import annotations

import functools
import json
import re
from collections import deque
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest

from hflineage import analytics
from hflineage.analytics.report import build_report
from tests.browser.test_report import missing_text
from tests.shared import test_analytics_shared as shared
from tests.support.server import TestServer

paper = shared.paper  # the module-scoped graph: paper-2024 + leaderboard v1, via the loader
MAX_DEPTH = 10
HUB = re.compile(r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/", re.IGNORECASE)
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
CANONICAL = {"gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl", "distilgpt2", "bert-base-uncased",
             "t5-small"}  # the Hub's legacy canonical repos (owner-less ids) named here
NO_ARCHITECTURE = {"", "?", "unknown", "none"}
BOT_ACCOUNTS = {"sfconvertbot", "system", "dumbot", "github-actions", "dependabot"}


def parent_key(raw: Any, own: str) -> str | None:
    """A declared parent as a graph key, by the README's id rules; None when it is no id."""
    if not isinstance(raw, str):
        return None
    value = HUB.sub("", raw.strip().rstrip("/"))
    value = re.sub(r"/(?:tree|blob|resolve)/.*$", "", value)
    key = value.lower()
    if "/" not in value:
        return key if key in CANONICAL and key != own else None
    if not HUB_ID.match(value) or "--" in value or ".." in value or key == own:
        return None
    return key


@functools.cache
def models() -> pd.DataFrame:
    """One row per case-folded id from its newest line (newer wins), with its parent keys: the
    union of base_model tags and the card's base_model."""
    rows = []
    with open(shared.PAPER / "models.jsonl", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            key = rec["id"].lower()
            base = (rec.get("cardData") or {}).get("base_model")
            named = [base] if isinstance(base, str) else list(base or [])
            named += [t.split(":", 1)[1] for t in rec.get("tags", [])
                      if t.startswith("base_model:")]
            parents = {p for p in (parent_key(n, key) for n in named) if p}
            rows.append({"key": key, "modified": rec["lastModified"], "parents": parents})
    df = pd.DataFrame(rows).sort_values("modified", kind="stable")
    return df.drop_duplicates("key", keep="last").set_index("key")


@functools.cache
def leaderboard() -> pd.DataFrame:
    """v1's best-Average row per model (ties: the latest submission), by key."""
    v1 = pd.read_csv(shared.V1, usecols=["fullname", "Average ⬆️", "Architecture", "date"])
    v1 = v1.assign(key=v1["fullname"].str.strip().str.lower())
    best = v1.sort_values(["Average ⬆️", "date"], kind="stable", na_position="first")
    return best.drop_duplicates("key", keep="last").set_index("key")


def architectures() -> dict[str, str]:
    """Each v1 model's architecture, from its best row."""
    arch = leaderboard()["Architecture"].fillna("").astype(str).str.strip()
    return {str(k): a for k, a in arch.items() if a.lower() not in NO_ARCHITECTURE}


@functools.cache
def commits() -> pd.DataFrame:
    """Every commit with its model key, lower-cased author and whether the author is a bot: a
    ``bot`` token or a known bot account (README); ``Limerobot`` is a person."""
    c = pd.read_json(shared.PAPER / "commits.jsonl", lines=True)
    c = c.assign(key=c["model"].str.lower(), author=c["authors"].str[0].str.strip().str.lower())
    return c.assign(bot=c["author"].isin(BOT_ACCOUNTS)
                    | c["author"].str.contains(r"(?:^|[^a-z0-9])bot(?:$|[^a-z0-9])"))


def roots_within(key: str, parents: dict[str, set[str]]) -> set[str]:
    """The models without a parent that ``key`` descends from within MAX_DEPTH generations."""
    seen, found, queue = {key: 0}, set(), deque([key])
    while queue:
        node = queue.popleft()
        ups = parents.get(node, set())
        if not ups and node != key:
            found.add(node)
        for up in ups:
            if up not in seen and seen[node] < MAX_DEPTH:
                seen[up] = seen[node] + 1
                queue.append(up)
    return found


@functools.cache
def lineage() -> tuple[pd.Series, pd.DataFrame]:
    """The base models (every graph node without a parent: described, named as a parent, committed
    to or on the leaderboard) with their architecture or None, and every (architecture, derivative)
    attribution: a derivative counts under each root it descends from within MAX_DEPTH."""
    m = models()
    parents: dict[str, set[str]] = {str(k): p for k, p in m["parents"].items() if p}
    arch = architectures()
    nodes = (set(m.index) | set().union(*parents.values()) | set(commits()["key"])
             | set(leaderboard().index))
    bases = pd.Series({k: arch.get(k) for k in nodes if k not in parents}, dtype=object)
    pairs = pd.DataFrame([(arch.get(r), d) for d in parents for r in roots_within(d, parents)],
                         columns=["architecture", "key"]).drop_duplicates()
    return bases, pairs


def expected_by_architecture() -> pd.DataFrame:
    """baseModels, derivatives, contributors, commits and derivativeOrganizations per
    architecture of the base model ("∅": base models with no architecture)."""
    bases, pairs = lineage()
    pairs = pairs.fillna({"architecture": "∅"})
    humans = commits().loc[lambda c: ~c["bot"], ["key", "author"]]
    done = pairs.merge(humans, on="key", how="left").groupby("architecture")["author"]
    return pd.DataFrame({
        "baseModels": bases.fillna("∅").value_counts(),
        "derivatives": pairs.groupby("architecture")["key"].size(),
        "contributors": done.nunique(),
        "commits": done.count(),
        "derivativeOrganizations": pairs.assign(org=pairs["key"].str.split("/").str[0])
        .groupby("architecture")["org"].nunique(),
    }).fillna(0).astype(int)


@pytest.fixture(scope="module")
def by_architecture(paper: neo4j.Driver, neo4j_server: TestServer) -> pd.DataFrame:
    df = analytics.top_architectures(paper, neo4j_server.database, limit=1_000_000)
    return df.fillna({"architecture": "∅"}).set_index("architecture")


def test_one_row_per_architecture_none_last(by_architecture: pd.DataFrame) -> None:
    assert by_architecture.index.is_unique
    assert by_architecture.index[-1] == "∅"
    named = by_architecture.drop(index="∅")
    assert named["derivatives"].is_monotonic_decreasing


def test_derivatives_and_contributors_per_architecture(by_architecture: pd.DataFrame,
                                                       shared_data: Path) -> None:
    expected = expected_by_architecture()
    got = by_architecture[list(expected.columns)].astype(int)
    assert got.sort_index().to_dict("index") == expected.sort_index().to_dict("index")


def test_leader_by_contributors(paper: neo4j.Driver, database: str, shared_data: Path) -> None:
    expected = expected_by_architecture().drop(index="∅")
    top = analytics.top_architectures(paper, database, limit=1, rankBy="contributors")
    assert top["architecture"].iloc[0] == expected["contributors"].idxmax()
    assert top["contributors"].iloc[0] == expected["contributors"].max()
    assert pd.isna(top["architecture"].iloc[-1]) and len(top) == 2


def test_distinct_merges_and_coverage(paper: neo4j.Driver, database: str,
                                      shared_data: Path) -> None:
    m = models()
    counts = analytics.derivative_counts(paper, database).iloc[0]
    assert counts["merges"] == (m["parents"].map(len) >= 2).sum() == 679
    assert counts["derivatives"] == (m["parents"].map(len) >= 1).sum()
    bases, pairs = lineage()
    assert (counts["baseModels"], counts["baseModelsWithArchitecture"]) == (
        len(bases), bases.notna().sum())
    assert counts["derivativesWithArchitecture"] == \
        pairs.dropna(subset=["architecture"])["key"].nunique()


def test_report_has_no_missing_value_text(paper: neo4j.Driver, database: str,
                                          tmp_path: Path, shared_data: Path) -> None:
    index = build_report(paper, tmp_path / "report", database, families=3)
    assert missing_text(index) == []
    page = index.read_text(encoding="utf-8")
    assert "merge 679" in page
