"""The explorer when Neo4j goes away and comes back, for real: the app's driver reaches the test
Neo4j through a TCP proxy that the test stops (the listening socket and every live connection
closed) and starts again on the same port. Every page answers 503 with a page saying so while
it is down, and the same app answers 200 again once it is back, without a restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import neo4j
import pytest
from starlette.requests import Request
from starlette.testclient import TestClient

from hflineage.db.connection import Connection
from hflineage.explore import create_app
from hflineage.explore.app import templates
from hflineage.explore.outage import unavailable
from hflineage.explore.security import CSP
from hflineage.explore.server import explorer_driver
from tests.support.explore import LOCAL, small_graph
from tests.support.proxy import TcpProxy, through
from tests.support.server import TestServer

#: Pages read from the graph: a model, an organization, a search, a named query, its API, a
#: family, an architecture, a contributor.
HTML_PAGES = ["/model/alice/llama-ft", "/org/meta", "/?q=llama", "/queries/top_architectures",
              "/family/meta/Llama-7B", "/architecture/LlamaForCausalLM", "/contributor/hub/alice"]
JSON_APIS = ["/api/query/top_architectures", "/api/search?q=llama"]
CONSOLE = {"query": "MATCH (m:Model) RETURN count(m) AS n", "params": ""}
#: What "quickly" means for a page during an outage: the serve driver gives up within
#: seconds (it took 35 s before it had its own timeouts); this bound only catches a hang.
QUICK = 30.0


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    return small_graph(driver, neo4j_server.database)


@pytest.fixture
def app(proxy: TcpProxy, neo4j_server: TestServer) -> Iterator[TestClient]:
    """The explorer over ``hflineage serve``'s own driver, reaching Neo4j through the proxy."""
    with explorer_driver(through(proxy, neo4j_server), 4, retry_time=1.0) as drv, TestClient(
            create_app(drv, neo4j_server.database, timeout=30, uri=proxy.uri()),
            base_url=LOCAL) as c:
        yield c


def statuses(c: TestClient) -> dict[str, int]:
    got = {path: c.get(path).status_code for path in HTML_PAGES + JSON_APIS}
    return got | {"POST /cypher": c.post("/cypher", data=CONSOLE).status_code}


def test_pages_answer_503_while_neo4j_is_away_and_200_once_it_is_back(
        app: TestClient, proxy: TcpProxy) -> None:
    everything = [*HTML_PAGES, *JSON_APIS, "POST /cypher"]
    assert statuses(app) == dict.fromkeys(everything, 200)
    assert app.get("/healthz").status_code == 200

    proxy.stop()
    for path in HTML_PAGES:
        start = time.monotonic()
        r = app.get(path)
        assert time.monotonic() - start < QUICK, path
        assert r.status_code == 503, path
        assert r.headers["content-type"].startswith("text/html"), path
        assert r.headers["content-security-policy"] == CSP
        assert f"The graph database at {proxy.uri()} is unreachable" in r.text, path
        assert "works again once it is back" in r.text
        assert f'<a href="{path.replace("&", "&amp;")}">Retry</a>' in r.text, path
        assert "Traceback" not in r.text
    for path in JSON_APIS:
        r = app.get(path)
        assert r.status_code == 503, path
        assert f"the graph database at {proxy.uri()} is unreachable" in r.json()["error"], path
    r = app.post("/cypher", data=CONSOLE)
    assert r.status_code == 503
    assert f"The graph database at {proxy.uri()} is unreachable" in r.text
    assert '<a href="/cypher">Retry</a>' in r.text
    assert app.get("/healthz").status_code == 503

    proxy.start()  # the same port: the same app, not restarted
    assert app.get("/healthz").status_code == 200
    assert statuses(app) == dict.fromkeys(everything, 200)


def test_pages_answer_503_when_neo4j_drops_the_connections_mid_use(
        app: TestClient, proxy: TcpProxy) -> None:
    """Pooled connections that die (not only new ones refused) are an outage too."""
    assert app.get(HTML_PAGES[0]).status_code == 200
    proxy.stop()
    assert app.get(HTML_PAGES[0]).status_code == 503
    proxy.start()
    assert app.get(HTML_PAGES[0]).status_code == 200


def test_without_a_uri_the_page_still_says_the_database_is_unreachable(
        small: neo4j.Driver, neo4j_server: TestServer) -> None:
    conn = Connection("bolt://127.0.0.1:1", "neo4j", "x", neo4j_server.database)
    with explorer_driver(conn, 2, verify=False) as drv, TestClient(
            create_app(drv, neo4j_server.database), base_url=LOCAL) as c:
        r = c.get("/org/meta")
    assert r.status_code == 503
    assert "The graph database is unreachable" in r.text


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_hflineage_serve_answers_an_outage_within_seconds_and_recovers(
        proxy: TcpProxy, cli_env: dict[str, str]) -> None:
    """The real command, with its own driver settings, over NEO4J_URI pointing at the proxy."""
    proc = subprocess.Popen([sys.executable, "-m", "hflineage", "serve", "--port", "0",
                             "--max-concurrent", "2"],
                            env=os.environ | cli_env | {"NEO4J_URI": proxy.uri()},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip().removeprefix("serving on ")
        assert fetch(f"{url}/org/meta")[0] == 200
        proxy.stop()
        start = time.monotonic()
        status, html = fetch(f"{url}/org/meta")
        assert time.monotonic() - start < QUICK
        assert status == 503
        assert f"The graph database at {proxy.uri()} is unreachable" in html
        assert fetch(f"{url}/healthz")[0] == 503
        proxy.start()
        assert fetch(f"{url}/healthz")[0] == 200
        assert fetch(f"{url}/org/meta")[0] == 200
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        proc.communicate(timeout=30)
    assert proc.returncode == 0


def test_the_retry_link_stays_on_this_site() -> None:
    """A path that starts with // would be a link to another host."""
    scope = {"type": "http", "method": "GET", "path": "//evil.example/x", "query_string": b"",
             "headers": [(b"host", b"127.0.0.1")]}
    r = unavailable(Request(scope), templates(), "down", "unreachable")
    body = bytes(r.body).decode()
    assert r.status_code == 503 and '<a href="/evil.example/x">Retry</a>' in body
