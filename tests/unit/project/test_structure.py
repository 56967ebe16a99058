"""The package's shape: a thin CLI, no test support in the wheel, public queries only, no copies,
and clean linters."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from hflineage.cli import cli
from hflineage.cypher import registry
from tests.support.paths import ROOT

SRC = ROOT / "src" / "hflineage"
CYPHER = SRC / "cypher"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _sources() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_no_module_outside_cli_imports_click() -> None:
    outside = [str(p.relative_to(SRC)) for p in _sources()
               if "cli" not in p.relative_to(SRC).parts[:1]
               and any(n == "click" or n.startswith("click.") for n in _imports(p))]
    assert not outside, f"click imported outside hflineage/cli/: {outside}"


def test_nothing_under_src_imports_the_fake_hub_or_the_tests() -> None:
    leaking = [str(p.relative_to(SRC)) for p in _sources()
               if any(n.split(".")[0] == "tests" or n.endswith("hubserver")
                      for n in _imports(p))
               or "LocalHub" in p.read_text(encoding="utf-8")]
    assert not leaking, f"test support imported by the package: {leaking}"
    assert not list(SRC.rglob("hubserver.py")), "the fake Hub must live in tests/support"


def test_query_list_shows_only_public_queries() -> None:
    internal = {p.stem for p in CYPHER.rglob("*.cypher") if p.parent != CYPHER}
    public = {p.stem for p in CYPHER.glob("*.cypher")}
    result = CliRunner().invoke(cli, ["query", "list", "--json"])
    assert result.exit_code == 0, result.output
    listed = {q["name"] for q in json.loads(result.output)}
    assert listed == public == set(registry())
    assert not listed & internal, f"internal statements listed as queries: {listed & internal}"
    assert not [n for n in listed if n.startswith("viz_")], "viz_* queries are internal"


#: A literal that starts with an upper-case Cypher clause is a statement, not prose.
_CYPHER_START = re.compile(r"\s*(MATCH|OPTIONAL MATCH|MERGE|UNWIND|CREATE|RETURN|CALL|SHOW|WITH|"
                           r"DROP|LOAD CSV) \S")


def test_no_inline_cypher_in_the_package() -> None:
    """Cypher lives in .cypher files: no string literal in src/ starts like a statement."""
    found = [f"{path.relative_to(SRC)}:{node.lineno}: {node.value[:40]!r}"
             for path in _sources()
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and _CYPHER_START.match(node.value) and len(node.value.split()) > 1]
    assert not found, f"inline Cypher (move it to a .cypher file): {found}"


def _tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    if exe.exists():
        return str(exe)
    found = shutil.which(name)
    assert found is not None, f"{name} is not installed: ./run test installs the dev extra"
    return found


def test_no_duplicate_code_in_src() -> None:
    """pylint's duplicate-code check (6 lines and more) finds nothing in src/."""
    out = subprocess.run([_tool("pylint"), "--disable=all", "--enable=duplicate-code",
                          "--min-similarity-lines=6", "--score=n", str(SRC)],
                         capture_output=True, text=True, check=False, cwd=ROOT)
    assert out.returncode == 0 and "Similar lines" not in out.stdout, out.stdout + out.stderr


def test_ruff_is_clean() -> None:
    out = subprocess.run([_tool("ruff"), "check", "src", "tests", "bench"],
                         capture_output=True, text=True, check=False, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_strict_is_clean() -> None:
    out = subprocess.run([_tool("mypy"), "--strict"], capture_output=True, text=True,
                         check=False, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


def test_one_driver_factory_and_no_working_directory_defaults_in_the_library() -> None:
    drivers = [str(p.relative_to(SRC)) for p in _sources()
               if "GraphDatabase" in p.read_text(encoding="utf-8")]
    assert drivers == ["db/connection.py"], f"drivers opened outside db/connection.py: {drivers}"
    cwd = [str(p.relative_to(SRC)) for p in _sources()
           if "Path.cwd()" in p.read_text(encoding="utf-8") and p.parent.name != "cli"]
    assert not cwd, f"the current directory as a library default: {cwd}"
