"""Every internal write and read statement compiles against the real Neo4j."""

from __future__ import annotations

from importlib import resources

import neo4j
import pytest

from hflineage.cypher import statement

NAMES = sorted(f"{folder}/{f.name.removesuffix('.cypher')}"
               for folder in ("write", "read")
               for f in resources.files("hflineage.cypher").joinpath(folder).iterdir()
               if f.name.endswith(".cypher"))


def test_statements_exist() -> None:
    assert "write/describe_models" in NAMES and "read/export_nodes" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_statement_passes_explain(graph: neo4j.Driver, database: str, name: str) -> None:
    text = statement(name)
    assert text.startswith("//")
    params = {"rows": [], "keys": [], "ids": [], "id": "x", "source": "s", "input": "i",
              "status": "complete", "recordsIn": 0, "loaded": 0, "rejected": 0, "issues": 0,
              "root": "a/b", "maxDepth": 2, "organizations": [], "architectures": [],
              "licenses": [], "datasets": [], "parents": []}
    graph.execute_query("EXPLAIN " + text, params, database_=database)
