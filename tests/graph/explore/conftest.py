"""The explorer's test client, over each module's own ``small`` graph."""

from __future__ import annotations

from collections.abc import Iterator

import neo4j
import pytest
from starlette.testclient import TestClient

from hflineage.explore.app import create_app
from tests.support.explore import LOCAL
from tests.support.proxy import TcpProxy
from tests.support.server import TestServer


@pytest.fixture
def client(small: neo4j.Driver, neo4j_server: TestServer) -> Iterator[TestClient]:
    with TestClient(create_app(small, neo4j_server.database, timeout=30), base_url=LOCAL) as c:
        yield c


@pytest.fixture
def proxy(small: neo4j.Driver, neo4j_server: TestServer) -> Iterator[TcpProxy]:
    """A TCP proxy to the test Neo4j (over the module's ``small`` graph) that a test can stop,
    restart and pause."""
    with TcpProxy.to(neo4j_server.uri) as p:
        yield p
