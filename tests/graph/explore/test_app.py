"""The explorer app (``hflineage.explore.create_app``) against the small hand-made graph: health,
the query API (the same rows as ``hflineage query run``), the query pages, the security headers
and the token."""

from __future__ import annotations

import json

import neo4j
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from hflineage.cli import cli
from hflineage.cypher import registry
from hflineage.db.connection import Connection, open_driver
from hflineage.explore import app as explore_app
from hflineage.explore import create_app
from hflineage.explore.security import CSP
from tests.support.explore import LOCAL, small_graph
from tests.support.server import TestServer

#: A model whose architecture is markup: every page must show it as text.
MARKUP = "<script>alert(1)</script>"
EXTRA = {"models": [{"id": "meta/markup-model", "org": "meta", "architecture": MARKUP,
                     "createdAt": "2024-01-01"}]}


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    """The small graph plus one model with markup in it, built once for these read-only tests."""
    return small_graph(driver, neo4j_server.database, EXTRA)


def cli_rows(env: dict[str, str], name: str, params: dict[str, str], fmt: str) -> str:
    args = ["query", "run", name, "--format", fmt]
    for key, value in params.items():
        args += ["-p", f"{key}={value}"]
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_healthz_answers_ok_when_neo4j_answers(client: TestClient) -> None:
    r = client.get("/healthz")
    assert (r.status_code, r.text) == (200, "ok")


def test_healthz_answers_503_when_neo4j_does_not() -> None:
    with open_driver(Connection("bolt://127.0.0.1:1", "neo4j", "x"), verify=False) as drv:
        r = TestClient(create_app(drv, "neo4j"), base_url=LOCAL).get("/healthz")
    assert r.status_code == 503
    assert r.headers["content-security-policy"] == CSP


