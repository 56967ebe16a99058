"""The walking skeleton: start Neo4j, load the shipped sample, run a query, draw a lineage."""

from __future__ import annotations

import shlex
import sys
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import click
import neo4j
import pandas as pd

from hflineage.cliutil import AppContext, pass_app
from hflineage.db.runtime import demo_instance, demo_state_dir
from hflineage.db.schema import init_schema
from hflineage.loader import load_leaderboard, load_snapshot

SAMPLE = "data/sample"
DEMO_QUERY = "top_base_models"
DEMO_FAMILY = "meta-llama/Llama-2-7b-hf"
DEMO_COLUMNS = ["model", "architecture", "directDerivatives", "transitiveDerivatives"]


@dataclass
class DemoResult:
    """What the demo wrote, and the table it printed."""

    outputs: dict[str, Path] = field(default_factory=dict)
    table: pd.DataFrame | None = None


def sample_dir() -> Path:
    """The shipped illustrative snapshot (see its README)."""
    return Path(str(resources.files("hflineage").joinpath(SAMPLE)))


def run_demo(driver: neo4j.Driver, database: str, out: Path, echo: bool = True) -> DemoResult:
    """Load the sample, run one named query, write one lineage page; return what was made."""
    from hflineage.analytics import run_query
    from hflineage.viz import family_graph

    out.mkdir(parents=True, exist_ok=True)
    result = DemoResult()
    init_schema(driver, database)
    sample = sample_dir()
    rejects = out / "rejects.jsonl"
    summary = load_snapshot(driver, sample, database=database, rejects=rejects, progress=False)
    say(echo, f"sample snapshot: {summary.line()}")
    scores = load_leaderboard(driver, sample / "leaderboard-v2.csv", database=database,
                              rejects=out / "leaderboard-rejects.jsonl", progress=False)
    say(echo, f"sample leaderboard: {scores.line()}")
    result.outputs["rejects"] = rejects

    table = run_query(driver, DEMO_QUERY, {"limit": 10}, database=database)
    result.table = table
    csv = out / f"{DEMO_QUERY}.csv"
    table.to_csv(csv, index=False)
    result.outputs["table"] = csv
    if echo:
        from rich.console import Console
        from rich.table import Table

        rich_table = Table(title=f"{DEMO_QUERY}: base models with the most derivatives")
        shown = table[[c for c in DEMO_COLUMNS if c in table.columns]]
        for col in shown.columns:
            rich_table.add_column(str(col), overflow="fold")
        for row in shown.itertuples(index=False):
            rich_table.add_row(*[str(v) for v in row])
        Console(width=None if sys.stdout.isatty() else 120).print(rich_table)

    html = out / "lineage-llama-2-7b.html"
    family_graph(driver, DEMO_FAMILY, database=database).save(html)
    result.outputs["lineage"] = html
    return result


def say(echo: bool, text: str) -> None:
    if echo:
        click.echo(text)


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
    with inst.driver() as driver:
        result = run_demo(driver, "neo4j", out.resolve())
    click.echo("\nOutputs:")
    for name, path in result.outputs.items():
        click.echo(f"  {name:8s} {path}")
    prefix = f"HFLINEAGE_HOME={shlex.quote(str(home))} NEO4J_URI="
    click.echo("\nOpen the demo's graph (it keeps running):\n"
               f"  {prefix} hflineage query run top_base_models\n"
               f"  eval \"$({prefix} hflineage db env)\" && cypher-shell\n"
               f"  {prefix} hflineage db stop      # when done")
