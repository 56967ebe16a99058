"""Dashboard filters (issue 16) in the size and score queries, each filtered answer recomputed in
pandas from the small graph's input records (tests/fixtures/analytics/small_graph.json) by the
filter's documented meaning: on pairs the derivative (child) and the pair's edge, on the frontier
the scored model (fronts recomputed among the kept models), on score_coverage both counts, on the
family best its members."""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable
from typing import Any

import neo4j
import pandas as pd
import pytest

from hflineage.cypher import registry
from hflineage.db.schema import init_schema, wipe_database
from tests.fixtures.analytics.graph import HERE, build

Row = tuple[Any, ...]
Filters = dict[str, Any]

RAW = json.loads((HERE / "small_graph.json").read_text(encoding="utf-8"))
MODELS = pd.DataFrame(RAW["models"]).set_index("id")
MODELS["category"] = MODELS["license"].map(
    {r["id"]: r["category"] for r in RAW["licenses"]}).fillna("unknown")
MODELS["month"] = MODELS["createdAt"].str[:7]
MODELS["deleted"] = MODELS["deleted"].fillna(False).astype(bool)
EDGES = pd.DataFrame(RAW["derived"])
SCORES = pd.DataFrame(RAW["scores"]).fillna({"leaderboard": "v1"})
DATASETS = pd.DataFrame(RAW["datasets"]).groupby("model").size()
SMALLER = 0.95  # 1 - the default $tolerance

# The standard declaration of each filter: its type and the shape of its doc.
FILTER_LINES = {
    "architecture": ("str", r"only .+ with this architecture \(.*exact name\); "
                            r"null: every architecture"),
    "licenseCategory": ("enum(permissive|copyleft|non-commercial|custom/restricted|unknown)",
                        r"only .+ of this licence category \(no licence: unknown\); "
                        r"null: every category"),
    "since": ("month", r"first creation month of .+, YYYY-MM; null: no lower bound "
                     r"\(when set, .+ without createdAt are left out\)"),
    "until": ("month", r"last creation month of .+, YYYY-MM; null: no upper bound "
                     r"\(when set, .+ without createdAt are left out\)"),
    "relation": ("enum(finetune|adapter|quantized|merge|unknown)",
                 r"only derivation edges of this relation: .+; null: every relation"),
}
MODEL_FILTERS = {"architecture", "licenseCategory", "since", "until"}
DECLARED = {
    "size_ratio_pairs": set(FILTER_LINES), "size_ratio_per_hop": set(FILTER_LINES),
    "size_ratio_to_root": set(FILTER_LINES), "scored_pairs": set(FILTER_LINES),
    "accuracy_delta_by_relation": set(FILTER_LINES), "accuracy_vs_size_change": set(FILTER_LINES),
    "accuracy_delta_by_dataset_count": set(FILTER_LINES),
    "family_best_score_over_time": set(FILTER_LINES),
    "score_coverage": MODEL_FILTERS, "size_accuracy_frontier": MODEL_FILTERS,
}


# --- the fixture, read as pandas -----------------------------------------------------------

def chosen(f: Filters) -> set[str]:
    """Models passing the model filters: own architecture, licence category (none: unknown),
    creation month within [since, until] (undated models out once either bound is set)."""
    m = MODELS
    if f.get("architecture") is not None:
        m = m[m["architecture"] == f["architecture"]]
    if f.get("licenseCategory") is not None:
        m = m[m["category"] == f["licenseCategory"]]
    if f.get("since") is not None:
        m = m[m["month"].notna() & (m["month"] >= f["since"])]
    if f.get("until") is not None:
        m = m[m["month"].notna() & (m["month"] <= f["until"])]
    return set(m.index)


def live_pairs() -> pd.DataFrame:
    """Derivation edges between two models that are not deleted, with the row architecture
    (child's, else parent's), both parameter counts and both months."""
    p = EDGES[~EDGES["child"].map(MODELS["deleted"]) & ~EDGES["parent"].map(MODELS["deleted"])]
    child_arch = p["child"].map(MODELS["architecture"])
    return p.assign(architecture=child_arch.fillna(p["parent"].map(MODELS["architecture"])),
                    childParameters=p["child"].map(MODELS["parameters"]),
                    parentParameters=p["parent"].map(MODELS["parameters"]))


