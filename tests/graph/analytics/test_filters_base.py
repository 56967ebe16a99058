"""Dashboard filters (issue 16) on the base-model and growth queries: each filtered result equals
a recomputation in pandas from the fixture records (tests/fixtures/analytics/small_graph.json plus
EXTRA), by each query's documented definition and each filter's documented meaning."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

import neo4j
import pandas as pd
import pytest

from hflineage.cypher import load
from hflineage.db.schema import init_schema, wipe_database
from hflineage.errors import QueryParameterError
from tests.fixtures.analytics.graph import build, spec
from tests.support.server import TestServer

# An adapter of carol/scratch-1b dated before it (an anomaly), without architecture, by a new
# contributor: the architecture filter must drop dave, a since filter must keep the anomaly out.
# bob/llama-mix is a finetune of one parent and a merge of another: a finetune chain reaches a
# model that also has a merge edge.
EXTRA: dict[str, list[dict[str, Any]]] = {
    "models": [{"id": "carol/early-lora", "org": "carol", "parameters": 20000000,
                "createdAt": "2023-05-01", "downloads": 3, "likes": 0, "license": "mit",
                "gated": False},
               {"id": "bob/llama-mix", "org": "bob", "createdAt": "2023-07-01",
                "license": "apache-2.0"}],
    "derived": [{"child": "carol/early-lora", "parent": "carol/scratch-1b",
                 "relation": "adapter"},
                {"child": "bob/llama-mix", "parent": "meta/llama-7b-chat", "relation": "finetune"},
                {"child": "bob/llama-mix", "parent": "alice/llama-ft", "relation": "merge"}],
    "contributors": [{"name": "dave", "kind": "hub"}],
    "commits": [{"contributor": "hub:dave", "model": "carol/early-lora", "commits": 4,
                 "first": "2023-05-02", "last": "2023-05-03"}],
}
DATA = spec(EXTRA)
RELATIONS = ("finetune", "adapter", "quantized", "merge", "unknown")
CATEGORIES = ("permissive", "copyleft", "non-commercial", "custom/restricted", "unknown")
NAMES = ("coverage", "growth_per_month", "derivative_counts", "top_architectures",
         "top_base_models", "derivatives_per_month", "openness_spectrum",
         "time_to_first_derivative")
FILTERS = ("architecture", "licenseCategory", "since", "until", "relation")
MAX_DEPTH = 10  # the queries' default $maxDepth

# Filter values the fixture has; every one removes something from every query's result.
CASES: list[dict[str, str]] = [
    {"architecture": "LlamaForCausalLM"},
    {"architecture": "MistralForCausalLM"},
    {"licenseCategory": "permissive"},
    {"licenseCategory": "custom/restricted"},
    {"since": "2023-03"},
    {"until": "2023-06"},
    {"since": "2023-02", "until": "2023-05"},
    {"relation": "finetune"},
    {"relation": "adapter"},
    {"architecture": "LlamaForCausalLM", "licenseCategory": "custom/restricted",
     "relation": "finetune"},
]


# --- the fixture records as tables ------------------------------------------------------------

def _models() -> pd.DataFrame:
    m = pd.DataFrame(DATA["models"]).set_index("id")
    categories = {lic["id"]: lic["category"] for lic in DATA["licenses"]}
    m["category"] = m["license"].map(categories).fillna("unknown")
    m["month"] = [t.strftime("%Y-%m") if pd.notna(t) else None for t in m["createdAt"]]
    for flag in ("stub", "deleted"):
        m[flag] = m[flag].eq(True)
    return m


MODELS = _models()
RECORD: dict[str, dict[str, Any]] = {r["id"]: r for r in DATA["models"]}


def field(model: str, name: str) -> Any:
    """One field of a model's record; None where the record has none."""
    return RECORD[model].get(name)


