"""The family page, ``/family/<root id>``, and ``analytics.family_page`` against the small
hand-made graph: per-generation counts, relations, parameters and scores worked out by hand from
tests/fixtures/analytics/small_graph.json, the summary facts, the increasing maximum as JSON
figure blocks, a root with a parent, 404s with suggestions, escaping, the vendored plotly.js."""

from __future__ import annotations

import base64
import html
import json
import re
from typing import Any
from urllib.parse import quote

import neo4j
import numpy as np
import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from hflineage.analytics.family_page import family_page
from hflineage.analytics.queries import run_query
from hflineage.errors import ModelNotFoundError
from hflineage.explore.charts import plotly_style_ids
from tests.support.explore import section, small_graph
from tests.support.server import TestServer

HOSTILE = 'markupco/</script><script>alert("x&y")</script>'
# gapco/root's finetune goneco/gone is deleted, with live children grandco/grandchild
# (finetune, 6B, v1 50) and grandco/grandchild-q (adapter, 2B, quantizedStorage);
# sibco/sibling (finetune, 7B) is the root's live child, goneco/gone-leaf a deleted leaf.
GAP = [("gapco/root", None, {"parameters": 7_000_000_000}),
       ("goneco/gone", ("gapco/root", "finetune"), {"deleted": True}),
       ("goneco/gone-leaf", ("gapco/root", "finetune"), {"deleted": True}),
       ("sibco/sibling", ("gapco/root", "finetune"), {"parameters": 7_000_000_000}),
       ("grandco/grandchild", ("goneco/gone", "finetune"), {"parameters": 6_000_000_000}),
       ("grandco/grandchild-q", ("goneco/gone", "adapter"),
        {"parameters": 2_000_000_000, "quantizedStorage": True})]
EXTRA: dict[str, list[dict[str, Any]]] = {
    "organizations": [{"name": name, "kind": "org"}
                      for name in ("markupco", "gapco", "goneco", "sibco", "grandco")],
    "models": [{"id": HOSTILE, "org": "markupco", "createdAt": "2024-01-01"},
               {"id": "markupco/child", "org": "markupco", "createdAt": "2024-02-01"},
               *({"id": model, "org": model.split("/")[0], "createdAt": "2024-03-01", **props}
                 for model, _, props in GAP)],
    "derived": [{"child": "markupco/child", "parent": HOSTILE, "relation": "finetune"},
                *({"child": model, "parent": link[0], "relation": link[1]}
                  for model, link, _ in GAP if link)],
    "scores": [{"model": HOSTILE, "benchmark": "Average", "score": 30.0},
               {"model": "markupco/child", "benchmark": "Average", "score": 31.0},
               {"model": "grandco/grandchild", "benchmark": "Average", "score": 50.0}]}
BLOCK = re.compile(r'<script type="application/json" class="plotly-figure" id="([^"]*)">'
                   r"(.*?)</script>", re.S)


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    return small_graph(driver, neo4j_server.database, EXTRA)


def rows(html_text: str) -> list[list[str]]:
    """The generation table's rows as cell texts (tags dropped)."""
    body = section(html_text, "generations").split("<tbody>")[1].split("</tbody>")[0]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd]>(.*?)</t[hd]>", r)]
            for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def figures(html_text: str) -> dict[str, dict[str, Any]]:
    found = {}
    for element_id, text in BLOCK.findall(html_text):
        assert "<" not in text and ">" not in text, text
        found[element_id] = json.loads(text)
    return found


def values(array: Any) -> list[Any]:
    """A trace's values: plotly writes numbers as base64 typed arrays ({dtype, bdata})."""
    if isinstance(array, dict):
        decoded: list[Any] = np.frombuffer(base64.b64decode(array["bdata"]),
                                           array["dtype"]).tolist()
        return decoded
    return list(array)


