"""The model page, ``/model/<id>``, and ``analytics.model_page`` against the small hand-made
graph: facts with units, relatives by relation, ancestry to the roots, scores with deltas
recomputed here from the fixture's own numbers, contributors, 404s with suggestions, escaping."""

from __future__ import annotations

import json
import math
from typing import Any

import neo4j
import pytest
from starlette.testclient import TestClient

from hflineage.analytics import model_page
from hflineage.errors import ModelNotFoundError
from hflineage.explore import model
from tests.fixtures.analytics.graph import HERE
from tests.support.explore import GRAPH_SCRIPTS, script_tags, section, small_graph
from tests.support.server import TestServer

MARKUP = "<script>alert(1)</script>"
PACKED = "(packed storage of a quantized model: not comparable with unquantized sizes)"
EXTRA: dict[str, list[dict[str, Any]]] = {"models": [
    {"id": "meta/markup-model", "org": "meta", "architecture": MARKUP, "createdAt": "2024-01-01"},
    # the loader's marks: quantized storage (no quantized edge) and a flagged count
    {"id": "dave/llama-7b-4bit", "parameters": 500000000, "quantizedStorage": True,
     "parametersFlag": "disagrees-with-name", "createdAt": "2024-02-01"}]}
#: The fixture's scores: (model id lower-cased, leaderboard, benchmark) -> score.
SCORES = {(s["model"].lower(), s.get("leaderboard", "v1"), s["benchmark"]): s["score"]
          for s in json.loads((HERE / "small_graph.json").read_text())["scores"]}


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    """The small graph plus one model with markup in it, built once for these read-only tests."""
    return small_graph(driver, neo4j_server.database, EXTRA)


def cell(value: float | None) -> str:
    return "<td>—</td>" if value is None else f"<td>{value:.2f}</td>"


def score_row(model: str, board: str, benchmark: str, others: list[str]) -> str:
    """The row the page must show, from the fixture's numbers: own score, then per relative
    its score and the delta (— when it has none, never 0)."""
    own = SCORES[(model, board, benchmark)]
    row = f"<tr><th>{benchmark}</th>{cell(own)}"
    for other in others:
        theirs = SCORES.get((other, board, benchmark))
        d = "—" if theirs is None else f"{own - theirs:+.2f}"
        row += f'{cell(theirs)}<td class="delta">{d}</td>'
    return row + "</tr>"


def test_facts_state_their_units_and_link_out(client: TestClient) -> None:
    r = client.get("/model/alice/llama-ft")
    assert r.status_code == 200, r.text
    facts = section(r.text, "facts")
    assert '<a href="/org/alice">alice</a>' in facts
    assert '<a href="/architecture/LlamaForCausalLM">LlamaForCausalLM</a>' in facts
    assert '<span title="7000000000 parameters">7.00 billion</span>' in facts
    assert "apache-2.0 (openness: permissive)" in facts
    assert "not gated" in facts
    assert "2023-03-05 (UTC date)" in facts
    assert "200 downloads" in facts and "20 likes" in facts
    assert 'href="https://huggingface.co/alice/llama-ft"' in r.text
    gated = client.get("/model/meta/Llama-7B").text
    assert "gated (manual approval)" in gated and "llama2 (openness: custom/restricted)" in gated


def test_relatives_are_grouped_by_relation_with_the_chain_to_the_root(client: TestClient
                                                                       ) -> None:
    html = client.get("/model/alice/llama-ft").text
    parents, children = section(html, "parents"), section(html, "children")
    assert "<dt>finetune (1 model)</dt>" in parents
    assert '<a href="/model/meta/Llama-7B">meta/Llama-7B</a>' in parents
    assert "<dt>finetune (1 model)</dt>" in children and "<dt>quantized (1 model)</dt>" in children
    assert children.index("finetune") < children.index("bob/llama-ft-ft") \
        < children.index("quantized") < children.index("thebloke/llama-ft-GGUF")
    leaf = client.get("/model/bob/llama-ft-ft").text
    assert "No children" in section(leaf, "children")
    chain = section(leaf, "ancestry")
    assert ('<strong>bob/llama-ft-ft</strong> → <a href="/model/alice/llama-ft">alice/llama-ft</a>'
            ' → <a href="/model/meta/Llama-7B">meta/Llama-7B</a>') in chain
    assert "2 generations up" in chain
    root = client.get("/model/meta/Llama-7B").text
    assert "No parents: a root model." in section(root, "parents")
    assert "No ancestry: a root model." in section(root, "ancestry")
    assert "<dt>adapter (1 model)</dt>" in section(root, "children")


