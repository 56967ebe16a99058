"""A TCP forwarding proxy between a driver and the test Neo4j, to take the database away for real.

:meth:`TcpProxy.stop` closes the listening socket and every live connection (new connections
are refused, as with a stopped server); :meth:`TcpProxy.start` listens again on the same port.
:meth:`TcpProxy.pause` holds every byte in flight until :meth:`TcpProxy.resume`, so reads
through it block as on a stalled network.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from urllib.parse import urlsplit

from hflineage.db.connection import Connection
from tests.support.server import TestServer


class TcpProxy:
    """Forwards ``127.0.0.1:port`` to ``target``; the port stays the same across restarts."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._live: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()

    @classmethod
    def to(cls, uri: str) -> TcpProxy:
        """A proxy to the server of a Bolt URI."""
        parts = urlsplit(uri)
        return cls((parts.hostname or "localhost", parts.port or 7687))

    def uri(self, scheme: str = "bolt") -> str:
        return f"{scheme}://127.0.0.1:{self.port}"

    def start(self) -> TcpProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._spawn(self._accept, listener)
        return self

    def stop(self) -> None:
        """Close the listening socket and every live connection, and wait for the threads."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self._flowing.set()
        with self._lock:
            live, self._live = self._live, set()
            threads, self._threads = self._threads, []
        for sock in live:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for t in threads:
            t.join(5)

    def restart(self) -> None:
        self.stop()
        self.start()

    def pause(self) -> None:
        """Hold every byte in flight, both ways, until :meth:`resume`."""
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, _t: type[BaseException] | None, _e: BaseException | None,
                 _tb: TracebackType | None) -> None:
        self.stop()

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        t = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(t)
        t.start()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            for sock in (client, server):
                sock.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # stopped meanwhile
                    client.close()
                    server.close()
                    return
                self._live |= {client, server}
                self._spawn(self._pump, client, server)
                self._spawn(self._pump, server, client)

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                self._flowing.wait()
                dst.sendall(data)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)


def through(proxy: TcpProxy, server: TestServer) -> Connection:
    """The test server's connection, reached through ``proxy``."""
    return Connection(proxy.uri(), server.username, server.password, server.database)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Wait until ``condition`` holds (a generous bound that only catches a hang)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)
