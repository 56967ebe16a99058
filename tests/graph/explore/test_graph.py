"""Lineage graphs on the explorer's pages: the viz package's panel and scripts, the depth form,
inert JSON data, notes instead of failures. Expected models come from small_graph.json."""

from __future__ import annotations

import json
import re
from typing import Any

import neo4j
import pytest
from starlette.testclient import TestClient

from hflineage.explore import graph
from hflineage.viz.render import ASSETS
from tests.support.explore import section, small_graph
from tests.support.server import TestServer

EVIL = "evil/<script>window.__pwned=1</script>"


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    extra = {"models": [{"id": EVIL, "org": "evil", "architecture": "LlamaForCausalLM"}],
             "derived": [{"child": EVIL, "parent": "alice/llama-ft", "relation": "finetune"}]}
    return small_graph(driver, neo4j_server.database, extra)


def drawn(html: str) -> dict[str, Any]:
    """The graph data of the page's graph section (an inert JSON block)."""
    found = re.search(r'<script type="application/json" id="lineage-data">(.*?)</script>',
                      section(html, "lineage"), re.S)
    assert found, "no graph data"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def models(data: dict[str, Any]) -> set[str]:
    return {n["hfid"] for n in data["nodes"] if n.get("hfid")}


def edges(data: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(e["from"], e["to"], e["relation"]) for e in data["edges"]}


def test_model_page_draws_ancestors_and_descendants(client: TestClient) -> None:
    html = client.get("/model/alice/llama-ft").text
    data = drawn(html)
    # Up to the roots, two generations down: the parent, the model, its two children, and the
    # hostile finetune of it.
    assert models(data) == {"meta/Llama-7B", "alice/llama-ft", "thebloke/llama-ft-GGUF",
                            "bob/llama-ft-ft", EVIL}
    assert edges(data) == {("alice/llama-ft", "meta/llama-7b", "finetune"),
                           ("thebloke/llama-ft-gguf", "alice/llama-ft", "quantized"),
                           ("bob/llama-ft-ft", "alice/llama-ft", "finetune"),
                           (EVIL.lower(), "alice/llama-ft", "finetune")}
    assert data["link"] == "/model/"  # a double-click opens the model's page
    focus = [n["hfid"] for n in data["nodes"] if n["kind"] == "focus"]
    assert focus == ["alice/llama-ft"]
    panel = section(html, "lineage")
    assert 'class="rel" value="quantized"' in panel and "Colour: architecture" in panel
    assert '<script src="/static/graph/vis-network.min.js"></script>' in panel
    assert '<script src="/static/graph/lineage.js"></script>' in panel


def test_depth_form_narrows_the_graph(client: TestClient) -> None:
    html = client.get("/model/meta/Llama-7B", params={"up": "0", "down": "1"}).text
    data = drawn(html)
    assert models(data) == {"meta/Llama-7B", "meta/llama-7b-chat", "alice/llama-ft",
                            "carol/llama-lora", "alice/old-llama"}
    form = section(html, "lineage")
    assert '<option value="1" selected>1</option>' in form  # down
    assert '<option value="0" selected>0</option>' in form  # up
    assert client.get("/model/meta/Llama-7B", params={"down": "9"}).status_code == 400


def test_a_view_too_large_is_a_note(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph, "PAGE_FETCH_LIMIT", 2)
    response = client.get("/model/meta/Llama-7B")
    assert response.status_code == 200
    body = section(response.text, "lineage")
    assert "more than 2 models" in body and "lineage-data" not in body
    assert 'id="facts"' in response.text


def test_graph_data_is_inert(client: TestClient) -> None:
    html = client.get("/model/alice/llama-ft").text
    assert "<script>window" not in html
    data = drawn(html)
    evil = next(n for n in data["nodes"] if n.get("hfid") == EVIL)
    assert "&lt;script&gt;" in evil["title"] and "<script" not in evil["label"]
    executable = re.findall(r"<script(?![^>]*application/json)[^>]*>", html)
    assert executable == ['<script src="/static/graph/vis-network.min.js">',
                          '<script src="/static/graph/lineage.js">']


def test_graph_assets_are_the_viz_files(client: TestClient) -> None:
    for name, path in ASSETS.items():
        response = client.get(f"/static/graph/{name}")
        assert response.status_code == 200
        assert response.content == path.read_bytes()
        kind = "javascript" if name.endswith(".js") else "css"
        assert kind in response.headers["content-type"]
    assert client.get("/static/graph/lineage.html.j2").status_code == 404
    assert client.get("/static/graph/..%2Frender.py").status_code == 404


def test_org_page_draws_its_neighbourhood(client: TestClient) -> None:
    data = drawn(client.get("/org/bob").text)
    # bob's models, one generation up (their parents) and down (nothing derives from bob).
    assert models(data) == {"bob/llama-ft-ft", "bob/llama-chat-ft", "bob/mistral-merge",
                            "bob/gemma-ft", "alice/llama-ft", "meta/llama-7b-chat",
                            "alice/mistral-ft", "mistralai/Mistral-7B", "google/gemma-7b"}
    hub = [n for n in data["nodes"] if n["kind"] == "org"]
    assert len(hub) == 1 and hub[0]["label"] == "bob"
    published = {e["to"] for e in data["edges"] if e["relation"] == "published"}
    assert published == {"bob/llama-ft-ft", "bob/llama-chat-ft", "bob/mistral-merge",
                         "bob/gemma-ft"}


def test_console_draws_paths_and_nodes(client: TestClient) -> None:
    r = client.post("/cypher", data={
        "query": "MATCH p = (:Model {key: $key})-[:DERIVED_FROM*]->(:Model) RETURN p",
        "params": json.dumps({"key": "bob/llama-ft-ft"})})
    assert r.status_code == 200
    data = drawn(r.text)
    assert models(data) == {"bob/llama-ft-ft", "alice/llama-ft", "meta/Llama-7B"}
    assert edges(data) == {("bob/llama-ft-ft", "alice/llama-ft", "finetune"),
                           ("alice/llama-ft", "meta/llama-7b", "finetune")}
    nodes = client.post("/cypher", data={
        "query": "MATCH (m:Model) WHERE m.key STARTS WITH 'bob/' RETURN m"}).text
    assert models(drawn(nodes)) == {"bob/llama-ft-ft", "bob/llama-chat-ft", "bob/mistral-merge",
                                    "bob/gemma-ft"}


def test_console_values_are_a_table_only(client: TestClient) -> None:
    r = client.post("/cypher", data={"query": "MATCH (m:Model) RETURN m.id AS id LIMIT 3"})
    assert r.status_code == 200 and '<section id="lineage">' not in r.text
    assert "/static/graph/" not in r.text


def test_family_page_draws_the_counted_members(client: TestClient) -> None:
    data = drawn(client.get("/family/meta/Llama-7B").text)
    # The root, its children and grandchildren (the deleted alice/old-llama left out, as the
    # page's counts leave it out), and the hostile finetune of alice/llama-ft.
    assert models(data) == {"meta/Llama-7B", "meta/llama-7b-chat", "alice/llama-ft",
                            "carol/llama-lora", "thebloke/llama-ft-GGUF", "bob/llama-ft-ft",
                            "bob/llama-chat-ft", EVIL}
    assert ("carol/llama-lora", "meta/llama-7b", "adapter") in edges(data)