def filtered_pairs(f: Filters, column_architecture: bool) -> pd.DataFrame:
    """Pairs whose child passes the model filters and whose edge has $relation; the architecture
    filter on the architecture column (child's, else parent's) or on the child's own."""
    p = live_pairs()
    if f.get("relation") is not None:
        p = p[p["relation"] == f["relation"]]
    child_filters = dict(f)
    if column_architecture and f.get("architecture") is not None:
        p = p[p["architecture"] == child_filters.pop("architecture")]
    child_filters.pop("relation", None)
    return p[p["child"].isin(chosen(child_filters))]


def scored(pairs: pd.DataFrame, benchmark: str | None) -> pd.DataFrame:
    """Pairs joined with the scores child and parent have on the same benchmark and board."""
    s = SCORES if benchmark is None else SCORES[SCORES["benchmark"] == benchmark]
    out = pairs.merge(s.rename(columns={"model": "child", "score": "childScore"}), on="child")
    out = out.merge(s.rename(columns={"model": "parent", "score": "parentScore"}),
                    on=["parent", "benchmark", "leaderboard"])
    return out.assign(delta=out["childScore"] - out["parentScore"])


def reached(root: str, relation: str | None, max_depth: int) -> dict[str, tuple[int, str]]:
    """Models below root by a chain of edges (every edge of relation, if given): the shortest
    distance and the relation of the edge that reaches the model on that chain."""
    found: dict[str, tuple[int, str]] = {}
    layer = [root]
    for depth in range(1, max_depth + 1):
        below = EDGES[EDGES["parent"].isin(layer)]
        if relation is not None:
            below = below[below["relation"] == relation]
        layer = []
        for child, rel in zip(below["child"], below["relation"], strict=True):
            if child != root and child not in found:
                found[child] = (depth, rel)
                layer.append(child)
    return found


def delta_stats(g: pd.DataFrame) -> dict[str, Any]:
    return {"pairs": len(g), "medianDelta": g["delta"].median(), "meanDelta": g["delta"].mean(),
            "shareImproved": (g["delta"] > 0).mean()}


def ratio_stats(ratios: pd.Series) -> dict[str, Any]:
    return {"minRatio": ratios.min(), "p25Ratio": ratios.quantile(0.25),
            "medianRatio": ratios.median(), "p75Ratio": ratios.quantile(0.75),
            "maxRatio": ratios.max(), "meanRatio": ratios.mean()}


# --- expected answers, from the documented definitions -----------------------------------

def expect_size_ratio_per_hop(f: Filters) -> list[dict[str, Any]]:
    """Comparable pairs (not quantized: the fixture flags no count) give the statistics; the
    quantized ones are only counted. A derivative is smaller when all its pairs in the row are."""
    p = filtered_pairs(f, column_architecture=True)
    p = p[(p["childParameters"] > 0) & (p["parentParameters"] > 0)]
    p = p.assign(ratio=p["childParameters"] / p["parentParameters"],
                 comparable=p["relation"] != "quantized")
    if not f.get("byArchitecture"):
        p = p.assign(architecture=None)
    rows = []
    for (relation, arch), g in p.groupby(["relation", "architecture"], dropna=False):
        c = g[g["comparable"]]
        smaller = c["ratio"] < SMALLER
        rows.append({"relation": relation, "architecture": arch, "pairs": len(c),
                     "derivatives": c["child"].nunique(), **ratio_stats(c["ratio"]),
                     "smallerPairs": int(smaller.sum()),
                     "smallerDerivatives": int(smaller.groupby(c["child"]).all().sum()),
                     "excludedPairs": len(g) - len(c)})
    return rows


def expect_size_ratio_to_root(f: Filters) -> list[dict[str, Any]]:
    """Each root (no parent, a parameter count, not deleted) against every derivative below it,
    at its shortest chain's length; the derivative filtered, the chain of $relation only."""
    roots = MODELS[(MODELS["parameters"] > 0) & ~MODELS["deleted"]
                   & ~MODELS.index.isin(list(EDGES["child"]))]
    keep = chosen(f)
    pairs = []
    for root, r in roots.iterrows():
        for d, (generation, rel) in reached(str(root), f.get("relation"), 10).items():
            m = MODELS.loc[d]
            if m["parameters"] > 0 and not m["deleted"] and d in keep:
                pairs.append({"generation": generation, "d": d, "quantized": rel == "quantized",
                              "ratio": m["parameters"] / r["parameters"]})
    rows = []
    for gen, g in pd.DataFrame(pairs).groupby("generation"):
        c = g[~g["quantized"]]
        stats = ratio_stats(c["ratio"])
        rows.append({"generation": gen, "pairs": len(c), "derivatives": c["d"].nunique(),
                     **{k: stats[k] for k in ("p25Ratio", "medianRatio", "p75Ratio",
                                              "meanRatio")},
                     "smallerPairs": int((c["ratio"] < SMALLER).sum()),
                     "excludedPairs": len(g) - len(c)})
    return rows


