"""``hflineage demo``: the walking skeleton on the demo's own server."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from hflineage.cli.context import AppContext, pass_app
from hflineage.db.runtime import demo_instance, demo_state_dir
from hflineage.demo import DEMO_COLUMNS, DEMO_QUERY, run_demo


def _print_table(table: pd.DataFrame) -> None:
    rich_table = Table(title=f"{DEMO_QUERY}: base models with the most derivatives")
    shown = table[[c for c in DEMO_COLUMNS if c in table.columns]]
    for col in shown.columns:
        rich_table.add_column(str(col), overflow="fold")
    for row in shown.itertuples(index=False):
        rich_table.add_row(*[str(v) for v in row])
    Console(width=None if sys.stdout.isatty() else 120).print(rich_table)


@click.command("demo")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out/demo"), show_default=True, help="Where outputs go.")
@pass_app
def demo(app: AppContext, out: Path) -> None:
    """Start the demo's own Neo4j, load the shipped sample, print a query's table, write a
    lineage page.

    The demo never touches your graph: it runs its own managed server (state folder
    <state>/demo, its own port), whatever NEO4J_URI says, and prints how to open it.

    \b
    Example:
      hflineage demo --out out/demo
    """
    inst = demo_instance(app.settings)
    t0 = time.monotonic()
    status = inst.start()
    home = demo_state_dir(app.settings)
    click.echo(f"The demo's own Neo4j {status.version} is ready at {status.uri} "
               f"({time.monotonic() - t0:.1f}s), state folder {home}: apart from your graph"
               + (" (NEO4J_URI is ignored)" if app.settings.neo4j_uri else ""))
    with inst.driver(app.settings.hflineage_retry_time) as driver:
        result = run_demo(driver, "neo4j", out.resolve(), say=click.echo)
    if result.table is not None:
        _print_table(result.table)
    click.echo("\nOutputs:")
    for name, path in result.outputs.items():
        click.echo(f"  {name:8s} {path}")
    prefix = f"HFLINEAGE_HOME={shlex.quote(str(home))} NEO4J_URI="
    click.echo("\nOpen the demo's graph (it keeps running):\n"
               f"  {prefix} hflineage query run top_base_models\n"
               f"  eval \"$({prefix} hflineage db env)\" && cypher-shell\n"
               f"  {prefix} hflineage serve --open   # the explorer, http://127.0.0.1:8765\n"
               f"  {prefix} hflineage db stop      # when done")
