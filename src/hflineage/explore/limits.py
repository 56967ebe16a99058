"""Bounded concurrency: at most so many requests read the graph at once.

A request beyond the limit waits its turn for a few seconds, then is answered 503 busy with
``Retry-After``, so a burst never piles up reads on Neo4j nor threads in the server. The
health check and static files are never held back.
"""

from __future__ import annotations

import asyncio
import threading
import time

import jinja2
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from hflineage.explore.outage import unavailable

#: Requests that read the graph at once, by default.
MAX_CONCURRENT = 8
#: Seconds a request beyond the limit waits for a turn, by default.
QUEUE_WAIT = 5.0
#: Paths that never wait: they read nothing, or must answer while the app is busy.
EXEMPT = ("/healthz", "/static/")
_POLL = 0.01


class ReadLimit:
    """At most ``max_concurrent`` requests at once; one more waits up to ``queue_wait``
    seconds for a turn. Shared by every event loop and thread of the app."""

    def __init__(self, max_concurrent: int = MAX_CONCURRENT, queue_wait: float = QUEUE_WAIT
                 ) -> None:
        if max_concurrent < 1:
            raise ValueError(f"max_concurrent must be at least 1, got {max_concurrent}")
        self.max_concurrent = max_concurrent
        self.queue_wait = queue_wait
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._lock = threading.Lock()
        self._in_flight = 0
        self._waiting = 0

    @property
    def in_flight(self) -> int:
        """Requests holding a turn now."""
        return self._in_flight

    @property
    def waiting(self) -> int:
        """Requests waiting for a turn now."""
        return self._waiting

    def _count(self, in_flight: int = 0, waiting: int = 0) -> None:
        with self._lock:
            self._in_flight += in_flight
            self._waiting += waiting

    async def acquire(self) -> bool:
        """A turn, waiting up to ``queue_wait`` seconds; False when none came."""
        deadline = time.monotonic() + self.queue_wait
        self._count(waiting=1)
        try:
            while not self._slots.acquire(blocking=False):
                if time.monotonic() >= deadline:
                    return False
                await asyncio.sleep(_POLL)
        finally:
            self._count(waiting=-1)
        self._count(in_flight=1)
        return True

    def release(self) -> None:
        self._count(in_flight=-1)
        self._slots.release()


class LimitReads:
    """ASGI middleware holding each request (but :data:`EXEMPT` paths) to a :class:`ReadLimit`
    turn; without one in time, the answer is 503 busy."""

    def __init__(self, app: ASGIApp, limit: ReadLimit, pages: jinja2.Environment) -> None:
        self.app = app
        self.limit = limit
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT):
            await self.app(scope, receive, send)
            return
        if not await self.limit.acquire():
            message = (f"The explorer is busy: {self.limit.max_concurrent} requests are reading "
                       f"the graph and none finished within {self.limit.queue_wait:g} s. "
                       "Retry in a moment.")
            response = unavailable(Request(scope), self.pages, "Busy", message, retry_after=1)
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.limit.release()