def test_llama_family_per_generation(client: TestClient) -> None:
    """meta/Llama-7B: generation 1 is llama-7b-chat (finetune, 6.3B, v1 42), alice/llama-ft
    (finetune, 7B, v1 45, v2 10) and carol/llama-lora (adapter, 0.04B, v2 5); generation 2 is
    thebloke/llama-ft-GGUF (quantized, v1 43), bob/llama-ft-ft (finetune, 10.5B, v1 44) and
    bob/llama-chat-ft (finetune, 6.3B, v1 41); alice/old-llama is deleted."""
    r = client.get("/family/meta/Llama-7B")
    assert r.status_code == 200, r.text
    assert "<h1>Family of meta/Llama-7B</h1>" in r.text
    assert rows(r.text) == [
        ["0", "1", "— (the root)", "7.00 billion (1 of 1)",
         "40.00 (1 of 1 scored)", "40.00 meta/Llama-7B", "8.00 (1 of 1 scored)",
         "8.00 meta/Llama-7B"],
        ["1", "3", "finetune 2, adapter 1", "6.30 billion (3 of 3)",
         "43.50 (2 of 3 scored)", "45.00 alice/llama-ft", "7.50 (2 of 3 scored)",
         "10.00 alice/llama-ft"],
        ["2", "3", "finetune 2, quantized 1", "8.40 billion (2 of 3; 1 quantized left out)",
         "43.00 (3 of 3 scored)", "44.00 bob/llama-ft-ft", "— (0 of 3 scored)", "—"],
    ]
    head = section(r.text, "generations")
    assert "<th>Median Average, Open LLM Leaderboard v1</th>" in head
    assert "<th>Best Average, Open LLM Leaderboard v2</th>" in head
    assert "alice/old-llama" not in r.text


def test_summary_facts(client: TestClient) -> None:
    facts = section(client.get("/family/meta/llama-7b").text, "summary")
    assert "7 models (the root and 6 derivatives)" in facts
    assert "2 generations below the root" in facts
    assert "1, 3, 3 (models in generation 0 to 2)" in facts
    assert "4 models without a derivative in the family" in facts
    assert ("at most 3 derivatives of one model (its own, or through deleted models only); "
            "2.00 on average") in facts
    assert "finetune 4, adapter 1, quantized 1, merge 0, unknown 0" in facts
    for org in ("alice", "bob", "carol", "meta", "thebloke"):
        assert f'<a href="/org/{org}">{org}</a>' in facts
    assert "5 contributors" in facts  # metadev, alice, bob, carol, thebloke; the bot left out


def test_merge_counts_once_in_its_generation(client: TestClient) -> None:
    """bob/mistral-merge merges Mistral-7B and alice/mistral-ft: generation 1 (shortest)."""
    r = client.get("/family/mistralai/Mistral-7B")
    assert rows(r.text)[1] == ["1", "2", "finetune 1, merge 1", "7.20 billion (2 of 2)",
                               "59.00 (2 of 2 scored)", "60.00 bob/mistral-merge",
                               "12.00 (1 of 2 scored)", "12.00 alice/mistral-ft"]
    assert "1 model without a derivative" in section(r.text, "summary")


