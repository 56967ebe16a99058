"""The explorer's read-only Cypher console (issue 15): ``/cypher`` runs a user's own Cypher
through ``run_cypher``, with parameters as parameters, refusing writes, everything beyond a
read of the graph (LOAD CSV, SHOW, TERMINATE, procedures outside the allowed few, another
database) and cross-site posts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import neo4j
import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from hflineage.analytics.search import await_search_index
from hflineage.explore.security import CSP
from tests.support.explore import LOCAL, small_graph
from tests.support.server import TestServer

#: A model id that is markup: the table must show it as text.
HOSTILE = 'evil/<img src=x onerror="alert(1)">'
EXTRA = {"models": [{"id": HOSTILE, "createdAt": "2024-01-01"}]}
COUNT = "MATCH (n) RETURN count(n) AS n"


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    """The small graph plus one hostile model id, built once for these tests."""
    small_graph(driver, neo4j_server.database, EXTRA)
    await_search_index(driver, neo4j_server.database)
    return driver


def nodes(driver: neo4j.Driver, database: str) -> int:
    records, _, _ = driver.execute_query(COUNT, database_=database)
    return int(records[0]["n"])


def test_get_shows_the_form_and_the_nav_links_it(client: TestClient) -> None:
    r = client.get("/cypher")
    assert r.status_code == 200
    assert r.headers["content-security-policy"] == CSP
    assert '<form method="post" action="/cypher"' in r.text
    assert 'name="query"' in r.text and 'name="params"' in r.text
    assert '<a href="/cypher">Console</a>' in client.get("/").text
    assert "<script" not in r.text


def test_a_read_shows_its_rows_escaped(client: TestClient) -> None:
    r = client.post("/cypher", data={"query": "MATCH (m:Model) WHERE m.id STARTS WITH 'evil/' "
                                              "RETURN m.id AS id"})
    assert r.status_code == 200, r.text
    assert '<table class="results sortable">' in r.text
    assert "<th>id</th>" in r.text
    assert f"<td>{escape(HOSTILE)}</td>" in r.text
    assert HOSTILE not in r.text
    assert "<img" not in r.text


def test_params_are_passed_as_parameters_not_spliced(client: TestClient) -> None:
    given = "x' OR 1=1 //"
    r = client.post("/cypher", data={"query": "RETURN $v AS v, $n + 1 AS n",
                                     "params": '{"v": "' + given + '", "n": 41}'})
    assert r.status_code == 200, r.text
    assert f"<td>{escape(given)}</td>" in r.text
    assert "<td>42</td>" in r.text


def test_a_write_is_400_and_changes_nothing(client: TestClient, small: neo4j.Driver,
                                            neo4j_server: TestServer) -> None:
    before = nodes(small, neo4j_server.database)
    r = client.post("/cypher", data={"query": "CREATE (:Model {id: 'written/by-console'})"})
    assert r.status_code == 400
    assert "read-only" in r.text and "nothing was changed" in r.text
    assert nodes(small, neo4j_server.database) == before


@pytest.mark.parametrize("params", ["{not json", "[1, 2]"])
def test_bad_params_are_400(client: TestClient, params: str) -> None:
    r = client.post("/cypher", data={"query": "RETURN 1 AS one", "params": params})
    assert r.status_code == 400
    assert 'role="alert"' in r.text


def test_bad_cypher_and_empty_text_are_400(client: TestClient) -> None:
    assert client.post("/cypher", data={"query": "RETURN RETURN"}).status_code == 400
    assert client.post("/cypher", data={"query": "  "}).status_code == 400


def test_a_cross_site_origin_is_refused(client: TestClient, small: neo4j.Driver,
                                        neo4j_server: TestServer) -> None:
    before = nodes(small, neo4j_server.database)
    for origin in ("https://evil.example", "http://127.0.0.1:8080", "null"):
        r = client.post("/cypher", data={"query": "RETURN 1 AS one"},
                        headers={"Origin": origin})
        assert r.status_code == 403, origin
    assert nodes(small, neo4j_server.database) == before


def test_a_same_origin_post_is_answered(client: TestClient) -> None:
    r = client.post("/cypher", data={"query": "RETURN 1 AS one"},
                    headers={"Origin": LOCAL})
    assert r.status_code == 200, r.text
    assert "<td>1</td>" in r.text


#: Refused before they run: each is a read transaction's command that is not a read of the graph.
REFUSED = [
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "SHOW TRANSACTIONS",
    "SHOW USERS",
    "SHOW SETTINGS YIELD name RETURN name",
    "SHOW ROLES",
    "CALL dbms.listConfig()",
    "CALL dbms.components()",
    "CALL db.clearQueryCaches()",
    "CALL db.ping()",
    "MATCH (m:Model) WITH m LIMIT 1 CALL dbms.listConfig() YIELD name RETURN name",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "CALL () { LOAD CSV FROM 'file:///etc/hostname' AS row RETURN row } RETURN row",
    "UNWIND [1] AS x CALL (x) { RETURN x AS y } IN TRANSACTIONS RETURN y",
    "USE system CALL db.labels()",
]


@pytest.mark.parametrize("text", REFUSED)
def test_more_than_a_read_is_refused_400_and_changes_nothing(
        client: TestClient, small: neo4j.Driver, neo4j_server: TestServer, text: str) -> None:
    before = nodes(small, neo4j_server.database)
    r = client.post("/cypher", data={"query": text})
    assert r.status_code == 400, r.text
    assert "refused and nothing was run" in r.text
    assert "root:" not in r.text and "<table" not in r.text
    assert nodes(small, neo4j_server.database) == before


class _Recorder(BaseHTTPRequestHandler):
    """Answers every GET with one CSV line and records its path."""

    paths: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # the http.server hook's name
        self.paths.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"secret,line\n")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server on a free port: its CSV's URL and the paths it was asked for."""
    class Handler(_Recorder):
        paths: ClassVar[list[str]] = []

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/x.csv", Handler.paths
    server.shutdown()
    server.server_close()


