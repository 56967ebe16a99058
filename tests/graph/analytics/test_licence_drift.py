"""licence_drift and licence_drift_summary on tests/fixtures/drift: the pairs are listed by hand
(the fixture README's table) and also recomputed from the JSONL file with the documented
definition (restrictiveness permissive < copyleft < custom/restricted < non-commercial, gated
stricter than ungated, unknown never drifts), never from the query or the loader."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner

from hflineage.analytics.queries import run_query
from hflineage.analytics.report import SECTIONS, Inputs
from hflineage.cli import cli
from hflineage.db.schema import init_schema, wipe_database
from hflineage.errors import HFLineageError
from hflineage.loader import load_snapshot
from tests.support.server import TestServer

FIXTURE = Path(__file__).parents[2] / "fixtures" / "drift" / "models.jsonl"
#: The fixture's licences by category, from the README's stated lists.
CATEGORY = {"other": "custom/restricted", "cc-by-nc-4.0": "non-commercial",
            "cc-by-nc-sa-4.0": "non-commercial",
            "mit": "permissive", "apache-2.0": "permissive", "llama2": "custom/restricted",
            "gpl-3.0": "copyleft"}
ORDER = ["permissive", "copyleft", "custom/restricted", "non-commercial"]
#: (model, ancestor, hops, drift) worked out by hand from the fixture README.
BY_HAND = {
    ("carol/nc-ft-mit", "nclab/base-nc", 2, ("looser",)),
    ("dave/nc-ft-mit-gguf", "nclab/base-nc", 3, ("looser",)),
    ("gina/apache-nc", "apache/base", 1, ("stricter",)),
    ("hank/llama-ft", "meta-llama/Llama-2-7b-hf", 1, ("ungated",)),
    ("ivan/llama-ft-apache", "hank/llama-ft", 1, ("looser",)),
    ("ivan/llama-ft-apache", "meta-llama/Llama-2-7b-hf", 2, ("looser", "ungated")),
    ("nina/merge", "nclab/base-nc", 1, ("looser",)),
    ("oscar/gpl-ft", "nclab/base-nc", 1, ("looser",)),
    ("quinn/gated-auto-ft-open", "pat/gated-auto", 1, ("ungated",)),
    ("tom/gated-child", "sam/open-base", 1, ("gated",)),
    ("vic/other-ft-mit", "uma/other-base", 1, ("looser",)),
    ("wes/m", "zed/root", 2, ("looser",)),
    ("wes/m", "uma/other-base", 2, ("looser",)),
}


def records() -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in map(json.loads, FIXTURE.read_text().splitlines())}


def shortest_paths(model: str, parents: Any) -> tuple[dict[str, int], dict[str, list[Any]]]:
    """Every shortest path from ``model`` to each ancestor, layer by layer: (relations, ids)."""
    dist, paths = {model: 0}, {model: [((), (model,))]}
    layer = [model]
    while layer:
        following = []
        for here in layer:
            for parent, relation in parents(here):
                if parent not in dist:
                    dist[parent], paths[parent] = dist[here] + 1, []
                    following.append(parent)
                if dist[parent] == dist[here] + 1:
                    paths[parent] += [((*rels, relation), (*ids, parent))
                                      for rels, ids in paths[here]]
        layer = following
    return dist, paths


def file_pairs() -> pd.DataFrame:
    """Every (model, ancestor) pair of the file on a shortest path, with its drift kinds."""
    recs = records()

    def parents(model: str) -> list[tuple[str, str]]:
        card = recs.get(model, {}).get("cardData", {})
        base = card.get("base_model") or []
        return [(p, card.get("base_model_relation", "unknown"))
                for p in ([base] if isinstance(base, str) else base)]

    def rank(model: str) -> int | None:
        lic = recs.get(model, {}).get("cardData", {}).get("license")
        return ORDER.index(CATEGORY[lic]) if lic in CATEGORY else None

    def lic(model: str) -> str | None:
        return recs.get(model, {}).get("cardData", {}).get("license")

    def gated(model: str) -> bool:
        return recs.get(model, {}).get("gated") in ("auto", "manual")

    rows = []
    for model in recs:
        dist, paths = shortest_paths(model, parents)
        for ancestor, found in paths.items():
            if ancestor == model:
                continue
            # the documented choice: a path whose edges share one relation, then the first
            relations, ids = min(found, key=lambda p: (len(set(p[0])) != 1, p[0]))
            d, a = rank(model), rank(ancestor)
            both = d is not None and a is not None
            kinds = (["looser"] if both and d < a else []) + (  # type: ignore[operator]
                ["stricter"] if both and d > a else []) + (  # type: ignore[operator]
                ["ungated"] if recs[model].get("gated") is False and gated(ancestor) else []) + (
                ["gated"] if gated(model) and recs.get(ancestor, {}).get("gated") is False
                else [])
            arch = recs[model].get("config", {}).get("architectures", [None])
            rows.append({"model": model, "ancestor": ancestor, "hops": dist[ancestor],
                         "relations": relations, "path": list(ids), "drift": tuple(kinds),
                         "dRank": d, "aRank": a, "architecture": arch[0],
                         "dCat": ORDER[d] if d is not None else "unknown",
                         "aCat": ORDER[a] if a is not None else "unknown",
                         "other": "other" in (lic(model), lic(ancestor)),
                         "gatedAncestor": gated(ancestor) and "gated" in recs[model]})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def loaded(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    wipe_database(driver, neo4j_server.database)
    init_schema(driver, neo4j_server.database)
    load_snapshot(driver, FIXTURE, database=neo4j_server.database)
    return driver


def drift(driver: neo4j.Driver, database: str, **params: Any) -> set[tuple[Any, ...]]:
    df = run_query(driver, "licence_drift", params, database)
    return {(r.model, r.ancestor, r.hops, tuple(r.drift)) for r in df.itertuples()}


def test_the_pairs_are_the_hand_listed_ones_and_the_files(loaded: neo4j.Driver,
                                                          database: str) -> None:
    pairs = file_pairs()
    drifting = pairs[pairs["drift"].map(len) > 0]
    from_file = {(r.model, r.ancestor, r.hops, r.drift) for r in drifting.itertuples()}
    assert from_file == BY_HAND
    assert drift(loaded, database) == BY_HAND


def test_rows_carry_path_licences_and_gating(loaded: neo4j.Driver, database: str) -> None:
    df = run_query(loaded, "licence_drift", {"model": "IVAN/llama-ft-apache"}, database)
    row = df[df["ancestor"] == "meta-llama/Llama-2-7b-hf"].iloc[0]
    assert list(row["path"]) == ["ivan/llama-ft-apache", "hank/llama-ft",
                                 "meta-llama/Llama-2-7b-hf"]
    assert list(row["relations"]) == ["finetune", "finetune"]
    # two shortest paths from wes/m to zed/root: merge → merge (via yan/m1) is pure, so chosen
    tie = run_query(loaded, "licence_drift", {"model": "wes/m"}, database)
    tie = tie[tie["ancestor"] == "zed/root"].iloc[0]
    assert (list(tie["path"]), list(tie["relations"])) == (
        ["wes/m", "yan/m1", "zed/root"], ["merge", "merge"])
    chosen = file_pairs().set_index(["model", "ancestor"]).loc[("wes/m", "zed/root")]
    assert chosen["path"] == ["wes/m", "yan/m1", "zed/root"]
    assert (row["modelLicense"], row["modelCategory"]) == ("apache-2.0", "permissive")
    assert (row["ancestorLicense"], row["ancestorCategory"]) == ("llama2", "custom/restricted")
    assert (row["modelGated"], row["ancestorGated"]) == ("false", "manual")
    assert bool(row["conflict"])
    # conflicts first, then the widest category gap
    full = run_query(loaded, "licence_drift", {}, database)
    assert list(full["conflict"]) == sorted(full["conflict"], reverse=True)
    assert full.iloc[-1]["model"] == "gina/apache-nc"


def test_unknown_and_same_category_never_drift(loaded: neo4j.Driver, database: str) -> None:
    quiet = ["bob/nc-ft", "erin/apache-ft", "frank/apache-ft-lora", "jane/llama-gguf",
             "leo/unknown-ft", "mike/weird-licence", "stub-parent-child/ft",
             "quinn/gated-auto-ft", "yan/m1", "xena/q"]
    for model in quiet:
        assert drift(loaded, database, model=model) == set(), model


@pytest.mark.parametrize(("params", "keep"), [
    ({"minHops": 2}, lambda r: r[2] >= 2),
    ({"maxDepth": 1}, lambda r: r[2] <= 1),
    ({"category": "non-commercial"}, lambda r: r[1] in {"nclab/base-nc", "zed/root"}),
    ({"category": "custom/restricted"}, lambda r: r[1] in {
        "hank/llama-ft", "meta-llama/Llama-2-7b-hf", "uma/other-base"}),
    ({"kind": "ungated"}, lambda r: "ungated" in r[3]),
    ({"kind": "gated"}, lambda r: "gated" in r[3]),
    ({"kind": "stricter"}, lambda r: "stricter" in r[3]),
    ({"relation": "finetune"}, lambda r: r[0] not in {
        "dave/nc-ft-mit-gguf", "nina/merge", "quinn/gated-auto-ft-open", "tom/gated-child",
        "wes/m"}),
    ({"relation": "merge"}, lambda r: r[0] in {"nina/merge", "wes/m"}),
])
def test_parameters_narrow_the_pairs(loaded: neo4j.Driver, database: str,
                                     params: dict[str, Any], keep: Any) -> None:
    expected = {r for r in BY_HAND if keep(r)}
    assert expected and expected != BY_HAND
    assert drift(loaded, database, **params) == expected


def test_an_absent_model_is_an_error_not_an_empty_table(loaded: neo4j.Driver,
                                                        database: str) -> None:
    with pytest.raises(HFLineageError, match="ivan/llama-ft-apache"):
        run_query(loaded, "licence_drift", {"model": "ivan/llama-ft-apachee"}, database)


@pytest.mark.parametrize("by", ["categoryPair", "relation", "architecture", "all"])
def test_summary_recomputed_from_the_file(loaded: neo4j.Driver, database: str, by: str) -> None:
    pairs = file_pairs()
    pairs["group"] = {
        "categoryPair": pairs["aCat"] + " → " + pairs["dCat"],
        "relation": pairs["relations"].map(lambda rs: rs[0] if len(set(rs)) == 1 else "mixed"),
        "architecture": pairs["architecture"], "all": "all"}[by]
    pairs["comparable"] = pairs["dRank"].notna() & pairs["aRank"].notna()
    for kind in ("looser", "stricter", "ungated", "gated"):
        pairs[kind] = pairs["drift"].map(lambda d, k=kind: k in d)
    pairs["drifts"] = pairs["drift"].map(len) > 0
    want = pairs.groupby("group").apply(lambda g: pd.Series({
        "pairs": len(g), "comparablePairs": int(g["comparable"].sum()),
        "looserPairs": int(g["looser"].sum()), "stricterPairs": int(g["stricter"].sum()),
        "gatedAncestorPairs": int(g["gatedAncestor"].sum()),
        "ungatedPairs": int(g["ungated"].sum()), "gatedPairs": int(g["gated"].sum()),
        "otherPairs": int((g["other"] & (g["looser"] | g["stricter"])).sum()),
        "conflictPairs": int((g["looser"] | g["ungated"]).sum()),
        "driftPairs": int(g["drifts"].sum()),
        "models": g["model"].nunique(),
        "driftingModels": g.loc[g["drifts"], "model"].nunique()}), include_groups=False)
    got = run_query(loaded, "licence_drift_summary", {"by": by}, database).set_index("group")
    assert set(got.index) == set(want.index)
    assert (got["by"] == by).all()
    for col in want.columns:
        assert got.loc[want.index, col].tolist() == want[col].tolist(), col
    shares = got["looserPairs"] / got["comparablePairs"].where(got["comparablePairs"] > 0)
    pd.testing.assert_series_equal(got["looserShare"].astype(float), shares.astype(float),
                                   check_names=False)


def test_cli_prints_the_drift(loaded: neo4j.Driver, cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["query", "run", "licence_drift", "--param",
                                      "kind=ungated", "--format", "csv"], env=cli_env)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("model,ancestor,hops")
    assert len(lines) == 1 + sum("ungated" in r[3] for r in BY_HAND)


def test_report_headline_recomputed_from_the_file(loaded: neo4j.Driver, database: str) -> None:
    pairs = file_pairs()
    comparable = pairs["dRank"].notna() & pairs["aRank"].notna()
    looser = pairs["drift"].map(lambda d: "looser" in d)
    stricter = pairs["drift"].map(lambda d: "stricter" in d)
    ungated = pairs["drift"].map(lambda d: "ungated" in d)
    drifting = pairs.loc[pairs["drift"].map(len) > 0, "model"].nunique()

    def q(name: str, **params: Any) -> pd.DataFrame:
        return run_query(loaded, name, params, database)

    head, by_relation, by_arch, table = SECTIONS["licence_drift"](Inputs(q))
    n = len(pairs)
    assert head.sentence.startswith(
        f"{n} derivative–ancestor pairs over {pairs['model'].nunique()} derivatives; "
        f"{comparable.sum()} of {n} pairs ({100 * comparable.sum() / n:.1f}%) have both")
    assert (f"Of those, {looser.sum()} ({100 * looser.sum() / comparable.sum():.1f}%) are looser"
            in head.sentence)
    assert f"and {stricter.sum()} ({100 * stricter.sum() / comparable.sum():.1f}%) stricter" \
        in head.sentence
    gated = int(pairs["gatedAncestor"].sum())
    assert f"{ungated.sum()} of {gated} pairs below a gated ancestor" in head.sentence
    assert f"{drifting} of {pairs['model'].nunique()} derivatives drift" in head.sentence
    assert "Coverage" not in head.sentence and "have a licence" in head.coverage
    cats = ["permissive", "copyleft", "custom/restricted", "non-commercial", "unknown"]
    want = pd.crosstab(pairs["aCat"], pairs["dCat"]).reindex(index=cats, columns=cats,
                                                             fill_value=0)
    drawn = {t.name: [list(row) for row in t.z] for t in head.figure.data}
    cells = [[next(drawn[k][i][j] for k in drawn if drawn[k][i][j] is not None)
              for j in range(5)] for i in range(5)]
    assert cells == want.values.tolist()
    # each cell in exactly one trace, named by its kind (ancestor row i, derivative column j)
    for i, a in enumerate(cats):
        for j, d in enumerate(cats):
            kind = ("never drifts (unknown)" if "unknown" in (a, d) else "looser" if i > j
                    else "stricter" if i < j else "same category")
            assert [k for k in drawn if drawn[k][i][j] is not None] == [kind]
    # the looser share per relation and the pairs table (conflicts first)
    fin = by_relation.table.set_index("group").loc["finetune"]
    rel_fin = pairs["relations"].map(lambda rs: set(rs) == {"finetune"})
    assert fin["looserPairs"] == (looser & rel_fin).sum()
    assert fin["comparablePairs"] == (comparable & rel_fin).sum()
    assert len(table.table) == len(BY_HAND)
    assert f"The table holds all {len(BY_HAND)} drifting pairs." in table.sentence
    named = re.findall(r"(?:: |; )([\w./-]+) \(", table.sentence)
    assert named == ["carol/nc-ft-mit", "dave/nc-ft-mit-gguf", "nina/merge", "wes/m",
                     "ivan/llama-ft-apache"]  # one per derivative, widest gap first
    other = (pairs["other"] & (looser | stricter)).sum()
    assert f"; {other} of these looser or stricter pairs involve the Hub's 'other'" \
        in head.sentence
    gated_below = pairs["drift"].map(lambda d: "gated" in d).sum()
    assert f"{gated_below} pairs are the reverse" in head.sentence
    assert f"({(pairs['drift'].map(len) > 0).sum()} drifting pairs in all)" in head.sentence
    assert by_arch.table["conflictPairs"].sum() == (looser | ungated).sum()