def test_increasing_maximum_per_board(client: TestClient) -> None:
    """v1: 2023-02 llama-7b-chat 42 (with Llama-7B 40), 2023-03 alice/llama-ft 45 (with the
    GGUF 43 and llama-ft-ft 44), 2023-06 still 45 (llama-chat-ft 41); v2: 2023-02 Llama-7B 8,
    2023-03 alice/llama-ft 10 (with llama-lora 5)."""
    r = client.get("/family/meta/Llama-7B")
    figs = figures(r.text)
    assert set(figs) == {"best-v1", "best-v2"}
    expected = {"v1": (["2023-02", "2023-03", "2023-06"], [42.0, 45.0, 45.0]),
                "v2": (["2023-02", "2023-03"], [8.0, 10.0])}
    for board, (months, best) in expected.items():
        [trace] = figs[f"best-{board}"]["data"]
        assert trace["name"] == "meta/Llama-7B"
        assert (values(trace["x"]), values(trace["y"])) == (months, best)
        title = figs[f"best-{board}"]["layout"]["title"]
        assert f"Average, Open LLM Leaderboard {board}, points 0–100" in title["text"]
        scored = {"v1": 6, "v2": 3}[board]
        assert f"Coverage: {scored} of 7 family members" in title["subtitle"]["text"]
    part = section(r.text, "increasing-maximum")
    assert ('<tr><td>2023-03</td><td>45.00</td><td><a href="/model/alice/llama-ft">'
            "alice/llama-ft</a></td><td>3</td></tr>") in part
    assert ("Open LLM Leaderboard v2, Average in points 0–100. Coverage: 3 of 7 family members "
            "(42.9%) have a score for Average on Open LLM Leaderboard v2 and a creation date "
            "(3 are scored).") in part
    assert '<script src="/static/plotly.min.js"></script>' in r.text
    assert '<script src="/static/charts.js"></script>' in r.text


def test_root_with_a_parent_is_counted_downward(client: TestClient) -> None:
    r = client.get("/family/alice/llama-ft")
    assert r.status_code == 200
    assert ('This model derives from <a href="/model/meta/Llama-7B">meta/Llama-7B</a> '
            '(<a href="/family/meta/Llama-7B">its family</a>); the family is counted from it '
            "downward.") in r.text
    assert [row[:3] for row in rows(r.text)] == [
        ["0", "1", "— (the root)"], ["1", "2", "finetune 1, quantized 1"]]
    root = client.get("/family/meta/Llama-7B").text
    assert "derives from" not in root


def test_stub_root(client: TestClient) -> None:
    r = client.get("/family/google/gemma-7b")
    assert r.status_code == 200
    assert "Reference only" in r.text
    assert rows(r.text)[0][:4] == ["0", "1", "— (the root)", "— (0 of 1)"]
    assert figures(r.text).keys() == {"best-v1"}


def test_encoded_slash_and_case(client: TestClient) -> None:
    plain = client.get("/family/mistralai/Mistral-7B")
    for path in ("/family/mistralai%2FMistral-7B", "/family/MISTRALAI/mistral-7b"):
        other = client.get(path)
        assert other.status_code == 200
        assert other.text == plain.text


def test_unknown_root_is_a_404_with_suggestions(client: TestClient, small: neo4j.Driver,
                                                neo4j_server: TestServer) -> None:
    r = client.get("/family/meta/llama-7b-chatt")
    assert r.status_code == 404
    assert "no model &#39;meta/llama-7b-chatt&#39; in the graph" in r.text
    assert '<a href="/family/meta/llama-7b-chat">meta/llama-7b-chat</a>' in r.text
    with pytest.raises(ModelNotFoundError, match="did you mean meta/llama-7b-chat"):
        family_page(small, "meta/llama-7b-chatt", database=neo4j_server.database)


def test_hostile_text_is_escaped(client: TestClient) -> None:
    r = client.get("/family/" + quote(HOSTILE, safe="/"))
    assert r.status_code == 200, r.text
    assert "<script>alert" not in r.text
    # a figure block, the graph's data block, plotly and charts.js, vis-network and lineage.js
    assert r.text.count("<script") == 6
    assert r.text.count('<script type="application/json"') == 2
    assert str(escape(HOSTILE)) in r.text
    [trace] = figures(r.text)["best-v1"]["data"]
    assert trace["name"] == html.escape(HOSTILE)  # Plotly reads HTML in names: escaped
    assert rows(r.text)[1][:3] == ["1", "1", "finetune 1"]
    missing = client.get("/family/x/%3C%2Fscript%3E%3Cscript%3Ealert(1)")
    assert missing.status_code == 404 and "<script" not in missing.text


