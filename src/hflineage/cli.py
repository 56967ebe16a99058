"""The ``hflineage`` command line: a thin layer over the library functions.

Each area keeps its command group next to its code (``<area>/commands.py``); this module
holds the root group and registers them.
"""

from __future__ import annotations

import click

from hflineage.cliutil import AppContext, Group
from hflineage.config import get_settings


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks.")
@click.option("--uri", envvar=None, help="Neo4j URI (overrides NEO4J_URI).")
@click.option("--database", help="Neo4j database (overrides NEO4J_DATABASE).")
@click.version_option(package_name="hflineage")
@click.pass_context
def cli(ctx: click.Context, debug: bool, uri: str | None, database: str | None) -> None:
    """Map the Hugging Face Hub's open-model ecosystem as a lineage graph in Neo4j.

    \b
    Examples:
      hflineage db start && eval "$(hflineage db env)"
      hflineage load snapshot data/models.jsonl
      hflineage query run top_architectures --format table
    """
    app = AppContext(get_settings(neo4j_uri=uri, neo4j_database=database), debug)
    ctx.obj = app
    ctx.call_on_close(app.close)


def main() -> None:
    cli(prog_name="hflineage")


# Command groups, one per area.
from hflineage.db.commands import db  # noqa: E402

cli.add_command(db)
from hflineage.synth_commands import synth  # noqa: E402

cli.add_command(synth)
from hflineage.loader.commands import load  # noqa: E402

cli.add_command(load)
import hflineage.loader.hub_commands  # noqa: E402,F401  (registers `load hub`)
from hflineage.viz.commands import viz  # noqa: E402

cli.add_command(viz)
from hflineage.demo import demo  # noqa: E402

cli.add_command(demo)
from hflineage.analytics.commands import query, report  # noqa: E402

cli.add_command(query)
cli.add_command(report)
from hflineage.export import export  # noqa: E402

cli.add_command(export)
