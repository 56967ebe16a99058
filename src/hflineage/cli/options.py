"""Options shared by several commands, each defined once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import click
from click.decorators import FC

from hflineage.analytics.output import FORMATS
from hflineage.analytics.subgraph import check_relations
from hflineage.errors import QueryParameterError
from hflineage.loader.normalize.vocab import EDGE_RELATIONS


def parse_params(_ctx: click.Context, _param: click.Parameter, pairs: tuple[str, ...]
                 ) -> dict[str, str | None]:
    """``NAME=VALUE`` pairs as a dict; the value ``null`` is a JSON null (None), not text."""
    out: dict[str, str | None] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryParameterError(f"--param takes NAME=VALUE, got {pair!r}")
        out[name.strip().lstrip("$")] = None if value.strip() == "null" else value
    return out


def default_rejects_dir() -> Path:
    """Where a command's rejects go unless ``--rejects`` names a file: ``./hflineage-rejects``,
    the user's (never next to the read-only input, never deleted by hflineage)."""
    return Path.cwd() / "hflineage-rejects"


param_option = click.option(
    "--param", "-p", "params", multiple=True, callback=parse_params, metavar="NAME=VALUE",
    help="A query parameter (repeatable); null is a JSON null.")


def relation_option(choices: Sequence[str] = EDGE_RELATIONS) -> Callable[[FC], FC]:
    """``--relation``, repeated, comma-separated or both; a list of ``choices``, or None."""

    def parse(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
              ) -> list[str] | None:
        try:
            return check_relations(values, choices)
        except QueryParameterError as e:
            raise click.BadParameter(str(e)) from None

    return click.option(
        "--relation", "relations", multiple=True, callback=parse, metavar="LIST",
        help=f"Follow only these relations: repeat the option or separate with commas "
             f"({', '.join(choices)}; default all).")


format_option = click.option(
    "--format", "-f", "fmt", type=click.Choice(FORMATS),
    help="Output format (default: from --out's suffix, else table).")
out_file_option = click.option(
    "--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of the terminal.")
limit_option = click.option(
    "--limit", "-n", type=click.IntRange(min=0),
    help="At most this many rows (sets the query's $limit where it has one).")


def timeout_option(default: str = "HFLINEAGE_QUERY_TIMEOUT, 60"
                   ) -> Callable[[FC], FC]:
    """``--timeout`` in seconds for each query's transaction."""
    return click.option("--timeout", type=click.FloatRange(min=0, min_open=True),
                        help=f"Seconds before a query's transaction is stopped "
                             f"(default: {default}).")


batch_size_option = click.option(
    "--batch-size", type=click.IntRange(1), default=None,
    help="Rows per UNWIND batch (default HFLINEAGE_BATCH_SIZE, 5000).")


def rejects_option(default: str = "./hflineage-rejects/<source>-<time>.jsonl"
                   ) -> Callable[[FC], FC]:
    """``--rejects FILE``; ``default`` says where rejects go without it."""
    return click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path),
                        help=f"Rejects file (JSONL). Default: {default}.")


progress_option = click.option("--progress/--no-progress", default=True, show_default=True,
                               help="Show a progress bar.")