EDGES = pd.DataFrame(DATA["derived"])
BOTS = {f"{c['kind']}:{c['name'].lower()}" for c in DATA["contributors"] if c.get("isBot")}
COMMITS = pd.DataFrame(DATA["commits"])
HUMAN_COMMITS = COMMITS[~COMMITS["contributor"].isin(BOTS)]
TRAINED = {d["model"] for d in DATA["datasets"]}


def in_scope(f: dict[str, str]) -> pd.Series:
    """Models that pass the model filters, by their documented meaning."""
    keep = pd.Series(True, index=MODELS.index)
    if "architecture" in f:
        keep &= MODELS["architecture"] == f["architecture"]
    if "licenseCategory" in f:
        keep &= MODELS["category"] == f["licenseCategory"]
    if "since" in f:
        keep &= MODELS["month"].notna() & (MODELS["month"] >= f["since"])
    if "until" in f:
        keep &= MODELS["month"].notna() & (MODELS["month"] <= f["until"])
    return keep


def edges(f: dict[str, str]) -> pd.DataFrame:
    """Derivation edges of the $relation (all without it)."""
    return EDGES[EDGES["relation"] == f["relation"]] if "relation" in f else EDGES


def has_parent(model: str, f: dict[str, str]) -> bool:
    return bool((edges(f)["child"] == model).any())


def is_root(model: str) -> bool:
    return not (EDGES["child"] == model).any()


def descendants(root: str, f: dict[str, str]) -> dict[str, int]:
    """Live descendants reached through edges of the $relation, with their shortest depth."""
    depth: dict[str, int] = {root: 0}
    todo = deque([root])
    e = edges(f)
    while todo:
        node = todo.popleft()
        for child in e.loc[e["parent"] == node, "child"]:
            if child not in depth:
                depth[child] = depth[node] + 1
                todo.append(child)
    return {d: n for d, n in depth.items() if 0 < n <= MAX_DEPTH and not field(d, "deleted")}


def relations_of(model: str, f: dict[str, str], parent: str | None = None) -> set[str]:
    e = edges(f)
    e = e[e["child"] == model]
    return set((e if parent is None else e[e["parent"] == parent])["relation"])


def contributors_of(models: set[str]) -> pd.DataFrame:
    return HUMAN_COMMITS[HUMAN_COMMITS["model"].isin(models)]


def bases(f: dict[str, str]) -> list[str]:
    """Base models: no parent, not deleted (stubs count), in scope."""
    keep = in_scope(f) & ~MODELS["deleted"]
    return [m for m in MODELS.index[keep] if is_root(m)]


# --- recomputations, one per query ------------------------------------------------------------

def coverage(f: dict[str, str]) -> pd.DataFrame:
    m = MODELS[in_scope(f) & ~MODELS["stub"] & ~MODELS["deleted"]]
    if m.empty:
        return pd.DataFrame()
    derivative = pd.Series([has_parent(i, f) for i in m.index], index=m.index)
    has = {"createdAt": m["createdAt"].notna(), "parameters": m["parameters"].fillna(0) > 0,
           "architecture": m["architecture"].notna(), "license": m["license"].notna(),
           "datasets": m.index.to_series().isin(TRAINED),
           "commits": m.index.to_series().isin(set(HUMAN_COMMITS["model"])),
           "organization": m["org"].notna(), "downloads": m["downloads"].notna(),
           "gated": m["gated"].notna()}
    return pd.DataFrame([(name, len(m), int(v.sum()), int(derivative.sum()),
                          int((v & derivative).sum())) for name, v in has.items()],
                        columns=["field", "described", "withField", "derivatives",
                                 "derivativesWithField"])


