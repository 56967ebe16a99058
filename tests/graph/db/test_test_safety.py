"""The test fixture never wipes a database holding data it did not create."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import neo4j
import pytest

from tests.support.server import TestServer, UnsafeWipeError, ensure_wipe_allowed

ROOT = Path(__file__).resolve().parents[3]


def test_guard_refuses_foreign_data(graph: neo4j.Driver, database: str) -> None:
    ensure_wipe_allowed(graph, database, owned=False)  # empty: allowed
    graph.execute_query("CREATE (:Precious {name: 'user data'})", database_=database)
    with pytest.raises(UnsafeWipeError, match="refusing to wipe"):
        ensure_wipe_allowed(graph, database, owned=False)
    ensure_wipe_allowed(graph, database, owned=True)


def test_test_session_against_a_populated_server_refuses_and_keeps_data(
    graph: neo4j.Driver, database: str, neo4j_server: TestServer, tmp_path: Path
) -> None:
    graph.execute_query("CREATE (:Precious {name: 'user data'})", database_=database)
    probe = tmp_path / "test_probe.py"
    probe.write_text("def test_needs_graph(graph):\n    pass\n")
    (tmp_path / "conftest.py").write_text("from tests.conftest import *  # noqa: F403\n")
    env = os.environ | neo4j_server.env() | {"PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "--rootdir", str(tmp_path), str(probe)],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                         check=False)
    assert out.returncode == 3, out.stdout + out.stderr
    assert "refusing" in out.stdout + out.stderr
    left, _, _ = graph.execute_query("MATCH (p:Precious) RETURN p.name AS name",
                                     database_=database)
    assert [r["name"] for r in left] == ["user data"]
