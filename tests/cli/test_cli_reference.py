"""docs/cli.md is every command's ``--help``, current, and every command shows an example."""

from __future__ import annotations

import re

import pytest

from hflineage.cli import cli
from hflineage.cli.reference import contexts, reference
from tests.support.paths import ROOT

REGENERATE = "python -m hflineage.cli.reference > docs/cli.md"
COMMANDS = {ctx.command_path: ctx.command.get_help(ctx) for ctx in contexts()}
#: An "Example:" or "Examples:" line, then an indented command line.
EXAMPLE = re.compile(r"^ +Examples?:\n +\S", re.MULTILINE)


def test_docs_cli_md_is_current() -> None:
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == reference(), f"docs/cli.md is out of date: run `{REGENERATE}`"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_shows_an_example(path: str) -> None:
    assert EXAMPLE.search(COMMANDS[path]), f"`{path} --help` has no Example: block"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_the_reference_is_what_help_prints(path: str, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """In a terminal of any width from 80 columns up (CliRunner would force 80 columns)."""
    monkeypatch.setenv("COLUMNS", "200")
    code = cli.main([*path.split()[1:], "--help"], prog_name="hflineage", standalone_mode=False)
    assert code == 0
    assert capsys.readouterr().out.rstrip("\n") == COMMANDS[path]
