"""Project-level promises: docker-compose, the run script, CI and CLI help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import yaml

from hflineage.cli import cli

ROOT = Path(__file__).resolve().parents[1]


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


def _commands(group: click.Group, prefix: tuple[str, ...] = ()
              ) -> list[tuple[tuple[str, ...], click.Command]]:
    out: list[tuple[tuple[str, ...], click.Command]] = []
    for name, cmd in group.commands.items():
        out.append(((*prefix, name), cmd))
        if isinstance(cmd, click.Group):
            out += _commands(cmd, (*prefix, name))
    return out


def test_every_command_has_help_with_an_example() -> None:
    missing = [" ".join(path) for path, cmd in _commands(cli)
               if "Example" not in (cmd.help or "")]
    assert not missing, f"commands without an example in --help: {missing}"


def test_python_dash_m_works() -> None:
    out = subprocess.run([sys.executable, "-m", "hflineage", "--help"], capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0 and "Usage" in out.stdout
