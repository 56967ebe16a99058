"""The explorer's read-only Cypher console (issue 15): ``/cypher`` runs a user's own Cypher
through ``run_cypher``, with parameters as parameters, refusing writes and cross-site posts."""

from __future__ import annotations

import neo4j
import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from hflineage.explore.security import CSP
from tests.support.explore import small_graph
from tests.support.server import TestServer

#: A model id that is markup: the table must show it as text.
HOSTILE = 'evil/<img src=x onerror="alert(1)">'
EXTRA = {"models": [{"id": HOSTILE, "createdAt": "2024-01-01"}]}
COUNT = "MATCH (n) RETURN count(n) AS n"


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    """The small graph plus one hostile model id, built once for these tests."""
    return small_graph(driver, neo4j_server.database, EXTRA)


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
    for origin in ("https://evil.example", "http://testserver:8080", "null"):
        r = client.post("/cypher", data={"query": "RETURN 1 AS one"},
                        headers={"Origin": origin})
        assert r.status_code == 403, origin
    assert nodes(small, neo4j_server.database) == before


def test_a_same_origin_post_is_answered(client: TestClient) -> None:
    r = client.post("/cypher", data={"query": "RETURN 1 AS one"},
                    headers={"Origin": "http://testserver"})
    assert r.status_code == 200, r.text
    assert "<td>1</td>" in r.text