def test_merge_scores_with_deltas_against_each_parent_and_the_root(client: TestClient) -> None:
    html = section(client.get("/model/bob/mistral-merge").text, "scores")
    relatives = ["alice/mistral-ft", "mistralai/mistral-7b", "mistralai/mistral-7b"]
    assert score_row("bob/mistral-merge", "v1", "Average", relatives) in html
    assert "+2.00" in html and "+5.00" in html
    assert "v2" not in html  # the merge has no v2 score: no v2 table


def test_scores_per_leaderboard_and_benchmark(client: TestClient) -> None:
    html = section(client.get("/model/alice/llama-ft").text, "scores")
    for board, benchmark in [("v1", "Average"), ("v1", "ARC"), ("v2", "Average")]:
        assert score_row("alice/llama-ft", board, benchmark,
                         ["meta/llama-7b", "meta/llama-7b"]) in html
    leaf = section(client.get("/model/bob/llama-ft-ft").text, "scores")
    assert score_row("bob/llama-ft-ft", "v1", "Average",
                     ["alice/llama-ft", "meta/llama-7b"]) in leaf
    assert "ARC" not in leaf  # a score the model does not have is not invented


def test_a_missing_relative_score_is_a_dash_never_zero(client: TestClient,
                                                       small: neo4j.Driver,
                                                       neo4j_server: TestServer) -> None:
    html = section(client.get("/model/bob/gemma-ft").text, "scores")
    row = score_row("bob/gemma-ft", "v1", "Average", ["google/gemma-7b", "google/gemma-7b"])
    assert row in html and '<td>—</td><td class="delta">—</td>' in row
    page = model_page(small, "BOB/Gemma-FT", database=neo4j_server.database)
    assert page.id == "bob/gemma-ft"
    assert page.comparisons["delta"].map(math.isnan).all()
    merge = model_page(small, "bob/mistral-merge", database=neo4j_server.database)
    assert sorted(merge.comparisons["delta"]) == sorted(
        [60.0 - 58.0, 60.0 - 55.0, 60.0 - 55.0])


def test_contributors_link_to_their_pages(client: TestClient) -> None:
    html = section(client.get("/model/alice/mistral-ft").text, "contributors")
    assert '<a href="/contributor/hub/alice">alice</a>' in html
    assert '<a href="/contributor/git/Alice%20Smith">Alice Smith</a>' in html
    assert "<td>1 commit</td>" in html and "2023-10-02" in html
    bot = section(client.get("/model/meta/Llama-7B").text, "contributors")
    assert "SFconvertbot</a> <span class=\"note\">(bot)</span>" in bot
    none = client.get("/model/google/gemma-7b").text
    assert "No contributors" in section(none, "contributors")


def test_encoded_slash_is_the_same_page(client: TestClient) -> None:
    plain = client.get("/model/alice/llama-ft")
    encoded = client.get("/model/alice%2Fllama-ft")
    assert encoded.status_code == 200
    assert encoded.text == plain.text


def test_unknown_model_is_a_404_with_suggestions(client: TestClient) -> None:
    r = client.get("/model/meta/llama-7b-chatt")
    assert r.status_code == 404
    assert "no model &#39;meta/llama-7b-chatt&#39; in the graph" in r.text
    assert '<a href="/model/meta/llama-7b-chat">meta/llama-7b-chat</a>' in r.text
    assert 'href="/?q=meta%2Fllama-7b-chatt"' in r.text


