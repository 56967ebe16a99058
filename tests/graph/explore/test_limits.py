"""Bounded concurrency, for real: the app reads the test Neo4j through a TCP proxy that the test
pauses, so requests that hold a turn block on the stalled network. With the limit at 2, a third
request waits its turn, then gets 503 busy; requests within the limit, or bursts that fit in the
queue wait, all succeed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import neo4j
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from hflineage.cli import cli
from hflineage.config import get_settings
from hflineage.explore import create_app
from hflineage.explore.limits import MAX_CONCURRENT, ReadLimit
from hflineage.explore.server import explorer_driver
from tests.support.explore import LOCAL, small_graph
from tests.support.proxy import TcpProxy, through, wait_for
from tests.support.server import TestServer

PAGE = "/model/alice/llama-ft"
API = "/api/query/top_architectures"


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    return small_graph(driver, neo4j_server.database)


@contextmanager
def app(proxy: TcpProxy, server: TestServer, limit: ReadLimit) -> Iterator[TestClient]:
    with explorer_driver(through(proxy, server), limit.max_concurrent) as drv, TestClient(
            create_app(drv, server.database, timeout=30, limit=limit),
            base_url=LOCAL) as c:
        yield c


def test_one_request_beyond_the_limit_waits_then_gets_503_busy(
        proxy: TcpProxy, neo4j_server: TestServer) -> None:
    limit = ReadLimit(2, queue_wait=1.0)
    with app(proxy, neo4j_server, limit) as c, ThreadPoolExecutor(2) as pool:
        assert c.get(PAGE).status_code == 200
        proxy.pause()  # reads now block on the network
        held = [pool.submit(c.get, PAGE) for _ in range(2)]
        wait_for(lambda: limit.in_flight == 2, "two requests to hold the two turns")

        start = time.monotonic()
        busy = c.get(PAGE)
        assert time.monotonic() - start >= limit.queue_wait  # it waited for a turn first
        assert busy.status_code == 503
        assert busy.headers["retry-after"] == "1"
        assert "The explorer is busy: 2 requests are reading the graph" in busy.text
        assert "<a href=\"/model/alice/llama-ft\">Retry</a>" in busy.text
        api = c.get(API)
        assert api.status_code == 503
        assert api.json()["error"].startswith("The explorer is busy")
        assert c.get("/static/explore.css").status_code == 200  # never held back

        proxy.resume()
        assert [f.result(timeout=60).status_code for f in held] == [200, 200]
        assert (limit.in_flight, limit.waiting) == (0, 0)
        assert c.get(PAGE).status_code == 200


def test_requests_within_the_limit_or_the_queue_wait_all_succeed(
        proxy: TcpProxy, neo4j_server: TestServer) -> None:
    limit = ReadLimit(2, queue_wait=60.0)
    paths = [PAGE, API, "/org/meta", "/?q=llama"] * 3
    with app(proxy, neo4j_server, limit) as c, ThreadPoolExecutor(len(paths)) as pool:
        proxy.pause()
        futures = [pool.submit(c.get, path) for path in paths]
        wait_for(lambda: (limit.in_flight, limit.waiting) == (2, len(paths) - 2),
                 "two requests reading and the rest waiting")
        proxy.resume()
        assert [f.result(timeout=120).status_code for f in futures] == [200] * len(paths)


def test_the_limit_is_a_setting_and_a_serve_option(monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_settings().hflineage_max_concurrent == MAX_CONCURRENT
    monkeypatch.setenv("HFLINEAGE_MAX_CONCURRENT", "3")
    assert get_settings().hflineage_max_concurrent == 3
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert "--max-concurrent N" in result.output
    refused = CliRunner().invoke(cli, ["serve", "--max-concurrent", "0"])
    assert refused.exit_code == 2
    assert "0 is not in the range x>=1" in refused.output
    with pytest.raises(ValueError, match="at least 1"):
        ReadLimit(0)
