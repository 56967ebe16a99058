"""Docker detection pings the engine that DOCKER_HOST names; real sockets, no daemon needed."""

from __future__ import annotations

import contextlib
import shutil
import socket
import socketserver
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from hflineage.db.docker import docker_available
from tests.support.server import TEST_MEMORY


@pytest.fixture(autouse=True)
def fresh_detection(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test decides afresh; the session's own (cached) answer is restored after."""
    for var in ("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        monkeypatch.delenv(var, raising=False)
    docker_available.cache_clear()
    yield
    docker_available.cache_clear()


@pytest.fixture
def sock_dir() -> Iterator[Path]:
    """A short folder: a unix socket path must stay under 108 bytes."""
    path = Path(tempfile.mkdtemp(prefix="dk"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _handler(status: int, body: bytes, seen: list[str]) -> type[BaseHTTPRequestHandler]:
    class Reply(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # a unix peer has no address to log

    return Reply


@contextlib.contextmanager
def _serve(server: socketserver.BaseServer) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class _TcpServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_no_daemon_at_a_missing_socket_is_false_at_once(
        sock_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{sock_dir / 'missing.sock'}")
    start = time.monotonic()
    assert docker_available(timeout=3.0) is False
    assert time.monotonic() - start < 3.0


def test_no_daemon_on_a_closed_tcp_port_is_false_at_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{_closed_port()}")
    start = time.monotonic()
    assert docker_available(timeout=3.0) is False
    assert time.monotonic() - start < 3.0


def test_a_socket_that_never_answers_is_false_within_the_timeout(
        sock_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = sock_dir / "silent.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as silent:
        silent.bind(str(path))
        silent.listen(4)  # connections queue up; nothing ever reads or replies
        monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
        start = time.monotonic()
        assert docker_available(timeout=0.5) is False
        assert time.monotonic() - start < 5.0


@pytest.mark.parametrize(("status", "body", "expected"), [
    (200, b"OK", True),
    (500, b"OK", False),
    (500, b"Internal Server Error", False),
    (200, b"<html>not a Docker engine</html>", False),
])
def test_unix_socket_engine_decides_by_its_ping_reply(
        sock_dir: Path, monkeypatch: pytest.MonkeyPatch,
        status: int, body: bytes, expected: bool) -> None:
    path = sock_dir / "docker.sock"
    seen: list[str] = []
    monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
    with _serve(_UnixServer(str(path), _handler(status, body, seen))):
        assert docker_available(timeout=0.5) is expected
    assert seen == ["/_ping"]


def test_tcp_engine_that_answers_ok_is_docker(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    server = _TcpServer(("127.0.0.1", 0), _handler(200, b"OK", seen))
    monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{server.server_address[1]}")
    with _serve(server):
        assert docker_available() is True
    assert seen == ["/_ping"]


def test_container_gets_the_test_memory_as_neo4j_image_variables() -> None:
    assert TEST_MEMORY.docker_env() == {
        "NEO4J_server_memory_heap_initial__size": "1g",
        "NEO4J_server_memory_heap_max__size": "1g",
        "NEO4J_server_memory_pagecache_size": "512m",
    }
