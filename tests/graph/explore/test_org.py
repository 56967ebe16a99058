"""The organization page, ``/org/<name>``, and ``analytics.org_page`` against the small hand-made
graph: models with units, flows out and in counted here from the fixture's own JSON,
contributors, 404s with suggestions, case-insensitive names, escaping."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import neo4j
import pytest
from starlette.testclient import TestClient

from hflineage.analytics import org_page
from hflineage.errors import OrganizationNotFoundError
from tests.fixtures.analytics.graph import HERE
from tests.support.explore import GRAPH_SCRIPTS, script_tags, section, small_graph
from tests.support.server import TestServer

MARKUP = "<script>alert(1)</script>"
PACKED = "(packed storage of a quantized model: not comparable with unquantized sizes)"
EXTRA: dict[str, list[dict[str, Any]]] = {
    "organizations": [{"name": "markupco", "kind": "org"}],
    "models": [{"id": "markupco/x", "org": "markupco", "architecture": MARKUP,
                "createdAt": "2024-01-01"},
               # ties bob/llama-ft-ft's 10 downloads (the id decides); marked quantized storage
               {"id": "bob/llama-ft-ft-GPTQ", "org": "bob", "parameters": 1500000000,
                "downloads": 10, "quantizedStorage": True, "createdAt": "2024-02-01"},
               {"id": "bob/unknown-size", "org": "bob", "createdAt": "2024-02-02"}]}
DATA: dict[str, list[dict[str, Any]]] = json.loads((HERE / "small_graph.json").read_text())
ORG_OF = {m["id"].lower(): m.get("org") for m in DATA["models"]}
DELETED = {m["id"].lower() for m in DATA["models"] if m.get("deleted")}


def flows(org: str, direction: str) -> Counter[tuple[str | None, str]]:
    """Per (other organization, relation), the distinct derivatives (out) or own models (in)."""
    seen: set[tuple[str | None, str, str]] = set()
    for d in DATA["derived"]:
        child, parent = d["child"].lower(), d["parent"].lower()
        if child in DELETED or parent in DELETED:
            continue
        mine, theirs = (parent, child) if direction == "out" else (child, parent)
        if ORG_OF[mine] == org and ORG_OF[theirs] != org:
            seen.add((ORG_OF[theirs], d["relation"], child))
    return Counter((o, rel) for o, rel, _ in seen)


def commits(org: str) -> Counter[str]:
    mine = {m["id"].lower() for m in DATA["models"] if m.get("org") == org}
    total: Counter[str] = Counter()
    for c in DATA["commits"]:
        if c["model"].lower() in mine:
            total[c["contributor"]] += c["commits"]
    return total


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    return small_graph(driver, neo4j_server.database, EXTRA)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def test_models_are_listed_with_units(client: TestClient) -> None:
    r = client.get("/org/meta")
    assert r.status_code == 200, r.text
    html = section(r.text, "models")
    own = [m for m in DATA["models"] if m.get("org") == "meta"]
    assert f"<p>Top {len(own)} of {plural(len(own), 'model')} by downloads" in html
    assert f"{len(own)} of {len(own)} have a parameter count; {len(own)} of {len(own)} have a " \
        "download count" in html
    for m in own:
        assert f'<a href="/model/{m["id"]}">{m["id"]}</a>' in html
        assert f"{m['parameters'] / 1e9:,.2f} billion" in html
        assert f"{m['downloads']:,} downloads" in html
    assert "LlamaForCausalLM" in html
    empty = section(client.get("/org/mistralai").text, "flows-in")
    assert "No flows in" in empty


@pytest.mark.parametrize("org", ["meta", "alice", "bob", "mistralai"])
def test_flows_out_and_in_are_counted(client: TestClient, small: neo4j.Driver,
                                      neo4j_server: TestServer, org: str) -> None:
    page = org_page(small, org, database=neo4j_server.database)
    html = client.get(f"/org/{org}").text
    for direction, frame in [("out", page.flows_out), ("in", page.flows_in)]:
        expected = flows(org, direction)
        got = Counter({(r["organization"], r["relation"]): r["derivatives"]
                       for r in frame.to_dict("records")})
        assert got == expected, (org, direction)
        part = section(html, f"flows-{direction}")
        if not expected:
            assert "No flows" in part
        for (other, relation), n in expected.items():
            name = f'<a href="/org/{other}">{other}</a>' if other else "— (not known)"
            assert f"<tr><td>{name}</td><td>{relation}</td><td>{plural(n, 'model')}</td></tr>" \
                in part
    assert flows("meta", "out")  # the fixture does exercise both directions
    assert flows("alice", "in")


def test_contributors_with_commit_counts(client: TestClient) -> None:
    html = section(client.get("/org/meta").text, "contributors")
    expected = commits("meta")
    assert f"<p>Top {len(expected)} of {plural(len(expected), 'contributor')} by commits" in html
    for key, n in expected.items():
        kind, _, _ = key.partition(":")
        name = next(c["name"] for c in DATA["contributors"]
                    if f"{c['kind']}:{c['name'].lower()}" == key)
        assert f'<a href="/contributor/{kind}/{name}">{name}</a>' in html
        assert plural(n, "commit") in html
    assert '<span class="note">(bot)</span>' in html


def test_name_is_case_insensitive(client: TestClient) -> None:
    upper, plain = client.get("/org/MiStRaLaI"), client.get("/org/mistralai")
    assert upper.status_code == 200
    assert upper.text == plain.text
    assert "<h1>mistralai</h1>" in upper.text


def test_unknown_org_is_a_404_with_suggestions(client: TestClient, small: neo4j.Driver,
                                               neo4j_server: TestServer) -> None:
    r = client.get("/org/mistrali")
    assert r.status_code == 404
    assert "no organization or user &#39;mistrali&#39; in the graph" in r.text
    assert '<a href="/org/mistralai">mistralai</a>' in r.text
    assert 'href="/?q=mistrali"' in r.text
    with pytest.raises(OrganizationNotFoundError, match="did you mean mistralai"):
        org_page(small, "mistrali", database=neo4j_server.database)


def test_markup_is_escaped(client: TestClient) -> None:
    r = client.get("/org/markupco")
    assert r.status_code == 200
    assert "<script>" not in r.text and script_tags(r.text) == GRAPH_SCRIPTS
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "No flows out" in section(r.text, "flows-out")
    assert "0 contributors" in section(r.text, "contributors")
    missing = client.get("/org/%3Cscript%3Ealert(1)")
    assert missing.status_code == 404 and "<script" not in missing.text


#: bob's models (fixture plus EXTRA) by downloads, then id, worked out by hand: 10, 10 (the
#: longer id second), 5, 2, 0, and the one with no download count last.
BOB = ["bob/llama-ft-ft", "bob/llama-ft-ft-GPTQ", "bob/mistral-merge", "bob/llama-chat-ft",
       "bob/gemma-ft", "bob/unknown-size"]


def test_models_by_downloads_with_coverage_and_reasons(client: TestClient) -> None:
    html = section(client.get("/org/bob").text, "models")
    assert re.findall(r'<tr><td><a href="/model/([^"]+)">', html) == BOB
    assert "Top 6 of 6 models by downloads (last 30 days), then by id" in html
    assert "5 of 6 have a parameter count; 5 of 6 have a download count" in html
    assert ('<a href="/model/bob/unknown-size">bob/unknown-size</a></td><td>—</td><td>—</td>'
            "<td>—</td></tr>") in html
    assert '<p class="note">—: not known.</p>' in html
    assert f'<td>1.50 billion <span class="note">{PACKED}</span></td>' in html  # quantizedStorage
    assert html.count(PACKED) == 1  # the finetunes are not marked
    bloke = section(client.get("/org/thebloke").text, "models")  # a quantized edge
    assert f'<td>3.50 billion <span class="note">{PACKED}</span></td>' in bloke


def test_lists_are_capped_with_exact_totals(small: neo4j.Driver,
                                            neo4j_server: TestServer) -> None:
    page = org_page(small, "bob", database=neo4j_server.database, model_limit=3)
    assert list(page.models["id"]) == BOB[:3]
    assert (page.model_count, page.with_parameters, page.with_downloads) == (6, 5, 5)
    assert list(page.models["quantized"]) == [False, True, False]
    meta = org_page(small, "meta", database=neo4j_server.database, contributor_limit=1)
    # meta's commits: metadev 5 + 2, SFconvertbot 1
    assert meta.contributor_count == 2
    assert meta.contributors[["name", "commits", "models"]].to_dict("records") == [
        {"name": "metadev", "commits": 7, "models": 2}]

