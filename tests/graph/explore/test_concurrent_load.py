"""Pages while a real load writes into the same database: the bundled sample snapshot loaded in
a thread, again and again, while requests for the model, organization, search and query pages
run in parallel through ``hflineage serve``'s own driver. Every answer is 200, or 404 for a
model the load has not written yet; never a 5xx."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import neo4j
import pytest
from starlette.testclient import TestClient

import hflineage
from hflineage.explore import create_app
from hflineage.explore.server import explorer_driver
from hflineage.loader import load_snapshot
from tests.support.explore import LOCAL, small_graph
from tests.support.server import TestServer

SAMPLE = Path(hflineage.__file__).parent / "data" / "sample"
#: Pages over the small graph: there before, during and after the load.
PAGES = ["/model/alice/llama-ft", "/org/meta", "/?q=llama", "/api/query/top_architectures",
         "/api/search?q=llama", "/queries/graph_stats", "/api/query/model_lineage?model=alice/"
         "llama-ft"]
#: A model only the sample snapshot has (its first line): 404 until the load writes it.
LOADED = "/model/huggyllama/llama-7b"
#: Rounds of every page that must run while the load does, at the least.
MIN_ROUNDS = 3
MAX_LOADS = 10


@pytest.fixture
def client(driver: neo4j.Driver, neo4j_server: TestServer) -> Iterator[TestClient]:
    small_graph(driver, neo4j_server.database)
    with explorer_driver(neo4j_server.connection()) as drv, TestClient(
            create_app(drv, neo4j_server.database, timeout=30), base_url=LOCAL) as c:
        yield c


def test_pages_never_fail_while_a_load_runs(client: TestClient, driver: neo4j.Driver,
                                            neo4j_server: TestServer, tmp_path: Path) -> None:
    assert client.get(LOADED).status_code == 404
    rounds = 0
    loads: list[int] = []
    failures: list[BaseException] = []

    def load() -> None:
        try:
            while not loads or (rounds < MIN_ROUNDS and len(loads) < MAX_LOADS):
                summary = load_snapshot(driver, SAMPLE, database=neo4j_server.database,
                                        rejects=tmp_path / f"rejects-{len(loads)}.jsonl")
                loads.append(summary.loaded)
        except BaseException as e:  # reported by the test below
            failures.append(e)

    answers: list[tuple[str, int]] = []
    loader = threading.Thread(target=load)
    with ThreadPoolExecutor(4) as pool:
        loader.start()
        while loader.is_alive():
            paths = [*PAGES, LOADED]
            answers += zip(paths, [r.status_code for r in pool.map(client.get, paths)],
                           strict=True)
            rounds += 1
        loader.join()
    assert not failures, failures
    assert rounds >= MIN_ROUNDS or len(loads) == MAX_LOADS
    assert loads and all(n > 0 for n in loads)
    wrong = [(path, status) for path, status in answers
             if status != 200 and not (path == LOADED and status == 404)]
    assert not wrong
    assert {path for path, _ in answers} == {*PAGES, LOADED}
    assert client.get(LOADED).status_code == 200  # the load's model, once it is written