def expect_score_coverage(f: Filters) -> list[dict[str, Any]]:
    """Per board: kept models scored on Average, out of every kept model (stubs too)."""
    kept = chosen(f) & set(MODELS.index[~MODELS["deleted"]])
    average = SCORES[SCORES["benchmark"] == "Average"]
    return [{"leaderboard": board, "benchmark": "Average",
             "scoredModels": len(set(g["model"]) & kept), "models": len(kept)}
            for board, g in average.groupby("leaderboard")]


def expect_scored_pairs_rows(f: Filters) -> set[tuple[str, str, str]]:
    """The (child, parent, benchmark) of the pairs the filters keep."""
    p = scored(filtered_pairs(f, column_architecture=True), None)
    return set(zip(p["child"], p["parent"], p["benchmark"], strict=True))


def expect_accuracy_delta_by_relation(f: Filters) -> list[dict[str, Any]]:
    p = scored(filtered_pairs(f, column_architecture=True), None)
    keys = ["benchmark", "leaderboard", "relation", "architecture"]
    return [dict(zip(keys, k, strict=True)) | delta_stats(g)
            for k, g in p.groupby(keys, dropna=False)]


def expect_accuracy_vs_size_change(f: Filters) -> list[dict[str, Any]]:
    """Average pairs with both counts, quantized children left out, by size change (±5%)."""
    p = scored(filtered_pairs(f, column_architecture=False), "Average")
    p = p[(p["childParameters"] > 0) & (p["parentParameters"] > 0) & (p["relation"] != "quantized")]
    ratio = p["childParameters"] / p["parentParameters"]
    p = p.assign(ratio=ratio, sizeChange=ratio.map(
        lambda r: "smaller" if r < SMALLER else "larger" if r > 2 - SMALLER else "same"))
    return [{"leaderboard": board, "relation": rel, "sizeChange": change,
             "medianSizeRatio": g["ratio"].median()} | delta_stats(g)
            for (board, rel, change), g in p.groupby(["leaderboard", "relation", "sizeChange"])]


def expect_accuracy_delta_by_dataset_count(f: Filters) -> list[dict[str, Any]]:
    p = scored(filtered_pairs(f, column_architecture=False), "Average")
    p = p.assign(datasets=p["child"].map(DATASETS).fillna(0).astype(int))
    return [{"leaderboard": board, "datasets": n} | delta_stats(g)
            for (board, n), g in p.groupby(["leaderboard", "datasets"])]


def on_front(points: pd.DataFrame, model: str) -> bool:
    """Every other point with at most as many parameters scores lower (ties: first by id)."""
    me = points.loc[model]
    for other, o in points.drop(index=model).iterrows():
        tie_before = (o["parameters"] == me["parameters"] and o["score"] == me["score"]
                      and str(other) < model)
        if o["parameters"] <= me["parameters"] and (o["score"] > me["score"] or tie_before):
            return False
    return True


def frontier_points(f: Filters) -> pd.DataFrame:
    """Average scores of kept models with a parameter count; architecture own, else a parent's."""
    arch = MODELS["architecture"].fillna(
        EDGES.assign(a=EDGES["parent"].map(MODELS["architecture"]))
        .dropna(subset=["a"]).groupby("child")["a"].first())
    s = SCORES[(SCORES["benchmark"] == "Average") & SCORES["model"].isin(
        chosen({k: v for k, v in f.items() if k != "architecture"}))]
    s = s.join(MODELS[["parameters", "month", "deleted"]], on="model")
    s = s[(s["parameters"] > 0) & ~s["deleted"]].assign(architecture=s["model"].map(arch))
    if f.get("architecture") is not None:
        s = s[s["architecture"] == f["architecture"]]
    return s.set_index("model")


def expect_size_accuracy_frontier(f: Filters) -> list[dict[str, Any]]:
    rows = []
    for board, pts in frontier_points(f).groupby("leaderboard"):
        for model, p in pts.iterrows():
            same = pts[pts["architecture"].fillna("") == (p["architecture"] or "")]
            released = None if pd.isna(p["month"]) else on_front(
                pts[pts["month"].notna() & (pts["month"] <= p["month"])], str(model))
            rows.append({"leaderboard": board, "model": model,
                         "architecture": p["architecture"], "parameters": p["parameters"],
                         "score": p["score"], "month": p["month"],
                         "onFront": on_front(pts, str(model)),
                         "onArchitectureFront": on_front(same, str(model)),
                         "onFrontWhenReleased": released})
    return rows


