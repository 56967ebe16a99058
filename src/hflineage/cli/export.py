"""``hflineage export``: the graph, a family or a query's subgraph as GraphML or CSV."""

from __future__ import annotations

from pathlib import Path

import click

from hflineage.analytics.export import FORMATS, export_graph
from hflineage.cli.context import AppContext, pass_app
from hflineage.cli.options import param_option


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="graphml",
              show_default=True)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--family", metavar="ROOT_ID", help="Only this model and its descendants.")
@click.option("--depth", "max_depth", type=click.IntRange(1, 32), default=10, show_default=True,
              help="Generations of a --family to follow.")
@click.option("--query", metavar="NAME", help="Only the subgraph a named query returns.")
@param_option
@pass_app
def export(app: AppContext, fmt: str, path: Path, family: str | None, max_depth: int,
           query: str | None, params: dict[str, str | None]) -> None:
    """Export the graph, a family or a query's subgraph as GraphML (a file) or CSV (a folder).

    Subgraphs hold the selected models, their non-model neighbours (organizations,
    architectures, licences, ...) and every relationship between them. Every export
    carries the graph's schema version.

    \b
    Examples:
      hflineage export --format graphml graph.graphml
      hflineage export --format csv out/llama --family meta-llama/Llama-2-7b-hf
      hflineage export --format graphml lineage.graphml --query model_lineage --param model=gpt2
    """
    summary = export_graph(app.driver, path, fmt=fmt, database=app.database, family=family,
                           max_depth=max_depth, query=query, params=params)
    click.echo(f"wrote {summary.nodes:,} nodes and {summary.relationships:,} relationships "
               f"({summary.scope}, schema version {summary.schema_version}) to {summary.path}")