def test_model_page_links_to_families(client: TestClient) -> None:
    r = client.get("/model/bob/llama-ft-ft")
    ancestry = section(r.text, "ancestry")
    assert '<a class="family" href="/family/bob/llama-ft-ft">' in ancestry
    assert '<a href="/family/meta/Llama-7B">its family</a>' in ancestry


def test_plotly_js_is_served(client: TestClient) -> None:
    r = client.get("/static/plotly.min.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert "plotly.js" in r.text[:2000]
    charts = client.get("/static/charts.js")
    assert charts.status_code == 200 and "Plotly.newPlot" in charts.text


def test_plotly_styles_are_a_stylesheet(client: TestClient) -> None:
    """plotly.js inserts its style rules as inline <style> elements, which the CSP refuses:
    the page links them as /static/plotly.css and marks them present, so plotly.js skips it."""
    css = client.get("/static/plotly.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ".js-plotly-plot .plotly .modebar{" in css.text  # plotly.js's own modebar rule
    assert ".maplibregl-map{" in css.text  # the stylesheet it injects whole
    page = client.get("/family/meta/Llama-7B").text
    assert ('<link rel="stylesheet" id="plotly.js-style-global" class="no-inline-styles" '
            'href="/static/plotly.css">') in page
    for element_id in plotly_style_ids():
        assert f'id="{element_id}"' in page


def test_family_walks_through_a_deleted_model(client: TestClient, small: neo4j.Driver,
                                              neo4j_server: TestServer) -> None:
    """gapco/root: generation 1 is sibco/sibling (goneco/gone and gone-leaf are deleted, not
    counted); generation 2 is gone's live children, so the family has 4 models, depth 2."""
    r = client.get("/family/gapco/root")
    assert r.status_code == 200, r.text
    assert rows(r.text) == [
        ["0", "1", "— (the root)", "7.00 billion (1 of 1)", "— (0 of 1 scored)", "—"],
        ["1", "1", "finetune 1", "7.00 billion (1 of 1)", "— (0 of 1 scored)", "—"],
        ["2", "2", "finetune 1, adapter 1", "6.00 billion (1 of 2; 1 quantized left out)",
         "50.00 (1 of 2 scored)", "50.00 grandco/grandchild"],
    ]
    facts = section(r.text, "summary")
    assert "4 models (the root and 3 derivatives)" in facts
    assert "1, 1, 2 (models in generation 0 to 2)" in facts
    assert "3 models without a derivative in the family" in facts
    assert ("at most 3 derivatives of one model (its own, or through deleted models only); "
            "3.00 on average") in facts
    assert "finetune 2, adapter 1, quantized 0, merge 0, unknown 0" in facts
    assert 'id="deeper"' not in r.text
    db = neo4j_server.database
    page = family_page(small, "gapco/root", database=db)
    summary = run_query(small, "family_summary", {"model": "gapco/root"}, db).iloc[0]
    assert (page.size, page.depth, page.width) == (summary["size"], summary["depth"],
                                                   tuple(summary["widthByGeneration"]))
    assert (page.size, page.depth, page.width, page.deeper) == (4, 2, (1, 1, 2), 0)
    assert (page.leaves, page.max_branching, page.mean_branching) == (3, 3, 3.0)
    assert page.organizations == ("gapco", "grandco", "sibco")
    assert page.coverage.to_dict("records") == [
        {"leaderboard": "v1", "models": 4, "scored": 1, "dated": 1}]
    assert sorted(page.drawing.models) == ["gapco/root", "goneco/gone", "grandco/grandchild",
                                           "grandco/grandchild-q", "sibco/sibling"]
    assert page.drawing.models["goneco/gone"].deleted
    one = family_page(small, "gapco/root", database=db, max_depth=1)
    assert (one.size, one.depth, one.width, one.deeper) == (2, 1, (1, 1), 2)
    assert run_query(small, "family_summary", {"model": "gapco/root", "maxDepth": 1},
                     db).iloc[0]["size"] == 2
