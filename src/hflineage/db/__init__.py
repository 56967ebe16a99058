"""Driver and settings, schema, and the Neo4j runtime."""

from hflineage.db.connection import Connection, open_driver, resolve_connection
from hflineage.db.runtime import ManagedNeo4j, Memory, user_instance
from hflineage.db.schema import init_schema, wipe_database

__all__ = [
    "Connection",
    "ManagedNeo4j",
    "Memory",
    "init_schema",
    "open_driver",
    "resolve_connection",
    "user_instance",
    "wipe_database",
]
