"""Predicted parents (LIKELY_DERIVED_FROM, hflineage infer) on the explorer's model and family
pages: listed in their own section whatever the toggle, drawn dashed only with ``?likely=1``,
never counted. The predictions are tests/graph/analytics/test_include_likely.PREDICTED."""

from __future__ import annotations

import json
import re
from typing import Any

import neo4j
import pytest
from starlette.testclient import TestClient

from hflineage.analytics.model_page import model_page
from tests.graph.analytics.test_include_likely import EVIDENCE, predict
from tests.support.explore import script_tags, section, small_graph
from tests.support.server import TestServer


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    small_graph(driver, neo4j_server.database)
    predict(driver, neo4j_server.database)
    return driver


def graph_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="lineage-data">(.*?)</script>',
                      html, re.S)
    assert found, "no graph on the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def predicted_edges(html: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {(e["from"], e["to"]): e for e in graph_data(html)["edges"] if e.get("likely")}


def test_model_page_lists_predicted_parents_with_the_toggle_off(client: TestClient) -> None:
    r = client.get("/model/carol/scratch-1b")
    assert r.status_code == 200, r.text
    html = r.text
    assert "No declared parents" in section(html, "parents")
    predicted = section(html, "predicted")
    assert "<h2>Predicted parents</h2>" in predicted and "not declared by the model" in predicted
    rows = re.findall(r"<tr><td>(.*?)</td><td><a href=\"([^\"]+)\">([^<]+)</a></td><td>(.*?)</td>"
                      r"<td>(.*?)</td><td>(.*?)</td>", predicted)
    assert [r[:6] for r in rows] == [
        ("1", "/model/meta/Llama-7B", "meta/Llama-7B", "finetune", "0.91", "test"),
        ("2", "/model/mistralai/Mistral-7B", "mistralai/Mistral-7B", "adapter", "0.62", "test")]
    for line in EVIDENCE:
        assert predicted.count(f"<li>{line}</li>") == 2
    assert 'href="/model/carol/scratch-1b?up=all&amp;down=2&amp;likely=1#lineage"' in predicted
    lineage = section(html, "lineage")
    assert '<input type="checkbox" name="likely" value="1">' in lineage
    assert predicted_edges(html) == {}
    assert "Ancestry through predicted edges" not in html


def test_toggle_draws_them_dashed_with_their_confidence(client: TestClient) -> None:
    html = client.get("/model/carol/scratch-1b", params={"likely": "1"}).text
    assert '<input type="checkbox" name="likely" value="1" checked>' in section(html, "lineage")
    assert "They are drawn dashed in the lineage graph below." in section(html, "predicted")
    edges = predicted_edges(html)
    # Up to the roots: scratch's two predictions and Mistral's; down two: gemma's.
    assert {k: (e["predictedRelation"], e["confidence"], e["rank"], e["label"])
            for k, e in edges.items()} == {
        ("carol/scratch-1b", "meta/llama-7b"): ("finetune", 0.91, 1, "0.91"),
        ("carol/scratch-1b", "mistralai/mistral-7b"): ("adapter", 0.62, 2, "0.62"),
        ("mistralai/mistral-7b", "meta/llama-7b"): ("finetune", 0.7, 1, "0.70"),
        ("google/gemma-7b", "carol/scratch-1b"): ("finetune", 0.5, 1, "0.50")}
    assert all(e["dashes"] == [10, 6] and e["relation"] == "predicted" for e in edges.values())
    declared = [e for e in graph_data(html)["edges"] if not e.get("likely")]
    assert [(e["from"], e["to"], e["relation"]) for e in declared] == [
        ("bob/gemma-ft", "google/gemma-7b", "finetune")]
    lineage = section(html, "lineage")
    assert ("4 predicted edges (hflineage infer), confidence 0.50–0.91, not declared by the "
            "model") in lineage
    assert "predicted (hflineage infer)" in lineage
    ancestry = section(html, "ancestry")
    assert "Ancestry through predicted edges" in ancestry
    assert "confidence 0.91" in ancestry and "confidence 0.62" in ancestry
    assert script_tags(html) == ['<script src="/static/graph/vis-network.min.js">',
                                 '<script src="/static/graph/lineage.js">']
    assert " style=" not in html


