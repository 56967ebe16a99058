"""Whole-graph results cached per graph version and computed in the background.

An entry is keyed by (graph version key, name, parameters). The caller reads the version once per
request (:func:`hflineage.db.version.graph_version`) and passes its ``key``: only entries of
that exact version are served. The first request of a newer version drops every entry of the
older ones (a computation of an older version still running is discarded when it ends; one still
queued is cancelled), and a request still carrying a version replaced less than
``retired_seconds`` ago is answered ``Pending`` (``superseded``) without starting anything: its
next request reads the new version. Later, such a version is taken as current again (a graph
wiped by hand back to a version seen before).

A cold computation runs in a small thread pool (at most ``workers`` at once; identical requests
share one computation) and the caller gets ``Pending`` until it is done. A failure is kept for
``error_seconds`` and re-raised to the callers of that entry, then computed again.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass
from typing import Any, TypeVar, cast

#: (version key, name, frozen parameters)
Key = tuple[str, str, Hashable]
T = TypeVar("T")


@dataclass(frozen=True)
class Pending:
    """A computation of ``name`` for graph ``version`` is under way (or the version is gone)."""

    version: str
    name: str
    started: float
    superseded: bool = False

    def elapsed(self, now: float | None = None) -> float:
        """Seconds since the computation was started."""
        return (time.monotonic() if now is None else now) - self.started


def freeze(value: Any) -> Hashable:
    """Parameters as a hashable value: mappings sorted by key, lists as tuples, sets frozen."""
    if isinstance(value, Mapping):
        return (dict, tuple(sorted((str(k), freeze(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(freeze(v) for v in value)
    hash(value)
    return value  # type: ignore[no-any-return]


class VersionedCache:
    """Thread-safe results per graph version, computed by at most ``workers`` threads."""

    def __init__(self, workers: int = 2, *, max_entries: int = 512, error_seconds: float = 10.0,
                 retired_seconds: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hflineage-cache")
        self._lock = threading.Lock()
        self._clock = clock
        self._max_entries = max_entries
        self._error_seconds = error_seconds
        self._retired_seconds = retired_seconds
        self._current: str | None = None
        self._retired: dict[str, float] = {}
        self._done: OrderedDict[Key, Any] = OrderedDict()
        self._errors: dict[Key, tuple[Exception, float]] = {}
        self._running: dict[Key, tuple[Pending, Future[None]]] = {}

    def get_or_start(self, version: str, name: str, params: Mapping[str, Any] | None,
                     compute: Callable[[], T], *, wait: float = 0.0) -> T | Pending:
        """The cached value of ``name`` with ``params`` at ``version``, or ``Pending`` while
        ``compute`` runs in the background (waiting up to ``wait`` seconds for it first). A
        stored failure is re-raised."""
        key: Key = (version, name, freeze(params or {}))
        with self._lock:
            found = self._lookup(key, compute)
        if isinstance(found, Pending) and wait > 0 and not found.superseded:
            with self._lock:
                running = self._running.get(key)
            if running is not None:
                wait_for([running[1]], timeout=wait)
            with self._lock:
                found = self._lookup(key, compute)
        return cast("T | Pending", found)

    def _lookup(self, key: Key, compute: Callable[[], Any]) -> Any:
        version, name, _ = key
        if version != self._current:
            now = self._clock()
            self._retired = {v: t for v, t in self._retired.items()
                             if now - t < self._retired_seconds}
            if version in self._retired:
                return Pending(version, name, now, superseded=True)
            self._advance(version, now)
        if key in self._done:
            self._done.move_to_end(key)
            return self._done[key]
        if key in self._errors:
            error, until = self._errors[key]
            if self._clock() < until:
                raise error
            del self._errors[key]
        if key in self._running:
            return self._running[key][0]
        pending = Pending(version, name, self._clock())
        self._running[key] = (pending, self._pool.submit(self._compute, key, compute))
        return pending

    def _advance(self, version: str, now: float) -> None:
        """Make ``version`` current: drop older entries, cancel older queued computations."""
        if self._current is not None:
            self._retired[self._current] = now
        self._current = version
        self._done.clear()
        self._errors.clear()
        for key, (_, future) in list(self._running.items()):
            if key[0] != version and future.cancel():
                del self._running[key]

    def _compute(self, key: Key, compute: Callable[[], Any]) -> None:
        try:
            value = compute()
        except Exception as e:  # kept and re-raised to the callers
            with self._lock:
                self._running.pop(key, None)
                if key[0] == self._current:
                    self._errors[key] = (e, self._clock() + self._error_seconds)
            return
        with self._lock:
            self._running.pop(key, None)
            if key[0] == self._current:
                self._done[key] = value
                while len(self._done) > self._max_entries:
                    self._done.popitem(last=False)

    def __len__(self) -> int:
        """Values stored (of the current version)."""
        with self._lock:
            return len(self._done)

    def running(self) -> int:
        """Computations started and not yet ended (queued ones included)."""
        with self._lock:
            return len(self._running)

    def close(self, wait: bool = True) -> None:
        """Stop the workers: queued computations are cancelled, running ones end."""
        self._pool.shutdown(wait=wait, cancel_futures=True)