def expect_family_best_score_over_time(f: Filters) -> list[dict[str, Any]]:
    """meta/Llama-7B and its live descendants (chains of $relation) that pass the model
    filters, dated and scored on Average; the best so far month by month, per board."""
    below = reached("meta/Llama-7B", f.get("relation"), 10)
    members = ({"meta/Llama-7B"} | {d for d in below if not MODELS.loc[d, "deleted"]}) \
        & chosen(f) & set(MODELS.index[MODELS["month"].notna()])
    s = SCORES[(SCORES["benchmark"] == "Average") & SCORES["model"].isin(members)]
    s = s.assign(month=s["model"].map(MODELS["month"]))
    rows = []
    for board, b in s.groupby("leaderboard"):
        best: tuple[float, str] | None = None
        for month, g in b.sort_values(["score", "model"], ascending=[False, True]) \
                .groupby("month", sort=True):
            top = (float(g["score"].iloc[0]), str(g["model"].iloc[0]))
            best = top if best is None or top[0] > best[0] else best
            rows.append({"leaderboard": board, "month": month, "scoredModels": len(g),
                         "monthBest": top[0], "familyBest": best[0], "bestModel": best[1]})
    return rows


EXPECT: dict[str, Callable[[Filters], list[dict[str, Any]]]] = {
    "size_ratio_per_hop": expect_size_ratio_per_hop,
    "size_ratio_to_root": expect_size_ratio_to_root,
    "score_coverage": expect_score_coverage,
    "accuracy_delta_by_relation": expect_accuracy_delta_by_relation,
    "accuracy_vs_size_change": expect_accuracy_vs_size_change,
    "accuracy_delta_by_dataset_count": expect_accuracy_delta_by_dataset_count,
    "size_accuracy_frontier": expect_size_accuracy_frontier,
    "family_best_score_over_time": expect_family_best_score_over_time,
}
ANCHOR = {"family_best_score_over_time": {"model": "meta/llama-7b"}}


# --- running the queries ------------------------------------------------------------------

def norm(value: Any) -> Any:
    """Numbers as floats rounded to 6 places, NaN as None, numpy scalars as Python values."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return None if math.isnan(value) else round(float(value), 6)
    return value


def as_rows(name: str, dicts: list[dict[str, Any]]) -> list[Row]:
    cols = registry()[name].columns
    return sorted((tuple(norm(d[c]) for c in cols) for d in dicts), key=repr)


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: Any) -> neo4j.Driver:
    wipe_database(driver, neo4j_server.database)
    init_schema(driver, neo4j_server.database)
    build(driver, neo4j_server.database)
    return driver


def run(driver: neo4j.Driver, database: str, name: str, params: Filters) -> list[Row]:
    q = registry()[name]
    records = driver.execute_query(q.text, q.bind(ANCHOR.get(name, {}) | params),
                                   database_=database, routing_=neo4j.RoutingControl.READ).records
    return as_rows(name, [r.data() for r in records])


@pytest.fixture(scope="module")
def unfiltered(small: neo4j.Driver, neo4j_server: Any) -> Callable[[str], list[Row]]:
    """Each query's rows without a filter, read once per module."""
    @functools.cache
    def rows(name: str) -> list[Row]:
        extra = {"benchmark": None} if name == "scored_pairs" else {}
        return run(small, neo4j_server.database, name, extra)
    return rows


# --- tests --------------------------------------------------------------------------------

def test_fixture_has_no_count_flags() -> None:
    """The recomputations leave out only quantized pairs: the fixture marks no other count."""
    assert not MODELS.columns.intersection(["parametersFlag", "quantizedStorage"]).size


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_filters_are_declared_the_same_way_everywhere(name: str) -> None:
    params = {p.name: p for p in registry()[name].params}
    assert set(params) & {*FILTER_LINES, "includeStubs"} == DECLARED[name]
    for key in DECLARED[name]:
        p, (kind, doc) = params[key], FILTER_LINES[key]
        assert (p.type, p.default, p.required) == (kind, None, False), (name, key)
        assert re.fullmatch(doc, p.doc), (name, key, p.doc)
    assert {"benchmark", "leaderboard"} <= set(params) or name.startswith("size_ratio")


