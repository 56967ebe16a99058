"""Running the explorer: a loopback address unless a token guards it, one line if the port is
taken, a driver that gives up on an unreachable Neo4j within seconds."""

from __future__ import annotations

import contextlib
import errno
import functools
import ipaddress
import socket
from collections.abc import Callable

import neo4j
import uvicorn

from hflineage.db.connection import Connection, open_driver
from hflineage.errors import ConfigError, PortInUseError
from hflineage.explore.app import create_app
from hflineage.explore.limits import MAX_CONCURRENT, ReadLimit
from hflineage.explore.security import LOOPBACK_HOSTS

#: Seconds a page waits for an unreachable Neo4j (connecting, then retrying) before its 503.
OUTAGE_WAIT = 5.0


def explorer_driver(conn: Connection, max_concurrent: int = MAX_CONCURRENT, *,
                    retry_time: float = OUTAGE_WAIT, verify: bool = True) -> neo4j.Driver:
    """The explorer's driver: a pooled connection per request reading at once (and two for
    the health check), and an outage answered within seconds instead of minutes (connecting
    and retrying each take at most ``retry_time``, capped at :data:`OUTAGE_WAIT`)."""
    wait = min(retry_time, OUTAGE_WAIT)
    return open_driver(conn, wait, verify=verify, connect_timeout=wait,
                       pool_size=max_concurrent + 2)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name may resolve anywhere


def check_exposure(host: str, token: str | None) -> None:
    """Refuse to serve the graph beyond this machine without a token."""
    if not token and not is_loopback(host):
        raise ConfigError(f"--host {host} serves the graph beyond this machine: "
                          "give --token TOKEN too, or keep the default 127.0.0.1")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; a taken port is one PortInUseError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            raise PortInUseError(f"port {port} is in use on {host}: stop what holds it "
                                 "or choose another with --port") from e
        raise


def url_of(sock: socket.socket) -> str:
    """The address a socket serves, as a URL."""
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


class _Server(uvicorn.Server):
    """uvicorn's server, calling back once it accepts connections (its Ctrl-C handler is in
    place by then)."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None] | None) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit and self._on_ready is not None:
            self._on_ready()


def serve(  # noqa: PLR0913 (keyword-only serve options, one per CLI option)
        driver: neo4j.Driver, database: str = "neo4j", *, host: str = "127.0.0.1",
        port: int = 8765, token: str | None = None, timeout: float | None = None,
        on_ready: Callable[[str], None] | None = None, uri: str | None = None,
        max_concurrent: int = MAX_CONCURRENT) -> None:
    """Serve the explorer over ``driver`` (best from :func:`explorer_driver`) until
    interrupted (Ctrl-C or SIGTERM).

    ``on_ready`` gets the URL once it accepts connections; ``port=0`` picks a free port.
    At most ``max_concurrent`` requests read the graph at once. Ctrl-C returns normally;
    SIGTERM ends the process as the signal does."""
    check_exposure(host, token)
    with bind(host, port) as sock:
        app = create_app(driver, database, timeout=timeout, token=token, uri=uri,
                         limit=ReadLimit(max_concurrent),
                         hosts=LOOPBACK_HOSTS | {host.strip("[]").lower()})
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        server = _Server(config, functools.partial(on_ready, url_of(sock)) if on_ready else None)
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl-C it handled
            server.run(sockets=[sock])
