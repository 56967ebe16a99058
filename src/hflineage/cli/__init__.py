"""The ``hflineage`` command line: a thin layer over the library functions.

One module per command group; this one holds the root group and registers them all.
No module outside ``hflineage.cli`` imports click.
"""

from __future__ import annotations

import click

from hflineage.cli.context import AppContext, Group
from hflineage.cli.db import db
from hflineage.cli.demo import demo
from hflineage.cli.export import export
from hflineage.cli.infer import infer
from hflineage.cli.load import load
from hflineage.cli.query import query, report
from hflineage.cli.serve import serve
from hflineage.cli.synth import synth
from hflineage.cli.viz import viz
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


for command in (db, load, infer, query, report, viz, export, demo, synth, serve):
    cli.add_command(command)
