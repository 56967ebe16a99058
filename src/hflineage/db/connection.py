"""Which Neo4j to talk to, and the one driver per process."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from hflineage.config import Settings, get_settings
from hflineage.db.runtime import ManagedNeo4j, user_instance
from hflineage.db.schema import node_count
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


def open_driver(conn: Connection, retry_time: float = 30.0, *, verify: bool = True,
                connect_timeout: float = 30.0, pool_size: int = 100) -> neo4j.Driver:
    """The one driver factory: server notifications off (they would flood a user's stderr
    through the driver's logger) and transactions retried for ``retry_time`` seconds.

    A new connection is given up after ``connect_timeout`` seconds, the wait for one of the
    ``pool_size`` pooled connections after twice that. ``verify`` checks that the server
    answers and accepts the credentials, as one-line ``DatabaseError``s; the caller owns the
    driver and closes it."""
    driver = GraphDatabase.driver(conn.uri, auth=(conn.username, conn.password),
                                  notifications_min_severity="OFF",
                                  max_transaction_retry_time=retry_time,
                                  connection_timeout=connect_timeout,
                                  connection_acquisition_timeout=2 * connect_timeout,
                                  max_connection_pool_size=pool_size)
    if not verify:
        return driver
    try:
        driver.verify_connectivity()
    except AuthError as e:
        driver.close()
        raise DatabaseError(f"Neo4j at {conn.uri} rejected the credentials") from e
    except (ServiceUnavailable, OSError) as e:
        driver.close()
        reason = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
        raise DatabaseError(f"Neo4j at {conn.uri} is not reachable: {reason}") from e
    return driver


def connect(uri: str | None = None, *, database: str | None = None) -> neo4j.Driver:
    """A verified driver to the Neo4j that the CLI would use, for notebooks and scripts.

    The server is ``uri``, else ``NEO4J_URI`` (environment, then ``.env``), else the running
    managed server (``hflineage db start``). ``database`` (else ``NEO4J_DATABASE``, else
    ``neo4j``) is checked to answer; pass the same name as ``database=`` to analytics and viz
    calls when it is not ``neo4j``. Use it in ``with`` or close it."""
    settings = get_settings(neo4j_uri=uri, neo4j_database=database)
    conn = resolve_connection(settings)
    driver = open_driver(conn, settings.hflineage_retry_time)
    try:
        node_count(driver, conn.database)  # from the count store: instant on any graph
    except neo4j.exceptions.Neo4jError as e:
        driver.close()
        raise DatabaseError(f"Neo4j at {conn.uri} has no usable database "
                            f"{conn.database!r}: {e.message}") from e
    return driver
