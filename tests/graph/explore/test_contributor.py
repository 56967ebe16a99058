"""The contributor page, ``/contributor/<hub|git>/<name>``, and ``analytics.contributor_page``
against the small hand-made graph: models with commits and dates, organizations and totals
recomputed here from the fixture's own JSON, the bot flag, both kinds, 404s with suggestions
(unknown kind or name), case-insensitive and percent-encoded names, escaping, links that
resolve, and the model and organization pages' links to here."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any
from urllib.parse import quote

import neo4j
import pytest
from starlette.testclient import TestClient

from hflineage.analytics import contributor_page
from hflineage.errors import ContributorNotFoundError
from tests.fixtures.analytics.graph import HERE
from tests.support.explore import section, small_graph
from tests.support.server import TestServer

MARKUP = "<script>alert(1)</script>"
EXTRA: dict[str, list[dict[str, Any]]] = {
    "contributors": [{"name": MARKUP, "kind": "git"}, {"name": "ghostwriter", "kind": "hub"}],
    "commits": [{"contributor": f"git:{MARKUP}", "model": "bob/gemma-ft", "commits": 2,
                 "first": "2024-03-02", "last": "2024-03-04"},
                {"contributor": "hub:ghostwriter", "model": "google/gemma-7b", "commits": 4}],
}
DATA: dict[str, list[dict[str, Any]]] = json.loads((HERE / "small_graph.json").read_text())
for _key, _rows in EXTRA.items():
    DATA[_key] = DATA[_key] + _rows
ORG_OF: dict[str, str] = {m["id"].lower(): m.get("org") or "" for m in DATA["models"]}
ID_OF = {m["id"].lower(): m["id"] for m in DATA["models"]}


def commits_of(key: str) -> list[dict[str, Any]]:
    return [c for c in DATA["commits"] if c["contributor"] == key]


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def page_of(client: TestClient, kind: str, name: str) -> str:
    r = client.get(f"/contributor/{kind}/{quote(name, safe='')}")
    assert r.status_code == 200, r.text
    return r.text


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    return small_graph(driver, neo4j_server.database, EXTRA)


@pytest.mark.parametrize("name", ["bob", "alice", "metadev", "SFconvertbot"])
def test_models_with_commits_and_dates(client: TestClient, name: str) -> None:
    mine = commits_of(f"hub:{name.lower()}")
    html = page_of(client, "hub", name)
    models = section(html, "models")
    assert f"<p>Top {len(mine)} of {plural(len(mine), 'model')} committed to, by commits.</p>" \
        in models
    listed = re.findall(r'<tr><td><a href="/model/([^"]+)">', models)
    assert sorted(listed) == sorted(ID_OF[c["model"].lower()] for c in mine)
    counts = [int(n) for n in re.findall(r"<td>(\d+) commits?</td>", models)]
    assert counts == sorted((c["commits"] for c in mine), reverse=True)
    for c in mine:
        org = ORG_OF[c["model"].lower()]
        assert (f'<a href="/model/{ID_OF[c["model"].lower()]}">'
                f'{ID_OF[c["model"].lower()]}</a>') in models
        assert (f'<td><a href="/org/{org}">{org}</a></td><td>{plural(c["commits"], "commit")}'
                f'</td><td>{c["first"]}</td><td>{c["last"]}</td>') in models
    summary = section(html, "summary")
    total = sum(c["commits"] for c in mine)
    assert f"{plural(total, 'commit')} to {plural(len(mine), 'model')}" in summary
    assert f"<th>First commit</th><td>{min(c['first'] for c in mine)} (UTC date)</td>" in summary
    assert f"<th>Last commit</th><td>{max(c['last'] for c in mine)} (UTC date)</td>" in summary


def test_organizations_with_counts(client: TestClient) -> None:
    mine = commits_of("hub:bob")
    models = Counter(ORG_OF[c["model"].lower()] for c in mine)
    commits: Counter[str] = Counter()
    for c in mine:
        commits[ORG_OF[c["model"].lower()]] += c["commits"]
    assert len(models) == 2  # bob committed to his own models and to alice's
    html = section(page_of(client, "hub", "bob"), "organizations")
    assert "Top 2 of 2 organizations publishing those models" in html
    rows = re.findall(r'<tr><td><a href="/org/([^"]+)">[^<]+</a></td><td>(\d+) models?</td>'
                      r"<td>(\d+) commits?</td></tr>", html)
    assert {org: (int(n), int(c)) for org, n, c in rows} == {
        org: (models[org], commits[org]) for org in models}
    assert rows[0][0] == models.most_common(1)[0][0]


def test_bot_flag_and_kinds(client: TestClient) -> None:
    bot = page_of(client, "hub", "SFconvertbot")
    assert "and a bot (its commits are automated)" in bot
    assert "<th>Bot</th><td>yes</td>" in bot
    human = page_of(client, "hub", "alice")
    assert "<th>Bot</th><td>no</td>" in human and "A Hugging Face Hub account" in human
    git = page_of(client, "git", "Alice Smith")
    assert "<h1>Alice Smith</h1>" in git and "A git author name" in git
    assert "<th>Kind</th><td>git</td>" in git


def test_deleted_and_reference_only_models_and_unknown_times(client: TestClient) -> None:
    alice = section(page_of(client, "hub", "alice"), "models")
    assert re.search(r'>alice/old-llama</a> <span class="note">\(deleted\)</span>', alice)
    ghost = page_of(client, "hub", "ghostwriter")
    models = section(ghost, "models")
    assert re.search(r'>google/gemma-7b</a> <span class="note">\(reference only\)</span>', models)
    assert "<td>— (not known)</td><td>4 commits</td><td>— (not known)</td>" in models
    assert "— (no commit time known)" in section(ghost, "summary")
    orgs = section(ghost, "organizations")
    assert "0 organizations: the publisher of its 1 model is not known" in orgs


def test_analytics_function(small: neo4j.Driver, neo4j_server: TestServer) -> None:
    mine = commits_of("hub:bob")
    page = contributor_page(small, "hub", "BOB", database=neo4j_server.database)
    assert (page.name, page.kind, page.is_bot) == ("bob", "hub", False)
    assert page.commits == sum(c["commits"] for c in mine)
    assert len(page.models) == len(mine)
    assert page.first_commit is not None and page.first_commit[:10] == min(
        c["first"] for c in mine)
    assert page.last_commit is not None and page.last_commit[:10] == max(c["last"] for c in mine)
    short = contributor_page(small, "hub", "bob", database=neo4j_server.database, limit=1)
    assert (len(short.models), short.model_count) == (1, len(mine))
    assert short.models["commits"][0] == max(c["commits"] for c in mine)
    assert (len(short.organizations), short.organization_count) == (1, 2)
    assert short.commits == page.commits


def test_name_is_case_insensitive(client: TestClient) -> None:
    assert page_of(client, "hub", "BoB") == page_of(client, "hub", "bob")
    assert "<h1>SFconvertbot</h1>" in page_of(client, "hub", "sfconvertbot")


def test_unknown_name_is_a_404_with_suggestions(client: TestClient, small: neo4j.Driver,
                                                neo4j_server: TestServer) -> None:
    r = client.get("/contributor/hub/bobb")
    assert r.status_code == 404
    assert "no hub contributor &#39;bobb&#39; in the graph" in r.text
    assert '<a href="/contributor/hub/bob">bob (hub)</a>' in r.text
    assert 'href="/?q=bobb"' in r.text
    with pytest.raises(ContributorNotFoundError, match=r"did you mean bob \(hub\)"):
        contributor_page(small, "hub", "bobb", database=neo4j_server.database)
    wrong_kind = client.get("/contributor/hub/Alice%20Smith")
    assert wrong_kind.status_code == 404
    assert '<a href="/contributor/git/Alice%20Smith">Alice Smith (git)</a>' in wrong_kind.text


def test_unknown_kind_is_a_404_saying_so(client: TestClient, small: neo4j.Driver,
                                         neo4j_server: TestServer) -> None:
    r = client.get("/contributor/github/bob")
    assert r.status_code == 404
    assert "no contributor kind &#39;github&#39;: a contributor is hub" in r.text
    assert '<a href="/contributor/hub/bob">bob (hub)</a>' in r.text
    with pytest.raises(ContributorNotFoundError, match="kind 'github'"):
        contributor_page(small, "github", "bob", database=neo4j_server.database)


def test_markup_is_escaped_and_linked(client: TestClient) -> None:
    html = page_of(client, "git", MARKUP)
    assert "<script>alert" not in html
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in html
    link = f"/contributor/git/{quote(MARKUP, safe='')}"
    for page in (client.get("/model/bob/gemma-ft").text, client.get("/org/bob").text):
        assert MARKUP not in page
        assert f'<a href="{link}">&lt;script&gt;alert(1)&lt;/script&gt;</a>' in page
        assert client.get(link).status_code == 200
    missing = client.get("/contributor/git/%3Cscript%3Ealert(2)")
    assert missing.status_code == 404 and "<script>alert" not in missing.text


@pytest.mark.parametrize(("kind", "name"), [("hub", "bob"), ("hub", "ghostwriter"),
                                            ("git", "Alice Smith"), ("git", MARKUP)])
def test_links_resolve(client: TestClient, kind: str, name: str) -> None:
    html = page_of(client, kind, name)
    links = set(re.findall(r'href="(/(?:model|org)/[^"]+)"', html))
    assert links
    for href in links:
        assert client.get(href).status_code == 200, href


@pytest.mark.parametrize("page", ["/model/meta/Llama-7B", "/model/alice/mistral-ft",
                                  "/org/meta", "/org/alice"])
def test_model_and_org_pages_link_here(client: TestClient, page: str) -> None:
    links = set(re.findall(r'href="(/contributor/[^"]+)"', client.get(page).text))
    assert links
    for href in links:
        assert client.get(href).status_code == 200, href