@pytest.mark.parametrize(("name", "params"), [
    ("top_architectures", {}),
    ("top_base_models", {"relation": "finetune", "limit": "2"}),
    ("model_lineage", {"model": "ALICE/Llama-FT", "maxDepth": "3"}),
    ("graph_stats", {}),
])
def test_api_gives_the_cli_rows(client: TestClient, cli_env: dict[str, str], name: str,
                                params: dict[str, str]) -> None:
    r = client.get(f"/api/query/{name}", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    rows = r.json()
    assert rows, "the small graph answers every one of these"
    assert rows == json.loads(cli_rows(cli_env, name, params, "json"))
    csv = client.get(f"/api/query/{name}", params=params | {"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert f'filename="{name}.csv"' in csv.headers["content-disposition"]
    assert csv.text == cli_rows(cli_env, name, params, "csv")


@pytest.mark.parametrize(("path", "status", "error"), [
    ("/api/query/top_base_models?relation=bogus", 400, "$relation must be one of"),
    ("/api/query/top_base_models?limit=many", 400, "$limit must be int, got 'many'"),
    ("/api/query/top_base_models?nonsense=1", 400, "top_base_models has no parameter $nonsense"),
    ("/api/query/top_base_models?format=xml", 400, "format must be one of json, csv"),
    ("/api/query/model_lineage", 400, "model_lineage needs $model"),
    ("/api/query/no_such_query", 404, "no query named 'no_such_query'"),
    ("/api/query/read/anchors_exist", 404, "no query named 'read/anchors_exist'"),
    ("/api/query/model_lineage?model=nobody/nothing", 404,
     "no model 'nobody/nothing' in the graph"),
])
def test_api_refuses_with_a_json_error(client: TestClient, path: str, status: int,
                                       error: str) -> None:
    r = client.get(path)
    assert r.status_code == status
    assert error in r.json()["error"]


def test_queries_page_has_a_form_for_every_public_query(client: TestClient) -> None:
    r = client.get("/queries")
    assert r.status_code == 200
    html = r.text
    for name, q in registry().items():
        assert f'action="/queries/{name}"' in html
        for p in q.params:
            assert f'name="{p.name}"' in html
    assert '<select name="relation">' in html
    assert '<option value="adapter">adapter</option>' in html
    assert "<script" not in html
    assert '<link rel="stylesheet" href="/static/explore.css">' in html


def test_query_page_shows_rows_escaped_with_download_links(client: TestClient) -> None:
    r = client.get("/queries/top_architectures", params={"limit": "10"})
    assert r.status_code == 200
    assert "<td>LlamaForCausalLM</td>" in r.text
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in r.text
    assert MARKUP not in r.text
    assert 'href="/api/query/top_architectures?limit=10&amp;format=csv"' in r.text
    assert 'value="10"' in r.text  # the form keeps what was asked


def test_query_page_with_required_params_waits_for_them(client: TestClient) -> None:
    r = client.get("/queries/model_lineage")
    assert r.status_code == 200
    assert "<table" not in r.text and 'name="model"' in r.text


@pytest.mark.parametrize(("path", "status", "shown"), [
    ("/queries/model_lineage?model=%3Cb%3Enobody", 404, "no model &#39;&lt;b&gt;nobody&#39;"),
    ("/queries/top_base_models?relation=bogus", 400, "$relation must be one of"),
    ("/queries/no_such_query", 404, "no query named &#39;no_such_query&#39;"),
])
def test_query_page_shows_errors_as_text(client: TestClient, path: str, status: int,
                                         shown: str) -> None:
    r = client.get(path)
    assert r.status_code == status
    assert shown in r.text


@pytest.mark.parametrize("path", ["/queries", "/api/query/graph_stats", "/static/explore.css",
                                  "/healthz", "/no/such/page"])
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == CSP
    assert "'unsafe-inline'" not in CSP
    assert headers["x-content-type-options"] == "nosniff"


def test_token_guards_every_page_but_health(small: neo4j.Driver,
                                            neo4j_server: TestServer) -> None:
    app = create_app(small, neo4j_server.database, token="s3cret")
    with TestClient(app) as anon:
        assert anon.get("/queries").status_code == 401
        assert anon.get("/api/query/graph_stats").status_code == 401
        assert anon.get("/queries", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert anon.get("/queries?token=wrong").status_code == 401
        assert anon.get("/healthz").status_code == 200
        bearer = anon.get("/api/query/graph_stats", headers={"Authorization": "Bearer s3cret"})
        assert bearer.status_code == 200 and bearer.json()
    with TestClient(app) as browser:
        r = browser.get("/queries/graph_stats?token=s3cret&x=1", follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/queries/graph_stats?x=1"  # the token leaves the URL
        assert "httponly" in r.headers["set-cookie"].lower()
        assert browser.get("/queries").status_code == 200  # the cookie carries it now


@pytest.mark.parametrize("host", ["evil.example:8765", "evil.example", "127.0.0.1.evil.example",
                                  "192.168.1.7:8765", ""])
def test_a_foreign_host_is_refused(client: TestClient, host: str) -> None:
    """A site that rebinds its own name to 127.0.0.1 sends its own name as Host (and as Origin,
    so the console's same-origin check alone would let it through)."""
    headers = {"host": host, "origin": f"http://{host}"}
    r = client.post("/cypher", data={"query": "MATCH (m:Model) RETURN m.id"}, headers=headers)
    assert r.status_code == 400 and "unknown Host" in r.text
    assert client.get("/queries", headers={"host": host}).status_code == 400


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "LOCALHOST", "[::1]:8765"])
def test_loopback_names_are_answered(client: TestClient, host: str) -> None:
    assert client.get("/queries", headers={"host": host}).status_code == 200


def test_with_a_token_any_host_is_answered(small: neo4j.Driver,
                                           neo4j_server: TestServer) -> None:
    app = create_app(small, neo4j_server.database, token="s3cret")
    with TestClient(app, base_url="http://explorer.lan:8765") as c:
        assert c.get("/queries", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_a_long_result_says_what_the_table_holds(client: TestClient,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explore_app, "PAGE_ROWS", 2)
    r = client.get("/queries/family_edges", params={"model": "meta/Llama-7B"})
    rows = client.get("/api/query/family_edges", params={"model": "meta/Llama-7B"}).json()
    assert len(rows) > 2
    assert (f"{len(rows)} rows, the first 2 shown: sorting and paging act on those, the "
            "downloads hold all.") in r.text
    assert r.text.count("<tr><td>") == 2