def test_toggle_restores_with_the_depths(client: TestClient) -> None:
    html = client.get("/model/bob/gemma-ft", params={"up": "1", "down": "0", "likely": "1"}).text
    form = section(html, "lineage")
    assert '<option value="1" selected>' in form and '<option value="0" selected>' in form
    assert 'name="likely" value="1" checked' in form
    assert predicted_edges(html) == {}, "one generation up reaches only the declared parent"
    two = client.get("/model/bob/gemma-ft", params={"up": "2", "likely": "1"}).text
    assert set(predicted_edges(two)) == {("google/gemma-7b", "carol/scratch-1b")}


def test_a_model_without_predictions_has_no_section(client: TestClient) -> None:
    html = client.get("/model/alice/llama-ft", params={"likely": "1"}).text
    assert '<section id="predicted">' not in html
    assert "No ancestor is reached through a predicted edge." in section(html, "ancestry")
    root = client.get("/model/meta/Llama-7B").text
    assert "No parents: a root model." in section(root, "parents")


@pytest.mark.parametrize("path", ["/model/carol/scratch-1b", "/family/meta/Llama-7B"])
def test_a_bad_toggle_is_a_400(client: TestClient, path: str) -> None:
    r = client.get(path, params={"likely": "maybe"})
    assert r.status_code == 400
    assert "likely must be 1 or 0, not &#39;maybe&#39;" in r.text


def test_family_page_draws_predictions_but_counts_declared(client: TestClient) -> None:
    off = client.get("/family/meta/Llama-7B").text
    on = client.get("/family/meta/Llama-7B", params={"likely": "1"}).text
    for name in ("summary", "generations", "increasing-maximum"):
        assert section(on, name) == section(off, name)
    assert predicted_edges(off) == {}
    assert 'name="likely" value="1" checked' in section(on, "lineage")
    assert {k: e["confidence"] for k, e in predicted_edges(on).items()} == {
        ("carol/scratch-1b", "meta/llama-7b"): 0.91,
        ("mistralai/mistral-7b", "meta/llama-7b"): 0.7,
        ("carol/scratch-1b", "mistralai/mistral-7b"): 0.62,
        ("google/gemma-7b", "carol/scratch-1b"): 0.5}
    note = section(on, "lineage")
    # scratch-1b, Mistral-7B, alice/mistral-ft, bob/mistral-merge, gemma-7b, bob/gemma-ft
    assert ("4 predicted edges drawn dashed, reaching 6 models outside the declared family"
            in note)
    assert "count declared edges only" in note
    nodes = {n["id"] for n in graph_data(on)["nodes"]}
    assert {"alice/mistral-ft", "bob/gemma-ft"} <= nodes
    assert not {"alice/mistral-ft", "bob/gemma-ft"} & {n["id"] for n in graph_data(off)["nodes"]}


def test_library_reads_predictions_and_predicted_ancestry(small: neo4j.Driver,
                                                          database: str) -> None:
    page = model_page(small, "google/gemma-7b", database=database)
    assert page.predicted[["id", "relation", "confidence", "rank"]].values.tolist() == [
        ["carol/scratch-1b", "finetune", 0.5, 1]]
    assert page.predicted_ancestry.empty and page.chains == ()
    on = model_page(small, "google/gemma-7b", database=database, include_likely=True)
    assert on.chains == () and on.parents.empty
    assert on.predicted_ancestry[["model", "generation", "confidence"]].values.tolist() == [
        ["meta/Llama-7B", -2, 0.5], ["mistralai/Mistral-7B", -2, 0.5],
        ["carol/scratch-1b", -1, 0.5]]