def test_load_csv_makes_no_request(client: TestClient, small: neo4j.Driver,
                                   neo4j_server: TestServer,
                                   listener: tuple[str, list[str]]) -> None:
    url, asked = listener
    for text, params in ((f"LOAD CSV FROM '{url}' AS row RETURN row", ""),
                         ("LOAD CSV FROM $url AS row RETURN row", f'{{"url": "{url}"}}')):
        r = client.post("/cypher", data={"query": text, "params": params})
        assert r.status_code == 400, r.text
        assert "LOAD CSV" in r.text and "secret" not in r.text
    assert asked == []
    if neo4j_server.instance is not None:  # the server shares this host: it can reach the URL
        rows = small.execute_query("LOAD CSV FROM $url AS row RETURN row", {"url": url},
                                   database_=neo4j_server.database).records
        assert [r["row"] for r in rows] == [["secret", "line"]] and asked == ["/x.csv"]


@pytest.mark.parametrize(("text", "params", "expected"), [
    ("CALL db.labels() YIELD label WHERE label = 'Model' RETURN label", "", ["<td>Model</td>"]),
    ("CALL db.index.fulltext.queryNodes('search_names', $q) YIELD node WHERE node:Model "
     "RETURN node.id AS id ORDER BY id", '{"q": "mistral"}',
     ["<td>alice/mistral-ft</td>", "<td>bob/mistral-merge</td>", "<td>mistralai/Mistral-7B</td>"]),
    ("MATCH p = (:Model {id: $id})-[:DERIVED_FROM]->(parent:Model) RETURN p, parent.id AS parent",
     '{"id": "alice/llama-ft"}', ["<td>meta/Llama-7B</td>"]),
    ("USE neo4j RETURN 1 AS one", "", ["<td>1</td>"]),
])
def test_reads_catalog_and_search_procedures_still_run(
        client: TestClient, neo4j_server: TestServer, text: str, params: str,
        expected: list[str]) -> None:
    if text.startswith("USE ") and neo4j_server.database != "neo4j":
        text = text.replace("neo4j", neo4j_server.database, 1)
    r = client.post("/cypher", data={"query": text, "params": params})
    assert r.status_code == 200, r.text
    for cell in expected:
        assert cell in r.text
