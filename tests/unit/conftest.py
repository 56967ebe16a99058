"""Unit tests: no Neo4j, no browser, no third-party data. A test that needs one of them belongs
to tests/graph, tests/browser or tests/shared."""

from __future__ import annotations

import pytest

NEEDS_NEO4J = {"driver", "graph", "neo4j_server", "cli_env", "database", "shared_data"}


def pytest_runtest_setup(item: pytest.Item) -> None:
    wanted = NEEDS_NEO4J & set(getattr(item, "fixturenames", ()))
    if wanted:
        pytest.fail(f"{item.nodeid} is a unit test but asks for {sorted(wanted)}: "
                    "move it to tests/graph (or tests/shared)", pytrace=False)