def test_library_refuses_an_unknown_model_naming_close_ones(small: neo4j.Driver,
                                                           neo4j_server: TestServer) -> None:
    with pytest.raises(ModelNotFoundError, match="did you mean meta/llama-7b-chat"):
        model_page(small, "meta/llama-7b-chatt", database=neo4j_server.database)


def test_markup_is_escaped(client: TestClient) -> None:
    r = client.get("/model/meta/markup-model")
    assert r.status_code == 200
    assert MARKUP not in r.text
    assert "<script>" not in r.text and script_tags(r.text) == GRAPH_SCRIPTS
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert 'href="/architecture/%3Cscript%3Ealert%281%29%3C%2Fscript%3E"' in r.text
    missing = client.get("/model/x/%3Cscript%3Ealert(1)")
    assert missing.status_code == 404 and "<script" not in missing.text


def test_stub_model_renders(client: TestClient) -> None:
    r = client.get("/model/google/gemma-7b")
    assert r.status_code == 200, r.text
    assert "Reference only" in r.text
    assert "— (not known)" in section(r.text, "facts")
    assert "No parents: a root model." in r.text
    assert '<a href="/model/bob/gemma-ft">bob/gemma-ft</a>' in section(r.text, "children")
    assert "No leaderboard scores" in r.text


def test_quantized_counts_are_marked_as_packed_storage(client: TestClient, small: neo4j.Driver,
                                                      neo4j_server: TestServer) -> None:
    gguf = section(client.get("/model/thebloke/llama-ft-GGUF").text, "facts")  # quantized edge
    assert f'<span title="3500000000 parameters">3.50 billion</span> <span class="note">{PACKED}' \
        in gguf
    assert "suspect count" not in gguf
    marked = section(client.get("/model/dave/llama-7b-4bit").text, "facts")  # quantizedStorage
    assert '<span title="500000000 parameters">0.50 billion</span>' in marked and PACKED in marked
    assert ("(suspect count, disagrees-with-name: more than 10× away from the size the "
            "model&#39;s name states)") in marked
    plain = section(client.get("/model/alice/llama-ft").text, "facts")  # a finetune
    assert PACKED not in plain and "suspect count" not in plain
    pages = {m: model_page(small, m, database=neo4j_server.database)
             for m in ["thebloke/llama-ft-GGUF", "dave/llama-7b-4bit", "alice/llama-ft"]}
    assert {m: (p.quantized, p.parameters_flag) for m, p in pages.items()} == {
        "thebloke/llama-ft-GGUF": (True, None),
        "dave/llama-7b-4bit": (True, "disagrees-with-name"),
        "alice/llama-ft": (False, None)}


def test_missing_dates_are_not_known(client: TestClient) -> None:
    stub = section(client.get("/model/google/gemma-7b").text, "facts")
    assert "<tr><th>Created</th><td>— (not known)</td></tr>" in stub
    assert "<tr><th>Last modified</th><td>— (not known)</td></tr>" in stub
    assert "UTC date" not in stub


def test_family_links_go_to_the_family_pages(client: TestClient) -> None:
    chain = section(client.get("/model/bob/llama-ft-ft").text, "ancestry")
    assert '<a class="family" href="/family/bob/llama-ft-ft">' in chain
    assert '<a href="/family/meta/Llama-7B">its family</a>' in chain
    assert client.get("/family/meta/Llama-7B").status_code == 200
    assert model.family_path("a b/c?d") == "/family/a%20b/c%3Fd"


def test_a_drifting_model_without_a_licence_reads_no_licence(client: TestClient) -> None:
    """thebloke/llama-ft-GGUF states no licence and is ungated below Meta's gated base: its
    drift row names the missing licence in words, never 'nan' or 'None'."""
    r = client.get("/model/thebloke/llama-ft-GGUF")
    assert r.status_code == 200
    row = r.text[r.text.index('<tr id="licence-drift">'):]
    row = row[:row.index("</tr>")]
    assert "this model's no licence (unknown)" in row and "not gated" in row
    assert "nan" not in row and "None" not in row
