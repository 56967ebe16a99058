"""Predicted edges (LIKELY_DERIVED_FROM, hflineage infer) in ``hflineage viz``: left out by
default, drawn dashed in their own muted colour with a confidence label, a tooltip naming the
prediction and its evidence, and a legend entry, when asked; declared edges drawn as before."""

from __future__ import annotations

import json
from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner

from hflineage.analytics.subgraph import rows_to_links
from hflineage.cli import cli
from hflineage.viz import family_graph, lineage_graph, org_graph, query_graph
from hflineage.viz.render import DASHES, RELATION_COLORS
from tests.graph.analytics.test_include_likely import EVIDENCE, predict
from tests.support.explore import small_graph
from tests.support.server import TestServer

DASHED = [10, 6]


@pytest.fixture(scope="module")
def likely(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    small_graph(driver, neo4j_server.database)
    predict(driver, neo4j_server.database)
    return driver


def test_default_draws_declared_edges_only(likely: neo4j.Driver, database: str) -> None:
    net = lineage_graph(likely, "carol/scratch-1b", database=database)
    assert [n["id"] for n in net.nodes] == ["carol/scratch-1b"] and net.edges == []
    assert not any("predicted" in note for note in net.page.notes)
    assert "predicted" not in json.dumps(family_graph(likely, "meta/llama-7b",
                                                      database=database).edges)


def test_a_predicted_edge_is_dashed_labelled_and_explained(likely: neo4j.Driver,
                                                           database: str) -> None:
    net = lineage_graph(likely, "carol/scratch-1b", database=database, include_likely=True)
    edges = {(e["from"], e["to"]): e for e in net.edges}
    e = edges["carol/scratch-1b", "meta/llama-7b"]
    assert e["dashes"] == DASHED == DASHES["predicted"]
    assert e["color"] == RELATION_COLORS["predicted"]
    assert e["color"] not in {c for r, c in RELATION_COLORS.items() if r != "predicted"}
    assert e["label"] == "0.91" and e["likely"] is True and e["relation"] == "predicted"
    assert "<b>predicted finetune · confidence 0.91 · rank 1</b>" in e["title"]
    assert "carol/scratch-1b → meta/Llama-7B" in e["title"]
    assert "not declared by the model: a prediction of hflineage infer (test)" in e["title"]
    for line in EVIDENCE:
        assert f"<div>· {line}</div>" in e["title"]
    second = edges["carol/scratch-1b", "mistralai/mistral-7b"]
    assert "predicted adapter · confidence 0.62 · rank 2" in second["title"]
    assert second["label"] == "0.62"
    tip = next(n for n in net.nodes if n["id"] == "carol/scratch-1b")["title"]
    assert "predicted finetune of meta/llama-7b (confidence 0.91 · rank 1)" in tip
    # scratch-1b, Mistral-7B → Llama (0.7) up; gemma-7b → scratch-1b (0.5) down.
    assert sum(1 for e in net.edges if e.get("likely")) == 4
    assert ("4 predicted edges (hflineage infer), confidence 0.50–0.91, not declared by the "
            "model: drawn as dashed lavender-grey arrows labelled with their confidence."
            ) in net.page.notes
    page = net.generate_html()
    assert "predicted (hflineage infer)" in page
    assert 'stroke-dasharray="10,6"' in page


def test_declared_edges_are_unchanged(likely: neo4j.Driver, database: str) -> None:
    off = lineage_graph(likely, "bob/mistral-merge", database=database, up=None)
    on = lineage_graph(likely, "bob/mistral-merge", database=database, up=None,
                       include_likely=True)
    declared = [e for e in on.edges if not e.get("likely")]
    assert declared == off.edges
    assert [(e["from"], e["to"], e["label"]) for e in on.edges if e.get("likely")] == [
        ("mistralai/mistral-7b", "meta/llama-7b", "0.70")]
    # colour by relation stays declared: Mistral-7B is still a root
    by_rel = lineage_graph(likely, "bob/mistral-merge", database=database, up=None,
                           include_likely=True, color_by="relation")
    assert next(n for n in by_rel.nodes if n["id"] == "mistralai/mistral-7b")["relation"] == "root"


def test_family_and_org_views_follow_predictions_when_asked(likely: neo4j.Driver,
                                                            database: str) -> None:
    fam = family_graph(likely, "meta/llama-7b", database=database, include_likely=True)
    assert {(e["from"], e["to"]) for e in fam.edges if e.get("likely")} == {
        ("carol/scratch-1b", "meta/llama-7b"), ("mistralai/mistral-7b", "meta/llama-7b"),
        ("carol/scratch-1b", "mistralai/mistral-7b"), ("google/gemma-7b", "carol/scratch-1b")}
    org = org_graph(likely, "carol", database=database, include_likely=True)
    assert ("carol/scratch-1b", "meta/llama-7b") in {(e["from"], e["to"]) for e in org.edges
                                                     if e.get("likely")}
    assert not any(e.get("likely") for e in org_graph(likely, "carol", database=database).edges)


def test_query_rows_with_likely_columns_draw_predicted_edges(likely: neo4j.Driver,
                                                             database: str) -> None:
    net = query_graph(likely, "family_edges",
                      {"model": "mistralai/mistral-7b", "includeLikely": "true"},
                      database=database)
    got = {(e["from"], e["to"]): e.get("label") for e in net.edges if e.get("likely")}
    assert got == {("carol/scratch-1b", "mistralai/mistral-7b"): "0.62",
                   ("google/gemma-7b", "carol/scratch-1b"): "0.50"}
    _, links = rows_to_links([{"child": "a/b", "parent": "c/d", "relation": "merge",
                               "likely": False, "confidence": None}])
    assert links[0].likely is False and links[0].confidence is None


def test_cli_include_likely(likely: neo4j.Driver, cli_env: dict[str, str],
                            tmp_path: Path) -> None:
    out = tmp_path / "scratch.html"
    result = CliRunner().invoke(cli, ["viz", "lineage", "carol/scratch-1b", "--include-likely",
                                      "--out", str(out)], env=cli_env)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "predicted (hflineage infer)" in page and '"likely": true' in page
    plain = tmp_path / "plain.html"
    assert CliRunner().invoke(cli, ["viz", "lineage", "carol/scratch-1b", "--out", str(plain)],
                              env=cli_env).exit_code == 0
    assert '"likely": true' not in plain.read_text(encoding="utf-8")
    helped = CliRunner().invoke(cli, ["viz", "family", "--help"])
    assert "--include-likely" in helped.output
