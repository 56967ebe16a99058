"""The architecture page, ``/architecture/<name>``, and ``analytics.architecture_page`` against
the small hand-made graph: counts recomputed here from the fixture's own JSON, top lists with
their totals, per-board leaderboard coverage, 404s with suggestions, case-insensitive and
percent-encoded names, escaping, and links that resolve."""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from typing import Any
from urllib.parse import quote

import neo4j
import pytest
from starlette.testclient import TestClient

from hflineage.analytics import architecture_page
from hflineage.errors import ArchitectureNotFoundError
from tests.fixtures.analytics.graph import HERE
from tests.support.explore import section, small_graph
from tests.support.server import TestServer

LLAMA = "LlamaForCausalLM"
MARKUP = "<script>alert(1)</script>"
ODD = "Odd Arch/v2 ü"
SHOUTY = "LLAMAforCausalLM"  # another architecture, differing only in case
MISTRAL = "MistralForCausalLM"
PACKED_ONLY = "PackedOnlyForCausalLM"
PACKED = "(packed storage of a quantized model: not comparable with unquantized sizes)"
EXTRA: dict[str, list[dict[str, Any]]] = {
    "organizations": [{"name": "markupco", "kind": "org"}],
    "models": [{"id": "markupco/x", "org": "markupco", "architecture": MARKUP,
                "parameters": 2000000000, "downloads": 7, "createdAt": "2024-01-01"},
               {"id": "ghost/llama-stub", "stub": True, "architecture": LLAMA},
               {"id": "carol/odd", "org": "carol", "architecture": ODD,
                "createdAt": "2024-02-01"},
               {"id": "markupco/shouty", "org": "markupco", "architecture": SHOUTY,
                "downloads": 3, "createdAt": "2024-02-02"},
               {"id": "thebloke/Mistral-7B-packed", "org": "thebloke", "architecture": MISTRAL,
                "parameters": 1200000000, "downloads": 300, "createdAt": "2023-09-10"},
               {"id": "carol/mistral-4bit", "org": "carol", "architecture": MISTRAL,
                "parameters": 1100000000, "quantizedStorage": True, "downloads": 4,
                "createdAt": "2023-09-11"},
               {"id": "carol/mistral-3b", "org": "carol", "architecture": MISTRAL,
                "parameters": 3000000000, "downloads": 3, "createdAt": "2023-09-12"},
               {"id": "carol/packed-only", "org": "carol", "architecture": PACKED_ONLY,
                "parameters": 1000000000, "quantizedStorage": True, "createdAt": "2023-09-13"}],
    "contributors": [{"name": MARKUP, "kind": "git"}],
    # Mistral's quantized models: one by a quantized edge, one by the quantizedStorage mark
    "derived": [{"child": "thebloke/Mistral-7B-packed", "parent": "mistralai/Mistral-7B",
                 "relation": "quantized"}],
    "commits": [{"contributor": f"git:{MARKUP}", "model": "markupco/x", "commits": 2,
                 "first": "2024-01-01", "last": "2024-01-02"}],
}
DATA: dict[str, list[dict[str, Any]]] = json.loads((HERE / "small_graph.json").read_text())
for _key, _rows in EXTRA.items():
    DATA[_key] = DATA[_key] + _rows


def described(arch: str) -> list[dict[str, Any]]:
    return [m for m in DATA["models"] if m.get("architecture") == arch
            and not m.get("stub") and not m.get("deleted")]


def ids(arch: str) -> set[str]:
    return {m["id"].lower() for m in described(arch)}


def commits(arch: str) -> Counter[str]:
    """Commits per contributor key to the architecture's described models."""
    total: Counter[str] = Counter()
    for c in DATA["commits"]:
        if c["model"].lower() in ids(arch):
            total[c["contributor"]] += c["commits"]
    return total


def scored(arch: str, board: str) -> set[str]:
    return {s["model"].lower() for s in DATA["scores"]
            if s.get("leaderboard", "v1") == board and s["model"].lower() in ids(arch)}


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    return small_graph(driver, neo4j_server.database, EXTRA)


@pytest.fixture
def llama(client: TestClient) -> str:
    r = client.get(f"/architecture/{LLAMA}")
    assert r.status_code == 200, r.text
    return r.text


def test_model_counts_state_stubs_and_deleted_apart(llama: str) -> None:
    all_llama = [m for m in DATA["models"] if m.get("architecture") == LLAMA]
    stubs = sum(1 for m in all_llama if m.get("stub") and not m.get("deleted"))
    deleted = sum(1 for m in all_llama if m.get("deleted"))
    assert (len(described(LLAMA)), stubs, deleted) == (6, 1, 1)  # the fixture exercises all three
    html = section(llama, "summary")
    assert f"{plural(6, 'described model')} have this architecture" in html
    assert plural(stubs, "reference-only model") in html
    assert plural(deleted, "deleted model") in html


