"""Search (issue 15): the full-text index ``db init`` creates, ``analytics.search`` and the
explorer's ``/`` and ``/api/search``, against the small graph plus a few search-worthy nodes."""

from __future__ import annotations

import re

import neo4j
import pytest
from starlette.testclient import TestClient

from hflineage import analytics
from hflineage.analytics.search import await_search_index, lucene_escape, lucene_query
from hflineage.db.schema import init_schema
from tests.support.explore import small_graph
from tests.support.server import TestServer

#: The page's only script: the type-ahead, a static file (the CSP forbids inline script).
TYPEAHEAD = '<script src="/static/search.js" defer>'
SCRIPTS = re.compile(r"<script\b[^>]*>")
#: A model id that is markup: results must show it as text.
HOSTILE = 'evil/<b onmouseover="x">zephyrine</b>'
EXTRA = {
    "organizations": [{"name": "HuggingFaceH4", "kind": "org"}],
    "models": [
        {"id": "HuggingFaceH4/zephyr-7b-beta", "org": "HuggingFaceH4",
         "architecture": "MistralForCausalLM", "createdAt": "2023-10-26"},
        {"id": HOSTILE, "createdAt": "2024-01-01"},
    ],
}


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    """The small graph plus zephyr, built once for these read-only tests."""
    small_graph(driver, neo4j_server.database, EXTRA)
    await_search_index(driver, neo4j_server.database)
    return driver


def test_init_schema_creates_the_search_index(graph: neo4j.Driver, database: str) -> None:
    records, _, _ = graph.execute_query(
        "SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties "
        "RETURN name, labelsOrTypes, properties", database_=database)
    found = {r["name"]: r for r in records}
    assert "search_names" in found
    assert set(found["search_names"]["labelsOrTypes"]) == {
        "Model", "Organization", "Architecture", "Contributor"}
    assert set(found["search_names"]["properties"]) == {"id", "name"}
    init_schema(graph, database)  # idempotent


def test_lucene_query_escapes_and_keeps_only_words() -> None:
    assert lucene_escape('a:b OR (c*) "d" \\ ~ / ^') == (
        'a\\:b OR \\(c\\*\\) \\"d\\" \\\\ \\~ \\/ \\^')
    assert lucene_query("ZEPH") == "(zeph^3 OR zeph* OR zeph~1)"
    assert lucene_query("a:b OR (c*") == (
        "(a^3 OR a*) AND (b^3 OR b*) AND (or^3 OR or*) AND (c^3 OR c*)")
    assert lucene_query('\\ ~ "" * :') == ""


@pytest.mark.parametrize("q", ["zephyr", "zeph", "ZEPHYR", "Zeph", "zephir", "zephyr 7b",
                               "huggingfaceh4/zephyr"])
def test_search_finds_zephyr_by_prefix_case_and_typo(small: neo4j.Driver, database: str,
                                                     q: str) -> None:
    df = analytics.search(small, q, database=database)
    assert list(df.columns) == ["kind", "name", "path", "score"]
    models = df[df.kind == "model"]
    assert "HuggingFaceH4/zephyr-7b-beta" in set(models.name), df
    row = models[models.name == "HuggingFaceH4/zephyr-7b-beta"].iloc[0]
    assert row.path == "/model/HuggingFaceH4/zephyr-7b-beta"


def test_search_lists_models_first_then_organizations_and_architectures(
        small: neo4j.Driver, database: str) -> None:
    df = analytics.search(small, "mistral", database=database)
    kinds = list(df.kind)
    assert kinds[0] == "model" and kinds == sorted(kinds, key=lambda k: k != "model")
    hits = set(zip(df.kind, df.path, strict=True))
    assert ("organization", "/org/mistralai") in hits
    assert ("architecture", "/architecture/MistralForCausalLM") in hits
    assert analytics.search(small, "huggingface", database=database).kind.tolist()[-1] == (
        "organization")