def growth_per_month(f: dict[str, str]) -> pd.DataFrame:
    scope = in_scope(f) & ~MODELS["deleted"]
    dated = MODELS[scope & ~MODELS["stub"] & MODELS["createdAt"].notna()]
    models = pd.DataFrame({"month": dated["month"],
                           "derivative": [has_parent(i, f) for i in dated.index]})
    commits = HUMAN_COMMITS[HUMAN_COMMITS["model"].isin(set(MODELS.index[scope]))]
    first_commit = commits.groupby("contributor")["first"].min()
    first_model = dated[dated["org"].notna()].groupby("org")["createdAt"].min()
    table = pd.DataFrame({
        "newModels": models.groupby("month").size(),
        "newDerivatives": models.groupby("month")["derivative"].sum(),
        "newContributors": first_commit.map(lambda t: t.strftime("%Y-%m")).value_counts(),
        "newOrganizations": first_model.map(lambda t: t.strftime("%Y-%m")).value_counts(),
    }).fillna(0).astype(int).sort_index()
    for new, total in (("newModels", "totalModels"), ("newContributors", "totalContributors"),
                       ("newOrganizations", "totalOrganizations")):
        table[total] = table[new].cumsum()
    return table.rename_axis("month").reset_index()[list(load("growth_per_month").columns)]


def derivative_counts(f: dict[str, str]) -> pd.DataFrame:
    roots = bases(f)
    reach = {r: set(descendants(r, f)) for r in roots}
    everything = set().union(*reach.values()) if reach else set()
    with_arch = [r for r in roots if field(r, "architecture")]
    by_relation = [sum(1 for d in everything if rel in relations_of(d, f)) for rel in RELATIONS]
    return pd.DataFrame([(len(roots), len(with_arch), len(everything),
                          len(set().union(*(reach[r] for r in with_arch))), *by_relation)],
                        columns=load("derivative_counts").columns)


def _outside_share(pairs: list[tuple[str, str]]) -> float | None:
    known = [(field(r, "org"), field(d, "org")) for r, d in pairs
             if field(r, "org") and field(d, "org")]
    return sum(a != b for a, b in known) / len(known) if known else None


def top_architectures(f: dict[str, str]) -> pd.DataFrame:
    rows = []
    per_arch: dict[str | None, list[str]] = {}
    for r in bases(f):
        per_arch.setdefault(field(r, "architecture"), []).append(r)
    for arch, roots in per_arch.items():
        pairs = [(r, d, n) for r in roots for d, n in descendants(r, f).items()]
        ds = {d for _, d, _ in pairs}
        direct = {(r, d) for r, d, n in pairs if n == 1}
        work = contributors_of(ds)
        orgs = {field(d, "org") for d in ds} - {None}
        rows.append((arch, len(roots), len(ds), work["contributor"].nunique(),
                     int(work["commits"].sum()), len(orgs),
                     _outside_share([(r, d) for r, d, _ in pairs]),
                     len({d for _, d in direct}),
                     *(len({d for r, d in direct if rel in relations_of(d, f, r)})
                       for rel in RELATIONS),
                     *(len({d for d in ds if rel in relations_of(d, f)}) for rel in RELATIONS)))
    return pd.DataFrame(rows, columns=load("top_architectures").columns)


def top_base_models(f: dict[str, str]) -> pd.DataFrame:
    live = set(MODELS.index[~MODELS["deleted"]])
    e = edges(f)
    e = e[e["child"].isin(live) & e["parent"].isin(live)]
    rows = []
    for b in sorted(set(e["parent"]) & set(MODELS.index[in_scope(f)])):
        children = e[e["parent"] == b]
        rows.append((b, field(b, "org"), field(b, "architecture"), bool(field(b, "stub")),
                     is_root(b), children["child"].nunique(),
                     len(descendants(b, f)),
                     *(children.loc[children["relation"] == rel, "child"].nunique()
                       for rel in RELATIONS)))
    return pd.DataFrame(rows, columns=load("top_base_models").columns)


def _architecture(d: str) -> str | None:
    """The derivative's own architecture, else its parents' (the first by name)."""
    own: str | None = field(d, "architecture")
    parents = [field(p, "architecture") for p in EDGES.loc[EDGES["child"] == d, "parent"]]
    return own or min((a for a in parents if a), default=None)


