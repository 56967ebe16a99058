"""``hflineage.connect`` without a server: one-line errors, never a driver traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

import hflineage
from hflineage.db.runtime import free_port
from hflineage.errors import ConfigError, DatabaseError


@pytest.fixture(autouse=True)
def no_user_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No NEO4J_* from the environment or a `.env`, and no managed server of the user."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HFLINEAGE_HOME", str(tmp_path / "state"))
    for name in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)


def test_connect_without_any_server_says_how_to_get_one() -> None:
    with pytest.raises(ConfigError, match="hflineage db start"):
        hflineage.connect()


def test_connect_to_a_closed_port_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", "secret")
    uri = f"bolt://127.0.0.1:{free_port()}"
    with pytest.raises(DatabaseError, match="is not reachable") as e:
        hflineage.connect(uri)
    assert uri in str(e.value) and "\n" not in str(e.value)


def test_connect_refuses_browser_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", "secret")
    with pytest.raises(ConfigError, match="bolt://localhost:7687"):
        hflineage.connect("http://localhost:7474")
