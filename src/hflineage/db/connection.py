"""Which Neo4j to talk to, and the one driver per process."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from hflineage.config import Settings
from hflineage.db.runtime import ManagedNeo4j, user_instance
from hflineage.errors import ConfigError, DatabaseError, RestoreIncompleteError


@dataclass(frozen=True)
class Connection:
    """Where and how to connect. ``repr`` never shows the password."""

    uri: str
    username: str
    password: str = field(repr=False)
    database: str = "neo4j"
    managed: bool = False
    load_lock: Path | None = None


def resolve_connection(settings: Settings, *, repairing: bool = False) -> Connection:
    """An external server named by ``NEO4J_URI``, else the running managed server.

    The managed server's graph is refused after an interrupted restore, unless ``repairing``
    (``db reset`` and ``db restore`` mend it)."""
    if settings.neo4j_uri:
        if settings.neo4j_password is None:
            raise ConfigError("NEO4J_URI is set but NEO4J_PASSWORD is not")
        return Connection(settings.neo4j_uri, settings.neo4j_username,
                          settings.neo4j_password.get_secret_value(),
                          settings.neo4j_database, managed=False)
    inst = user_instance(settings)
    status = inst.status()
    if status.state != "running" or not status.uri:
        raise ConfigError(
            "no Neo4j to connect to: run `hflineage db start`, `docker compose up -d` "
            "with NEO4J_URI set, or set NEO4J_URI to your server"
        )
    if not repairing:
        ensure_restored(inst)
    return Connection(status.uri, "neo4j", inst.password, settings.neo4j_database, managed=True,
                      load_lock=inst.load_lock_file)


def ensure_restored(instance: ManagedNeo4j) -> None:
    """Refuse a graph whose restore was interrupted: it may be half-loaded."""
    try:
        marker = json.loads(instance.restore_marker.read_text())
    except FileNotFoundError:
        return
    except (OSError, ValueError):
        marker = {}
    dump = shlex.quote(str(marker.get("file", "FILE")))
    raise RestoreIncompleteError(
        f"a restore of {dump} into the managed Neo4j was interrupted, so its graph may be "
        f"incomplete: run `hflineage db restore {dump} --yes` again, or `hflineage db reset "
        "--yes` to empty it")


def open_driver(conn: Connection, retry_time: float = 30.0) -> neo4j.Driver:
    """A verified driver that retries transactions for ``retry_time`` seconds; the caller owns it
    and closes it."""
    driver = GraphDatabase.driver(conn.uri, auth=(conn.username, conn.password),
                                  notifications_min_severity="OFF",
                                  max_transaction_retry_time=retry_time)
    try:
        driver.verify_connectivity()
    except AuthError as e:
        driver.close()
        raise DatabaseError(f"Neo4j at {conn.uri} rejected the credentials") from e
    except (ServiceUnavailable, OSError) as e:
        driver.close()
        raise DatabaseError(f"Neo4j at {conn.uri} is not reachable: {e}") from e
    return driver