def derivatives_per_month(f: dict[str, str]) -> pd.DataFrame:
    own = {k: v for k, v in f.items() if k != "architecture"}  # that one is on the column
    scope = in_scope(own) & ~MODELS["deleted"] & MODELS["createdAt"].notna()
    e = edges(f)
    pairs = e[e["child"].isin(set(MODELS.index[scope]))][["child", "relation"]]
    pairs = pairs.drop_duplicates().assign(
        month=lambda p: p["child"].map(MODELS["month"]),
        architecture=lambda p: p["child"].map(_architecture))
    if "architecture" in f:
        pairs = pairs[pairs["architecture"] == f["architecture"]]
    return (pairs.groupby(["month", "relation", "architecture"], dropna=False).size()
            .rename("derivatives").reset_index())


def openness_spectrum(f: dict[str, str]) -> pd.DataFrame:
    rows: dict[tuple[str, str], list[tuple[int, int, int, set[str]]]] = {}
    for r in bases(f):
        gated = field(r, "gated")
        key = (str(MODELS.loc[r, "category"]),
               "unknown" if gated is None else str(gated).lower())
        reach = descendants(r, f)
        children = {d for d, n in reach.items() if n == 1}
        rows.setdefault(key, []).append(
            (len(children), len(reach), contributors_of({r})["contributor"].nunique(),
             children))
    out = []
    for (category, gated), group in rows.items():
        direct = sum(g[0] for g in group)
        derived = sum(1 for g in group if g[0] > 0)
        children = set().union(*(g[3] for g in group))
        out.append((category, gated, len(group), derived, direct, sum(g[1] for g in group),
                    direct / len(group), direct / derived if derived else None,
                    sum(g[2] for g in group) / len(group),
                    contributors_of(children)["contributor"].nunique()))
    return pd.DataFrame(out, columns=load("openness_spectrum").columns)


def time_to_first_derivative(f: dict[str, str]) -> pd.DataFrame:
    dated = set(MODELS.index[~MODELS["deleted"] & MODELS["createdAt"].notna()])
    e = edges(f)
    e = e[e["child"].isin(dated) & e["parent"].isin(dated & set(MODELS.index[in_scope(f)]))]
    rows = []
    for b, group in e.groupby("parent"):
        born: datetime = field(str(b), "createdAt")
        children = sorted(group["child"], key=lambda d: (field(d, "createdAt"), d))
        after = [d for d in children if field(d, "createdAt") >= born]
        before = [d for d in children if field(d, "createdAt") < born]
        first: datetime | None = field(after[0], "createdAt") if after else None
        rows.append((b, born, after[0] if after else None, first,
                     (first - born).days if first else None, len(after), len(before), before))
    return pd.DataFrame(rows, columns=load("time_to_first_derivative").columns)


RECOMPUTE: dict[str, Callable[[dict[str, str]], pd.DataFrame]] = {
    "coverage": coverage, "growth_per_month": growth_per_month,
    "derivative_counts": derivative_counts, "top_architectures": top_architectures,
    "top_base_models": top_base_models, "derivatives_per_month": derivatives_per_month,
    "openness_spectrum": openness_spectrum,
    "time_to_first_derivative": time_to_first_derivative,
}
LIMITS = {"top_architectures": 1000, "top_base_models": 1000, "time_to_first_derivative": 1000}


# --- comparing ---------------------------------------------------------------------------------

