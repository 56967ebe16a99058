"""The shared options, each defined once in hflineage.cli.options."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from hflineage.cli import cli
from hflineage.cli.options import relation_option
from hflineage.loader.normalize.vocab import RELATIONS


@click.command()
@relation_option()
def _echo(relations: list[str] | None) -> None:
    click.echo(repr(relations))


@pytest.mark.parametrize(("args", "wanted"), [
    ([], None),
    (["--relation", "finetune"], ["finetune"]),
    (["--relation", "finetune,merge", "--relation", "Adapter"], ["finetune", "merge", "adapter"]),
    (["--relation", "merge", "--relation", "merge"], ["merge"]),
    (["--relation", "unknown"], ["unknown"]),
])
def test_relation_takes_repeats_and_comma_lists(args: list[str], wanted: list[str] | None
                                                ) -> None:
    result = CliRunner().invoke(_echo, args)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == repr(wanted)


def test_relation_refuses_what_the_command_cannot_follow() -> None:
    bad = CliRunner().invoke(_echo, ["--relation", "finetune,finetunes"])
    assert bad.exit_code == 2 and "unknown relation finetunes" in bad.output
    hub = CliRunner().invoke(cli, ["load", "hub", "--relation", "unknown"])
    assert hub.exit_code == 2
    assert f"choose from {', '.join(RELATIONS)}" in hub.output
