"""Dashboard filters (issue 16) on the community queries: contributors per model, the
contributor summary, top contributors, popularity against the parent, organization flows and
top datasets. Each filtered result is recomputed in pandas from the fixture's records
(tests/fixtures/analytics/small_graph.json plus one commit to the stub) by the documented
meaning of the filter, and each filter case is checked to remove something."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import neo4j
import pandas as pd
import pytest

from hflineage.analytics.queries import run_query
from hflineage.cypher import load
from hflineage.errors import QueryParameterError
from tests.fixtures.analytics.graph import HERE, build

# bob's commit to the stub google/gemma-7b: a stub known from commits (no licence, no date).
EXTRA = {"commits": [{"contributor": "hub:bob", "model": "google/gemma-7b", "commits": 2,
                      "first": "2024-02-01", "last": "2024-02-02"}]}
MODEL_FILTERS = {"architecture", "licenseCategory", "since", "until"}
ALL = 1000  # a $limit above every row count of the fixture


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: Any) -> neo4j.Driver:
    from hflineage.db.schema import init_schema, wipe_database

    wipe_database(driver, neo4j_server.database)
    init_schema(driver, neo4j_server.database)
    build(driver, neo4j_server.database, EXTRA)
    return driver


# --- the fixture's records --------------------------------------------------------------------

def records() -> dict[str, pd.DataFrame]:
    raw = json.loads((HERE / "small_graph.json").read_text())
    for key, rows in EXTRA.items():
        raw[key] = raw[key] + rows
    return {key: pd.DataFrame(rows) for key, rows in raw.items()}


RAW = records()


def models() -> pd.DataFrame:
    """One row per model: its licence category (none: unknown), month, deleted and stub flags."""
    m = RAW["models"].copy()
    category = dict(zip(RAW["licenses"]["id"], RAW["licenses"]["category"], strict=True))
    m["category"] = m["license"].map(category).fillna("unknown")
    m["month"] = m["createdAt"].str[:7]
    m["deleted"] = m["deleted"].fillna(False).astype(bool)
    m["stub"] = m["stub"].fillna(False).astype(bool)
    return m.set_index("id")


MODELS = models()


def in_scope(f: dict[str, Any]) -> set[str]:
    """Model ids kept by the model filters, by their documented meaning."""
    m = MODELS
    keep = pd.Series(True, index=m.index)
    if f.get("architecture") is not None:
        keep &= m["architecture"] == f["architecture"]
    if f.get("licenseCategory") is not None:
        keep &= m["category"] == f["licenseCategory"]
    if f.get("since") is not None:
        keep &= m["month"].notna() & (m["month"] >= f["since"])
    if f.get("until") is not None:
        keep &= m["month"].notna() & (m["month"] <= f["until"])
    return set(m.index[keep])


def live(ids: pd.Series) -> pd.Series:
    return ids.map(MODELS["deleted"]).eq(False)


def human_commits(f: dict[str, Any], *, bots: bool = False, stubs: bool = True) -> pd.DataFrame:
    """Commits (one row per contributor and model) to live in-scope models."""
    who = RAW["contributors"].assign(key=lambda d: d["kind"] + ":" + d["name"].str.lower(),
                                     isBot=lambda d: d["isBot"].fillna(False).astype(bool))
    c = RAW["commits"].merge(who, left_on="contributor", right_on="key")
    c = c[(bots | ~c["isBot"]) & live(c["model"]) & c["model"].isin(in_scope(f))]
    return c if stubs else c[c["model"].map(MODELS["stub"]).eq(False)]


def pairs(f: dict[str, Any]) -> pd.DataFrame:
    """Derivation edges with both ends live, filtered on the child and the relation."""
    d = RAW["derived"]
    d = d[live(d["child"]) & live(d["parent"]) & d["child"].isin(in_scope(f))]
    return d if f.get("relation") is None else d[d["relation"] == f["relation"]]


# --- the expected results, from the documented definitions -----------------------------------

def per_model(f: dict[str, Any]) -> pd.Series:
    c = human_commits(f, stubs=bool(f.get("includeStubs")))
    return c.groupby("model")["name"].nunique()


def expect_contributors_per_model(f: dict[str, Any]) -> list[tuple[Any, ...]]:
    counts = per_model(f).value_counts().sort_index()
    return [(k, v, v / counts.sum()) for k, v in counts.items()]


def expect_contributor_summary(f: dict[str, Any]) -> list[tuple[Any, ...]]:
    s = per_model(f)
    if s.empty:
        return [(0, None, None, None, None)]
    return [(len(s), s.mean(), s.median(), int(s.max()), (s == 1).mean())]


def expect_top_contributors(f: dict[str, Any]) -> list[tuple[Any, ...]]:
    c = human_commits(f, bots=bool(f.get("includeBots")))
    c = c.assign(org=MODELS.loc[c["model"], "org"].to_numpy())
    g = c.groupby(["name", "kind", "isBot"]).agg(
        models=("model", "nunique"), commits=("commits", "sum"), organizations=("org", "nunique"),
        firstCommit=("first", "min"), lastCommit=("last", "max"),
        organizationNames=("org", lambda o: sorted(set(o.dropna())))).reset_index()
    g = g.sort_values(["models", "commits", "name"], ascending=[False, False, True])
    return [tuple(r) for r in g.itertuples(index=False)]


def expect_popularity_vs_parent(f: dict[str, Any]) -> list[tuple[Any, ...]]:
    d = pairs(f)
    child, parent = MODELS.loc[d["child"]], MODELS.loc[d["parent"]]
    d = d.assign(cd=child["downloads"].to_numpy(), pd_=parent["downloads"].to_numpy(),
                 cl=child["likes"].to_numpy(), pl=parent["likes"].to_numpy())
    d = d[d["cd"].notna() & d["pd_"].notna()]
    return [(rel, len(g), g["cd"].median(), g["pd_"].median(), g["cl"].median(),
             g["pl"].median(), (g["cd"] > g["pd_"]).mean())
            for rel, g in d.groupby("relation")]


def expect_org_flows(f: dict[str, Any]) -> list[tuple[Any, ...]]:
    d = pairs(f)
    d = d.assign(po=MODELS.loc[d["parent"], "org"].to_numpy(),
                 co=MODELS.loc[d["child"], "org"].to_numpy())
    d = d[d["po"].notna() & d["co"].notna() & (d["po"] != d["co"])]
    out = [(po, co, g["child"].nunique(),
            *(g.loc[g["relation"] == r, "child"].nunique()
              for r in ("finetune", "adapter", "quantized", "merge")))
           for (po, co), g in d.groupby(["po", "co"])]
    return sorted(out, key=lambda r: (-r[2], r[0], r[1]))


def expect_top_datasets(f: dict[str, Any]) -> list[tuple[Any, ...]]:
    t = RAW["datasets"]
    t = t[live(t["model"]) & t["model"].isin(in_scope(f))]
    t = t.assign(derived=t["model"].isin(set(RAW["derived"]["child"])),
                 org=MODELS.loc[t["model"], "org"].to_numpy())
    out = [(ds, g["model"].nunique(), g.loc[g["derived"], "model"].nunique(), g["org"].nunique())
           for ds, g in t.groupby("dataset")]
    return sorted(out, key=lambda r: (-r[1], r[0]))


EXPECT: dict[str, Callable[[dict[str, Any]], list[tuple[Any, ...]]]] = {
    "contributors_per_model": expect_contributors_per_model,
    "contributor_summary": expect_contributor_summary,
    "top_contributors": expect_top_contributors,
    "popularity_vs_parent": expect_popularity_vs_parent,
    "org_flows": expect_org_flows,
    "top_datasets": expect_top_datasets,
}
PAIR_QUERIES = {"popularity_vs_parent", "org_flows"}


# --- running the queries -----------------------------------------------------------------------

def normal(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float):
        return round(value, 6)
    return value.item() if hasattr(value, "item") else value


def run(driver: neo4j.Driver, database: str, name: str, f: dict[str, Any]
        ) -> list[tuple[Any, ...]]:
    params = f | ({"limit": ALL} if any(p.name == "limit" for p in load(name).params) else {})
    df = run_query(driver, name, params, database)
    return [tuple(normal(v) for v in row) for row in df.itertuples(index=False)]


def expected(name: str, f: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [tuple(normal(v) for v in row) for row in EXPECT[name](f)]


MODEL_CASES: list[dict[str, Any]] = [
    {"architecture": "LlamaForCausalLM"},
    {"architecture": "MistralForCausalLM"},
    {"licenseCategory": "permissive"},
    {"licenseCategory": "custom/restricted"},
    {"licenseCategory": "unknown"},
    {"since": "2023-06"},
    {"until": "2023-03"},
    {"since": "2023-03", "until": "2023-06"},
    {"architecture": "LlamaForCausalLM", "licenseCategory": "permissive", "since": "2023-03"},
]
RELATION_CASES: list[dict[str, Any]] = [
    {"relation": "finetune"}, {"relation": "merge"},
    {"relation": "finetune", "architecture": "LlamaForCausalLM"},
]
# The stub rule of the contributor distribution, combined with the model filters.
STUB_CASES: list[dict[str, Any]] = [
    {"includeStubs": True}, {"includeStubs": True, "licenseCategory": "unknown"},
]
CASES = ([(n, f) for n in EXPECT for f in MODEL_CASES]
         + [(n, f) for n in sorted(PAIR_QUERIES) for f in RELATION_CASES]
         + [(n, f) for n in ("contributors_per_model", "contributor_summary")
            for f in STUB_CASES]
         + [("top_contributors", {"includeBots": True, "architecture": "MistralForCausalLM"})])


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_defaults_match_the_unfiltered_definition(small: neo4j.Driver, database: str,
                                                  name: str) -> None:
    assert run(small, database, name, {}) == expected(name, {})


@pytest.mark.parametrize(("name", "f"), CASES, ids=[f"{n}-{f}" for n, f in CASES])
def test_filter_matches_its_recomputation(small: neo4j.Driver, database: str, name: str,
                                          f: dict[str, Any]) -> None:
    got = run(small, database, name, f)
    assert got == expected(name, f)
    assert got != run(small, database, name, {}), "this filter removes nothing in the fixture"


def test_top_contributors_counts_only_in_scope_models(small: neo4j.Driver, database: str) -> None:
    """bob commits to five live Llama/Mistral/Gemma models and the stub; under Mistral only his
    merge counts, with its one commit and its one organization; metadev (Llama only) drops out."""
    rows = {r[0]: r for r in run(small, database, "top_contributors",
                                 {"architecture": "MistralForCausalLM"})}
    assert rows["bob"][3:] == (1, 1, 1, "2023-11-05", "2023-11-05", ["bob"])
    assert "metadev" not in rows
    everything = {r[0]: r for r in run(small, database, "top_contributors", {})}
    assert everything["bob"][3] == 6  # with the stub google/gemma-7b


def test_filter_declarations() -> None:
    for name in EXPECT:
        declared = {p.name for p in load(name).params}
        assert declared >= MODEL_FILTERS, name
        assert ("relation" in declared) == (name in PAIR_QUERIES), name
        assert ("includeStubs" in declared) == (name in {"contributors_per_model",
                                                         "contributor_summary"}), name


def test_unknown_licence_category_is_a_one_line_error(small: neo4j.Driver, database: str) -> None:
    with pytest.raises(QueryParameterError, match=r"^\$licenseCategory must be one of .*'open'$"):
        run_query(small, "top_datasets", {"licenseCategory": "open"}, database)