def test_search_finds_contributors(small: neo4j.Driver, database: str) -> None:
    df = analytics.search(small, "metadev", database=database)
    assert ("contributor", "metadev", "/contributor/hub/metadev") in set(
        zip(df.kind, df.name, df.path, strict=True))


def test_search_page_shows_a_form_and_links_to_the_queries(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert '<form method="get" action="/"' in r.text and 'name="q"' in r.text
    assert 'href="/queries"' in r.text
    assert SCRIPTS.findall(r.text) == [TYPEAHEAD] and "search-results" not in r.text


def test_search_page_renders_hits_as_links(client: TestClient) -> None:
    r = client.get("/", params={"q": "zephyr"})
    assert r.status_code == 200
    assert '<a href="/model/HuggingFaceH4/zephyr-7b-beta">HuggingFaceH4/zephyr-7b-beta</a>' in (
        r.text)
    assert 'value="zephyr"' in r.text
    assert SCRIPTS.findall(r.text) == [TYPEAHEAD]
    api = client.get("/api/search", params={"q": "zephyr"}).json()
    assert f"{len(api)} match{'' if len(api) == 1 else 'es'} for &ldquo;zephyr&rdquo;" in r.text
    assert "the best 20 only" not in r.text  # fewer than the limit: nothing left out


def test_search_page_says_when_it_shows_only_the_best(client: TestClient) -> None:
    """At the limit the page says there may be more, instead of passing a cut list as all."""
    r = client.get("/", params={"q": "a"})  # one letter: a prefix of many names
    hits = client.get("/api/search", params={"q": "a"}).json()
    assert r.status_code == 200
    assert (len(hits) >= 20) == ("the best 20 only, so there may be more" in r.text)


def test_search_page_escapes_a_hostile_id(client: TestClient) -> None:
    r = client.get("/", params={"q": "zephyrine"})
    assert r.status_code == 200
    assert HOSTILE not in r.text and "<b " not in r.text
    assert "evil/&lt;b onmouseover=&#34;x&#34;&gt;zephyrine&lt;/b&gt;" in r.text
    assert 'href="/model/evil/%3Cb%20onmouseover%3D%22x%22%3Ezephyrine%3C/b%3E"' in r.text


@pytest.mark.parametrize("q", ['"a:b OR (c*"', "a:b OR (c*", "\\", "~", '"', "'", "*", "?",
                               "AND", "zephyr~~", "[x TO y]", "<script>", "%00", "/"])
def test_hostile_input_is_answered_without_error(client: TestClient, q: str) -> None:
    page = client.get("/", params={"q": q})
    assert page.status_code == 200, page.text
    assert 'class="error"' not in page.text
    api = client.get("/api/search", params={"q": q})
    assert api.status_code == 200, api.text
    assert isinstance(api.json(), list)


def test_api_gives_kind_name_path_and_score(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "zeph"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    hits = r.json()
    assert hits and all(set(h) == {"kind", "name", "path", "score"} for h in hits)
    assert all(isinstance(h["score"], float) for h in hits)
    assert {"kind": "model", "name": "HuggingFaceH4/zephyr-7b-beta",
            "path": "/model/HuggingFaceH4/zephyr-7b-beta"}.items() <= hits[0].items()


@pytest.mark.parametrize("q", ["", "   "])
def test_api_answers_empty_text_with_nothing(client: TestClient, q: str) -> None:
    r = client.get("/api/search", params={"q": q})
    assert (r.status_code, r.json()) == (200, [])


def test_too_long_text_is_a_400(client: TestClient) -> None:
    api = client.get("/api/search", params={"q": "z" * 201})
    assert api.status_code == 400
    assert "at most 200 characters" in api.json()["error"]
    page = client.get("/", params={"q": "z" * 201})
    assert page.status_code == 400 and "at most 200 characters" in page.text
    assert client.get("/api/search", params={"q": "z" * 200}).status_code == 200