def test_organizations_with_counts_and_total(llama: str) -> None:
    counts = Counter(m["org"] for m in described(LLAMA) if m.get("org"))
    html = section(llama, "organizations")
    assert f"Top {len(counts)} of {plural(len(counts), 'organization')}" in html
    rows = re.findall(r'<tr><td><a href="/org/([^"]+)">[^<]+</a></td><td>(\d+) models?</td></tr>',
                      html)
    assert {org: int(n) for org, n in rows} == counts
    assert [int(n) for _, n in rows] == sorted((int(n) for _, n in rows), reverse=True)


def test_most_downloaded_models_in_order(llama: str) -> None:
    expected = sorted(described(LLAMA), key=lambda m: -m["downloads"])
    html = section(llama, "models")
    assert f"Top {len(expected)} of {plural(len(expected), 'described model')} by downloads" \
        in html
    assert f"{len(expected)} of {len(expected)} have a download count" in html
    listed = re.findall(r'<tr><td><a href="/model/([^"]+)">', html)
    assert listed == [m["id"] for m in expected]
    for m in expected:
        assert f"<td>{m['downloads']:,} download{'' if m['downloads'] == 1 else 's'}</td>" \
            in html
        assert f"{m['parameters'] / 1e9:,.2f} billion" in html


def test_derivatives_by_relation(llama: str) -> None:
    edges = Counter(d["relation"] for d in DATA["derived"] if d["child"].lower() in ids(LLAMA))
    children = {rel: len({d["child"].lower() for d in DATA["derived"]
                          if d["relation"] == rel and d["child"].lower() in ids(LLAMA)})
                for rel in edges}
    assert edges == {"finetune": 4}  # alice/old-llama's edge is left out: it is deleted
    html = section(llama, "derivatives")
    for rel, n in edges.items():
        assert (f"<tr><td>{rel}</td><td>{plural(n, 'edge')}</td>"
                f"<td>{plural(children[rel], 'model')}</td></tr>") in html


def test_parameter_sizes_with_coverage(llama: str) -> None:
    sizes = [m["parameters"] for m in described(LLAMA) if m.get("parameters") is not None]
    html = re.sub(r"<[^>]+>", "", section(llama, "parameters"))
    assert f"Median {statistics.median(sizes) / 1e9:,.2f} billion parameters" in html
    assert f"range {min(sizes) / 1e9:,.2f} to {max(sizes) / 1e9:,.2f} billion" in html
    assert f"{len(sizes)} of {len(described(LLAMA))} have a parameter count" in html
    assert f'title="{min(sizes):,} parameters"' in section(llama, "parameters")


def test_contributors_by_commits(llama: str) -> None:
    expected = commits(LLAMA)
    bots = {f"{c['kind']}:{c['name'].lower()}" for c in DATA["contributors"] if c.get("isBot")}
    html = section(llama, "contributors")
    n_bots = len(bots & set(expected))
    assert f"{plural(len(expected), 'contributor')} committed to these models ({n_bots} of them" \
        in html
    assert f"top {len(expected)} of {len(expected)} by commits" in html
    for key, n in expected.items():
        kind, _, _ = key.partition(":")
        name = next(c["name"] for c in DATA["contributors"]
                    if f"{c['kind']}:{c['name'].lower()}" == key)
        assert f'<a href="/contributor/{kind}/{quote(name, safe="")}">{name}</a>' in html
        assert re.search(rf">{re.escape(name)}</a>(?: <span class=\"note\">\(bot\)</span>)?"
                         rf"</td><td>{kind}</td><td>{plural(n, 'commit')}</td>", html), key
    assert '<span class="note">(bot)</span>' in html


def test_leaderboard_coverage_per_board(llama: str) -> None:
    html = section(llama, "leaderboards")
    n = len(described(LLAMA))
    for board in ("v1", "v2"):
        got = len(scored(LLAMA, board))
        assert (f"<tr><td>Open LLM Leaderboard {board}</td><td>{got} of {plural(n, 'model')}"
                "</td></tr>") in html
    assert len(scored(LLAMA, "v1")) != len(scored(LLAMA, "v2"))  # boards are not pooled


def test_analytics_function_and_its_limit(small: neo4j.Driver,
                                          neo4j_server: TestServer) -> None:
    page = architecture_page(small, "llamaforcausallm", database=neo4j_server.database, limit=2)
    counts = Counter(m["org"] for m in described(LLAMA) if m.get("org"))
    assert page.name == LLAMA
    assert (page.described, page.stubs, page.deleted) == (6, 1, 1)
    assert len(page.organizations) == 2 and page.organization_count == len(counts)
    assert len(page.models) == 2 and list(page.models["id"]) == ["meta/Llama-7B",
                                                                 "meta/llama-7b-chat"]
    assert len(page.contributors) == 2 and page.contributor_count == len(commits(LLAMA))
    assert dict(zip(page.boards["leaderboard"], page.boards["models"], strict=True)) == {
        "v1": len(scored(LLAMA, "v1")), "v2": len(scored(LLAMA, "v2"))}


def test_name_is_case_insensitive(client: TestClient, llama: str) -> None:
    r = client.get(f"/architecture/{LLAMA.lower()}")
    assert r.status_code == 200
    assert r.text == llama
    assert f"<h1>{LLAMA}</h1>" in r.text


