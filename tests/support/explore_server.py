"""The explorer served for real over HTTP on 127.0.0.1, and a browser tab that records what its
pages did: every request (those leaving the machine are refused), dialogs, console errors and
uncaught exceptions."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import neo4j
import uvicorn

from hflineage.explore.app import create_app
from hflineage.explore.server import bind, url_of
from tests.support.browser import _local


@contextmanager
def explorer(driver: neo4j.Driver, database: str) -> Iterator[str]:
    """The explorer on a free port of 127.0.0.1, as ``hflineage serve`` runs it (the same
    loopback socket and uvicorn settings) but in a thread that stops when the block ends;
    yields its URL."""
    with bind("127.0.0.1", 0) as sock:
        app = create_app(driver, database, timeout=30)
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 10
            while not server.started and thread.is_alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert server.started, "the explorer did not start"
            yield url_of(sock)
        finally:
            server.should_exit = True
            thread.join(10)


@dataclass
class Tab:
    """One browser page over the explorer, with what it did since it opened."""

    page: Any
    base: str
    requests: list[str] = field(default_factory=list)
    off_machine: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        """Open a path of the explorer; the response."""
        return self.page.goto(self.base + path)

    def problems(self, expected: tuple[str, ...] = ()) -> list[str]:
        """Requests off the machine, dialogs, and console or page errors not in ``expected``
        (substrings of the messages that a test provoked on purpose)."""
        errors = [e for e in self.errors if not any(x in e for x in expected)]
        return ([f"off machine: {u}" for u in self.off_machine]
                + [f"dialog: {d}" for d in self.dialogs] + errors)


def open_tab(context: Any, base: str) -> Tab:
    """A new page that records every request and refuses those leaving the machine."""
    page = context.new_page()
    tab = Tab(page, base)

    def route(r: Any) -> None:
        tab.requests.append(r.request.url)
        if _local(r.request.url):
            r.continue_()
        else:
            tab.off_machine.append(r.request.url)
            r.abort()

    def dialog(d: Any) -> None:
        tab.dialogs.append(d.message)
        d.dismiss()

    page.route("**/*", route)
    page.on("dialog", dialog)
    page.on("pageerror", lambda e: tab.errors.append(f"page error: {e}"))
    page.on("console", lambda m: tab.errors.append(f"console {m.type}: {m.text}")
            if m.type in {"error", "warning"} else None)
    page.on("framenavigated", lambda f: tab.visited.append(f.url) if f == page.main_frame
            else None)
    return tab
