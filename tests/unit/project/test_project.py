"""Project-level promises: docker-compose, the run script, CI, dependencies, ``python -m``.

Every command's help and its example: tests/cli/test_cli_reference.py."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]


def test_compose_runs_5_26_with_apoc_and_no_baked_password() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    compose = yaml.safe_load(text)
    svc = compose["services"]["neo4j"]
    assert svc["image"].startswith("neo4j:5.26")
    assert "apoc" in svc["environment"]["NEO4J_PLUGINS"]
    assert svc["environment"]["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD:?")
    assert "RETURN 1" in " ".join(svc["healthcheck"]["test"])
    named = {v.split(":", 1)[0] for v in svc["volumes"]}
    assert named <= set(compose["volumes"])
    assert all(p.startswith("127.0.0.1:") for p in svc["ports"])


def test_ci_calls_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "./run test    #" in readme
    commands = [line.strip() for line in ci.splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert "./run test" in commands
    assert "-eq 5" in ci


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_third_party_import_is_a_declared_dependency() -> None:
    """What the package imports directly is in ``dependencies``, not just pulled in by chance."""
    imported: set[str] = set()
    for path in (ROOT / "src" / "hflineage").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    # docker: only to detect an engine for the tests (testcontainers brings it); guarded.
    imported -= set(sys.stdlib_module_names) | {"hflineage", "docker"}
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    declared = {_normalized(re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0]) for dep in deps}
    dists = packages_distributions()
    undeclared = sorted(module for module in imported
                        if not {_normalized(d) for d in dists.get(module, [module])} & declared)
    assert not undeclared, f"imported but not in pyproject dependencies: {undeclared}"


def test_python_dash_m_works() -> None:
    out = subprocess.run([sys.executable, "-m", "hflineage", "--help"], capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0 and "Usage" in out.stdout