def test_unknown_name_is_a_404_with_suggestions(client: TestClient, small: neo4j.Driver,
                                                neo4j_server: TestServer) -> None:
    r = client.get("/architecture/LlamaForCausalL")
    assert r.status_code == 404
    assert "no architecture &#39;LlamaForCausalL&#39; in the graph" in r.text
    assert f'<a href="/architecture/{LLAMA}">{LLAMA}</a>' in r.text
    assert 'href="/?q=LlamaForCausalL"' in r.text
    with pytest.raises(ArchitectureNotFoundError, match=f"did you mean [^?]*{LLAMA}"):
        architecture_page(small, "LlamaForCausalL", database=neo4j_server.database)


def test_percent_encoded_name_and_missing_values(client: TestClient) -> None:
    r = client.get("/architecture/" + quote(ODD, safe=""))
    assert r.status_code == 200, r.text
    assert f"<h1>{ODD}</h1>" in r.text
    models = section(r.text, "models")
    assert '<a href="/model/carol/odd">carol/odd</a>' in models
    assert "0 of 1 have a download count" in models
    assert "— (not known)" in models and " 0 downloads" not in models
    assert "Median —: 0 of 1 have a parameter count" in section(r.text, "parameters")
    assert "0 contributors" in section(r.text, "contributors")
    assert "0 of 1 model</td>" in section(r.text, "leaderboards")


def test_markup_is_escaped(client: TestClient) -> None:
    r = client.get("/architecture/" + quote(MARKUP, safe=""))
    assert r.status_code == 200, r.text
    assert "<script>alert" not in r.text
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in r.text
    link = "/contributor/git/" + quote(MARKUP, safe="")
    assert f'<a href="{link}">&lt;script&gt;alert(1)&lt;/script&gt;</a>' in r.text
    model = client.get("/model/markupco/x")
    assert f'href="/architecture/{quote(MARKUP, safe="")}"' in model.text
    missing = client.get("/architecture/%3Cscript%3Ealert(2)")
    assert missing.status_code == 404 and "<script>alert" not in missing.text


@pytest.mark.parametrize("arch", [LLAMA, MARKUP, ODD])
def test_links_resolve(client: TestClient, arch: str) -> None:
    html = client.get("/architecture/" + quote(arch, safe="")).text
    links = set(re.findall(r'href="(/(?:model|org|contributor)/[^"]+)"', html))
    assert links
    for href in links:
        assert client.get(href).status_code == 200, href


def test_model_pages_link_here(client: TestClient) -> None:
    html = client.get("/model/meta/Llama-7B").text
    href = re.search(r'href="(/architecture/[^"]+)"', html)
    assert href and href.group(1) == f"/architecture/{LLAMA}"
    assert client.get(href.group(1)).status_code == 200


def test_spellings_differing_in_case_are_told_apart(client: TestClient, llama: str) -> None:
    assert f'<a href="/architecture/{SHOUTY}">{SHOUTY}</a>' in section(llama, "summary")
    r = client.get(f"/architecture/{SHOUTY}")
    assert r.status_code == 200
    assert f"<h1>{SHOUTY}</h1>" in r.text
    assert f"{plural(len(described(SHOUTY)), 'described model')} has this architecture" in r.text
    assert f'<a href="/architecture/{LLAMA}">{LLAMA}</a>' in section(r.text, "summary")


def test_quantized_counts_are_left_out_of_the_sizes(client: TestClient) -> None:
    r = client.get(f"/architecture/{MISTRAL}")
    assert r.status_code == 200, r.text
    # Mistral's 6 described models: 7.2B three times and 3.0B, plus 1.2B (quantized edge) and
    # 1.1B (quantizedStorage) left out: median 7.2, range 3.0 to 7.2 (5.1 and 1.1 with them).
    text = re.sub(r"<[^>]+>", "", section(r.text, "parameters"))
    assert "Median 7.20 billion parameters; range 3.00 to 7.20 billion." in text
    assert "6 of 6 have a parameter count; 2 quantized left out." in text
    models = section(r.text, "models")
    for packed in ["thebloke/Mistral-7B-packed", "carol/mistral-4bit"]:
        row = re.search(rf'<tr><td><a href="/model/{packed}">.*?</tr>', models)
        assert row and PACKED in row.group(0), packed
    assert models.count(PACKED) == 2
    only = client.get(f"/architecture/{PACKED_ONLY}").text
    assert "Median —: 1 of 1 have a parameter count; 1 quantized left out." in \
        section(only, "parameters")


def test_analytics_counts_the_quantized_apart(small: neo4j.Driver,
                                             neo4j_server: TestServer) -> None:
    page = architecture_page(small, MISTRAL, database=neo4j_server.database)
    assert (page.with_parameters, page.quantized_parameters) == (6, 2)
    assert (page.median_parameters, page.min_parameters, page.max_parameters) == (
        7200000000, 3000000000, 7200000000)
    packed = architecture_page(small, PACKED_ONLY, database=neo4j_server.database)
    assert (packed.with_parameters, packed.quantized_parameters, packed.median_parameters) == (
        1, 1, None)
