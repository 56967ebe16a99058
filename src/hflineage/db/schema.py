"""Constraints, indexes and the schema version node; and a guarded wipe for tests."""

from __future__ import annotations

import neo4j

from hflineage import SCHEMA_VERSION
from hflineage.cypher import statements
from hflineage.db.runtime import ManagedNeo4j
from hflineage.errors import UnsafeWipeError


def init_schema(driver: neo4j.Driver, database: str = "neo4j") -> None:
    """Create every constraint and index, idempotently, and record the schema version."""
    for stmt in statements("schema/init"):
        driver.execute_query(stmt, database_=database)
    driver.execute_query(
        "MERGE (s:Schema {version: $version}) ON CREATE SET s.createdAt = datetime()",
        {"version": SCHEMA_VERSION},
        database_=database,
    )


def node_count(driver: neo4j.Driver, database: str = "neo4j") -> int:
    records, _, _ = driver.execute_query(
        "MATCH (n) RETURN count(n) AS n", database_=database, routing_=neo4j.RoutingControl.READ
    )
    return int(records[0]["n"])


def wipe_database(driver: neo4j.Driver, database: str = "neo4j") -> None:
    """Delete every node and relationship (constraints stay). Callers guard against misuse."""
    with driver.session(database=database) as session:
        session.run(
            "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()


def init_schema_at(instance: ManagedNeo4j, database: str = "neo4j") -> None:
    """Initialise the schema of a running managed instance."""
    with neo4j.GraphDatabase.driver(instance.uri or "", auth=("neo4j", instance.password)) as drv:
        init_schema(drv, database)


def ensure_wipe_allowed(driver: neo4j.Driver, database: str, *, owned: bool) -> None:
    """Refuse to go on when a database we did not create already holds data."""
    if owned:
        return
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE NOT n:Schema RETURN count(n) AS n", database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    count = int(records[0]["n"])
    if count:
        raise UnsafeWipeError(
            f"database {database!r} holds {count} nodes that these tests did not create; "
            "refusing to wipe it. Point NEO4J_URI at an empty database, or unset it to use "
            "a private test server."
        )