CASES: list[Filters] = [
    {"architecture": "LlamaForCausalLM"}, {"architecture": "MistralForCausalLM"},
    {"licenseCategory": "permissive"}, {"licenseCategory": "custom/restricted"},
    {"since": "2023-06"}, {"until": "2023-03"}, {"since": "2023-03", "until": "2023-10"},
    {"relation": "finetune"}, {"relation": "merge"},
    {"architecture": "LlamaForCausalLM", "relation": "finetune", "licenseCategory": "permissive"},
]


def applicable(name: str) -> list[Filters]:
    return [f for f in CASES if set(f) <= DECLARED[name]]


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_defaults_give_the_documented_answer(unfiltered: Callable[[str], list[Row]],
                                             name: str) -> None:
    """No filter: the recomputation itself agrees with the query (so it is a fair oracle)."""
    assert unfiltered(name) == as_rows(name, EXPECT[name]({}))


@pytest.mark.parametrize(("name", "filters"),
                         [(n, f) for n in sorted(EXPECT) for f in applicable(n)],
                         ids=lambda v: v if isinstance(v, str) else "-".join(map(str, v.values())))
def test_aggregate_filtered_equals_recomputation(
        small: neo4j.Driver, database: str, unfiltered: Callable[[str], list[Row]], name: str,
        filters: Filters) -> None:
    got = run(small, database, name, filters)
    assert got == as_rows(name, EXPECT[name](filters))
    assert got != unfiltered(name), "the filter must change the answer here"


def test_size_ratio_per_hop_by_architecture(small: neo4j.Driver, database: str) -> None:
    f = {"byArchitecture": True, "architecture": "MistralForCausalLM"}
    got = run(small, database, "size_ratio_per_hop", f)
    assert got == as_rows("size_ratio_per_hop", expect_size_ratio_per_hop(f))
    every = run(small, database, "size_ratio_per_hop", {"byArchitecture": True})
    assert {r[1] for r in got} == {"MistralForCausalLM"} < {r[1] for r in every}


def restrict(rows: list[Row], name: str, keep: Callable[[dict[str, Any]], bool]) -> list[Row]:
    cols = registry()[name].columns
    return [r for r in rows if keep(dict(zip(cols, r, strict=True)))]


def pair_keep(f: Filters) -> Callable[[dict[str, Any]], bool]:
    """A pair row is kept when its architecture column, its relation and its child's
    licence category and month (read from the fixture records) pass the filters."""
    children = chosen({k: v for k, v in f.items() if k in MODEL_FILTERS - {"architecture"}})
    return lambda r: (r["child"] in children
                      and f.get("architecture") in (None, r["architecture"])
                      and f.get("relation") in (None, r["relation"]))


@pytest.mark.parametrize("name", ["size_ratio_pairs", "scored_pairs"])
@pytest.mark.parametrize("filters", CASES, ids=lambda f: "-".join(map(str, f.values())))
def test_pair_rows_filtered_equal_unfiltered_rows_restricted(
        small: neo4j.Driver, database: str, unfiltered: Callable[[str], list[Row]], name: str,
        filters: Filters) -> None:
    extra = {"benchmark": None} if name == "scored_pairs" else {}
    everything = unfiltered(name)
    got = run(small, database, name, extra | filters)
    assert got == restrict(everything, name, pair_keep(filters))
    assert 0 < len(got) < len(everything)


def test_scored_pairs_match_the_fixture_pairs(small: neo4j.Driver, database: str) -> None:
    """The restriction above is checked against rows the recomputation also derives."""
    f = {"architecture": "LlamaForCausalLM", "until": "2023-03"}
    rows = run(small, database, "scored_pairs", {"benchmark": None} | f)
    assert {(r[0], r[1], r[4]) for r in rows} == expect_scored_pairs_rows(f)


def test_frontier_is_recomputed_among_the_kept_models(
        small: neo4j.Driver, database: str, unfiltered: Callable[[str], list[Row]]) -> None:
    """bob/llama-chat-ft (6.3B, 41) is behind the 3.5B GGUF (43) overall; from 2023-06 on the
    GGUF is left out and it leads the front."""
    def flags(rows: list[Row]) -> dict[str, bool]:
        return {r[1]: r[6] for r in rows if r[0] == "v1"}
    everything = flags(unfiltered("size_accuracy_frontier"))
    later = flags(run(small, database, "size_accuracy_frontier", {"since": "2023-06"}))
    assert everything["bob/llama-chat-ft"] is False and later["bob/llama-chat-ft"] is True
