"""The graph fingerprint tells equal graphs from different ones."""

from __future__ import annotations

import neo4j

from hflineage.db.fingerprint import fingerprint
from hflineage.db.schema import wipe_database

BUILD = """
CREATE (a:Model {key: 'a/x', id: 'A/x', downloads: 3})
CREATE (b:Model {key: 'b/y', id: 'b/y', stub: true})
CREATE (a)-[:DERIVED_FROM {relation: $rel}]->(b)
CREATE (:LoadRun {id: randomUUID(), startedAt: datetime()})
"""


def test_equal_graphs_equal_fingerprints(graph: neo4j.Driver, database: str) -> None:
    graph.execute_query(BUILD, {"rel": "finetune"}, database_=database)
    first = fingerprint(graph, database)
    wipe_database(graph, database)
    graph.execute_query(BUILD, {"rel": "finetune"}, database_=database)
    second = fingerprint(graph, database)
    assert first == second
    assert first.nodes == {"Model": 2}
    assert first.relationships == {"DERIVED_FROM": 1}


def test_a_changed_property_changes_the_digest(graph: neo4j.Driver, database: str) -> None:
    graph.execute_query(BUILD, {"rel": "finetune"}, database_=database)
    before = fingerprint(graph, database)
    graph.execute_query("MATCH ()-[r:DERIVED_FROM]->() SET r.relation = 'merge'",
                        database_=database)
    after = fingerprint(graph, database)
    assert before.nodes == after.nodes and before.relationships == after.relationships
    assert before.digest != after.digest
