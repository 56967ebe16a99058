"""``infer_lock``: one ``hflineage infer`` at a time, none during a dump, restore or reset, and
side by side with loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from hflineage.db.lock import infer_lock, load_lock, no_load_running
from hflineage.errors import GraphBusyError


def test_two_infer_runs_exclude_each_other(tmp_path: Path) -> None:
    lock = tmp_path / "load.lock"
    with (infer_lock(lock),
          pytest.raises(GraphBusyError, match="another hflineage infer is running"),
          infer_lock(lock)):
        pass
    with infer_lock(lock):  # released
        pass


def test_infer_runs_beside_a_load_but_not_beside_a_reset(tmp_path: Path) -> None:
    lock = tmp_path / "load.lock"
    with load_lock(lock), infer_lock(lock):
        pass
    with (no_load_running(lock, "reset"),
          pytest.raises(GraphBusyError, match="run hflineage infer again"),
          infer_lock(lock)):
        pass
    with infer_lock(lock), pytest.raises(GraphBusyError), no_load_running(lock, "reset"):
        pass
