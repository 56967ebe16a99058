"""Constraints, indexes and the schema version node; and a guarded wipe for tests."""

from __future__ import annotations

import neo4j

from hflineage import RULES_TAG, SCHEMA_VERSION
from hflineage.cypher import statement, statements
from hflineage.errors import SchemaVersionError


def init_schema(driver: neo4j.Driver, database: str = "neo4j") -> int:
    """Every constraint and index, created idempotently, and the schema version recorded.

    An older graph is marked current once no model is left that older rules described; until
    then it keeps its version. Returns how many such models are left.
    """
    for stmt in statements("schema/init"):
        driver.execute_query(stmt, database_=database)
    return settle_schema_version(driver, database)


def settle_schema_version(driver: neo4j.Driver, database: str = "neo4j") -> int:
    """Mark the graph current unless models described under older rules are left (their count)."""
    versions = schema_versions(driver, database)
    if versions and max(versions) > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"this graph has schema version {max(versions)}, newer than this hflineage's "
            f"({SCHEMA_VERSION}): upgrade hflineage")
    stale = stale_models(driver, database) if versions and max(versions) < SCHEMA_VERSION else 0
    if not stale and versions != [SCHEMA_VERSION]:
        driver.execute_query(statement("write/set_schema_version"),
                             {"version": SCHEMA_VERSION}, database_=database)
    return stale


def schema_versions(driver: neo4j.Driver, database: str = "neo4j") -> list[int]:
    """The versions the graph's Schema nodes record (empty for a graph never initialised)."""
    records, _, _ = driver.execute_query(statement("read/schema_versions"), database_=database,
                                         routing_=neo4j.RoutingControl.READ)
    return sorted(int(v) for v in records[0]["versions"])


def stale_models(driver: neo4j.Driver, database: str = "neo4j") -> int:
    """Models described or scored under older normalization rules."""
    records, _, _ = driver.execute_query(statement("read/stale_models"), {"rules": RULES_TAG},
                                         database_=database, routing_=neo4j.RoutingControl.READ)
    return int(records[0]["stale"])


def ensure_current(driver: neo4j.Driver, database: str = "neo4j") -> None:
    """Refuse to answer from a graph built under an older schema, saying what to do."""
    versions = schema_versions(driver, database)
    if versions and max(versions) < SCHEMA_VERSION:
        raise SchemaVersionError(
            f"this graph has schema version {max(versions)}; hflineage now writes version "
            f"{SCHEMA_VERSION}, whose relation rules are corrected: reload its sources "
            "(`hflineage load ...` re-describes every record), or empty it with `hflineage db "
            "reset` and load again")


def _count(driver: neo4j.Driver, database: str, path: str) -> int:
    records, _, _ = driver.execute_query(statement(path), database_=database,
                                         routing_=neo4j.RoutingControl.READ)
    return int(records[0]["n"])


def node_count(driver: neo4j.Driver, database: str = "neo4j") -> int:
    """Every node, bookkeeping included."""
    return _count(driver, database, "read/count_nodes")


def wipe_database(driver: neo4j.Driver, database: str = "neo4j") -> None:
    """Delete every node and relationship (constraints stay). Callers guard against misuse."""
    with driver.session(database=database) as session:
        session.run(statement("write/wipe_graph")).consume()


def data_node_count(driver: neo4j.Driver, database: str = "neo4j") -> int:
    """Nodes other than the ``(:Schema)`` and ``(:GraphEpoch)`` nodes."""
    return _count(driver, database, "read/count_data_nodes")
