"""The load lock: a file in the managed server's state folder that every load holds (shared) for
its whole run, and that a dump, restore or reset takes exclusively.

It is an ``flock``, so the kernel drops it when the holder dies: a killed load never blocks a
dump, and its ``LoadRun`` (which stays ``running`` forever) is never mistaken for a live load.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from hflineage.errors import GraphBusyError


@contextlib.contextmanager
def _flock(path: Path, mode: int, busy: str) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        try:
            fcntl.flock(fh, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            raise GraphBusyError(busy) from None
        yield


@contextlib.contextmanager
def load_lock(path: Path | None) -> Iterator[None]:
    """Held by a load. Loads run side by side; none starts while a dump, restore or reset runs.
    ``None`` (a server hflineage did not start) takes no lock."""
    if path is None:
        yield
        return
    with _flock(path, fcntl.LOCK_SH, "a dump, restore or reset of this graph is running: "
                                     "load again when it has finished"):
        yield


@contextlib.contextmanager
def no_load_running(path: Path, doing: str) -> Iterator[None]:
    """Held by a dump, restore or reset: refused while any load holds ``load_lock``."""
    with _flock(path, fcntl.LOCK_EX, f"a load (or a dump, restore or reset) of this graph "
                                     f"is running: {doing} refused; wait until it has finished"):
        yield


@contextlib.contextmanager
def infer_lock(path: Path | None) -> Iterator[None]:
    """Held by ``hflineage infer`` from its read to its last write: one at a time (exclusive,
    on its own file), and like a load (shared ``load_lock``) against dumps, restores, resets."""
    if path is None:
        yield
        return
    with _flock(path.with_name(path.name + ".infer"), fcntl.LOCK_EX,
                "another hflineage infer is running on this graph: wait until it has finished"), \
            _flock(path, fcntl.LOCK_SH, "a dump, restore or reset of this graph is running: "
                                        "run hflineage infer again when it has finished"):
        yield