def normal(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    if isinstance(value, neo4j.time.DateTime | datetime):
        return value.isoformat()[:10]
    if isinstance(value, list | tuple):
        return [normal(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return normal(value.item())
    return value


def rows(df: pd.DataFrame) -> list[tuple[Any, ...]]:
    return sorted((tuple(normal(v) for v in r) for r in df.itertuples(index=False)), key=repr)


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    wipe_database(driver, neo4j_server.database)
    init_schema(driver, neo4j_server.database)
    build(driver, neo4j_server.database, EXTRA)
    return driver


def run(driver: neo4j.Driver, database: str, name: str,
        f: dict[str, str]) -> list[tuple[Any, ...]]:
    q = load(name)
    params = q.bind(f | ({"limit": LIMITS[name]} if name in LIMITS else {}))
    records, _, _ = driver.execute_query(q.text, params, database_=database,
                                         routing_=neo4j.RoutingControl.READ)
    return rows(pd.DataFrame([r.values() for r in records], columns=list(q.columns)))


# --- tests -------------------------------------------------------------------------------------

STANDARD = {
    "architecture": ("str", None, "with this architecture (exact name)",
                     "; null: every architecture"),
    "licenseCategory": (f"enum({'|'.join(CATEGORIES)})", None,
                        "of this licence category (no licence: unknown)",
                        "; null: every category"),
    "since": ("month", None, "first creation month of ", "when set, "),
    "until": ("month", None, "last creation month of ", "when set, "),
    "relation": (f"enum({'|'.join(RELATIONS)})", None, "only derivation edges of this relation: ",
                 "; null: every relation"),
}


@pytest.mark.parametrize("name", NAMES)
def test_filters_are_declared_with_the_standard_lines(name: str) -> None:
    params = {p.name: p for p in load(name).params}
    assert set(FILTERS) <= set(params), name
    assert "includeStubs" not in params  # each of these defines its own stub rule
    for filter_name, (p_type, default, phrase, tail) in STANDARD.items():
        p = params[filter_name]
        assert (p.type, p.default, p.required) == (p_type, default, False), (name, p)
        assert phrase in p.doc and tail in p.doc, (name, p.doc)


def test_a_wrong_filter_value_is_a_one_line_error() -> None:
    with pytest.raises(QueryParameterError, match=r"^\$licenseCategory must be one of "
                       r"permissive, copyleft, non-commercial, custom/restricted, unknown, "
                       r"got 'open'$"):
        load("openness_spectrum").bind({"licenseCategory": "open"})
    with pytest.raises(QueryParameterError, match=r"^\$relation must be one of .*got 'lora'$"):
        load("top_base_models").bind({"relation": "lora"})


@pytest.mark.parametrize("name", NAMES)
def test_the_recomputation_matches_the_unfiltered_query(small: neo4j.Driver, database: str,
                                                        name: str) -> None:
    """The pandas reading of each definition is right before any filter is applied."""
    assert run(small, database, name, {}) == rows(RECOMPUTE[name]({}))


@pytest.mark.parametrize("f", CASES, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()))
@pytest.mark.parametrize("name", NAMES)
def test_a_filtered_query_matches_its_recomputation(small: neo4j.Driver, database: str,
                                                    name: str, f: dict[str, str]) -> None:
    got = run(small, database, name, f)
    assert got == rows(RECOMPUTE[name](f))
    assert got != run(small, database, name, {}), "the filter removes nothing here"


def test_growth_counts_a_contributor_from_their_first_model_in_scope(
        small: neo4j.Driver, database: str) -> None:
    """bob first commits in March 2023 (alice/llama-ft), but to a llama2-licensed model only in
    June (bob/llama-chat-ft); dave commits only to a model without architecture."""
    def new_contributors(f: dict[str, str]) -> dict[str, int]:
        return {r[0]: r[4] for r in run(small, database, "growth_per_month", f)}
    assert new_contributors({})["2023-05"] == 1  # dave
    restricted = new_contributors({"licenseCategory": "custom/restricted"})
    assert restricted["2023-02"] == 1 and restricted["2023-06"] == 1  # metadev, bob
    assert sum(new_contributors({"architecture": "LlamaForCausalLM"}).values()) == 4


def test_the_architecture_filter_keeps_one_architecture_row(small: neo4j.Driver,
                                                            database: str) -> None:
    got = run(small, database, "top_architectures", {"architecture": "MistralForCausalLM"})
    assert [r[0] for r in got] == ["MistralForCausalLM"]
    got = run(small, database, "openness_spectrum", {"licenseCategory": "permissive"})
    assert {r[0] for r in got} == {"permissive"}
