"""Settings errors are one line through the real entry point, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hflineage.cli import cli


@pytest.mark.parametrize(("uri", "fix"), [
    ("http://localhost:7474", "use bolt://localhost:7687"),
    ("https://db.example.org:7473/browser/", "use bolt+s://db.example.org:7687"),
    ("localhost:7687", "use bolt://localhost:7687"),
])
def test_a_browser_http_uri_is_one_line_naming_bolt(uri: str, fix: str, tmp_path: Path) -> None:
    env = {"NEO4J_URI": uri, "NEO4J_PASSWORD": "x", "HFLINEAGE_HOME": str(tmp_path)}
    for args in (["query", "run", "graph_stats"], ["db", "status"]):
        result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: invalid setting NEO4J_URI: ")
        assert fix in lines[0] and "Traceback" not in result.output
    if uri.startswith("http"):
        assert "serves only the browser" in lines[0]
    flag = CliRunner().invoke(cli, ["--uri", uri, "query", "run", "graph_stats"],
                              env={"HFLINEAGE_HOME": str(tmp_path)}, catch_exceptions=False)
    assert flag.exit_code == 1 and fix in flag.output
