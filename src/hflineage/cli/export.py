"""``hflineage export``: the graph, a family or a query's subgraph as GraphML or CSV, or one
model's provenance as a CycloneDX ML-BOM."""

from __future__ import annotations

from pathlib import Path

import click

from hflineage.analytics.cyclonedx import bom_json, model_bom, summarize, write_bom
from hflineage.analytics.export import FORMATS, export_graph
from hflineage.cli.context import AppContext, pass_app
from hflineage.cli.options import param_option


def _refuse(wrong: bool, message: str) -> None:
    if wrong:
        raise click.UsageError(message)


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="graphml",
              show_default=True)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--family", metavar="ROOT_ID", help="Only this model and its descendants.")
@click.option("--depth", "max_depth", type=click.IntRange(1, 32), default=10, show_default=True,
              help="Generations of a --family, or of a --model's ancestors, to follow.")
@click.option("--query", metavar="NAME", help="Only the subgraph a named query returns.")
@param_option
@click.option("--model", metavar="ID", help="With --format cyclonedx: the model of the BOM.")
@click.option("--include-likely", is_flag=True,
              help="With --format cyclonedx: also the ancestors reached through predicted "
                   "parents (hflineage infer), marked hflineage:likely=true.")
@pass_app
def export(app: AppContext, fmt: str, path: Path,  # noqa: PLR0913 (one argument per option)
           family: str | None, max_depth: int, query: str | None,
           params: dict[str, str | None], model: str | None, include_likely: bool) -> None:
    """Export the graph, a family or a query's subgraph as GraphML (a file) or CSV (a folder),
    or one model's provenance as a CycloneDX 1.6 ML-BOM (a JSON file; - for stdout).

    Subgraphs hold the selected models, their non-model neighbours (organizations,
    architectures, licences, ...) and every relationship between them. Every export
    carries the graph's schema version. The BOM's pedigree lists the model's declared
    ancestors with their relations, licences, datasets and organizations; predicted
    parents only with --include-likely, marked with their confidence. It is checked
    against the CycloneDX 1.6 schema before it is written.

    \b
    Examples:
      hflineage export --format graphml graph.graphml
      hflineage export --format csv out/llama --family meta-llama/Llama-2-7b-hf
      hflineage export --format graphml lineage.graphml --query model_lineage --param model=gpt2
      hflineage export --format cyclonedx --model meta-llama/Llama-2-7b-chat-hf llama.cdx.json
    """
    if fmt == "cyclonedx":
        if model is None:
            raise click.UsageError("--format cyclonedx needs --model ID")
        _refuse(family is not None or query is not None or bool(params),
                "--family, --query and --param do not go with --format cyclonedx")
        bom = model_bom(app.driver, model, database=app.database, max_depth=max_depth,
                        include_likely=include_likely)
        if str(path) == "-":
            click.echo(bom_json(bom))
            click.echo(summarize(bom, "stdout").line(), err=True)
        else:
            click.echo(write_bom(bom, path).line())
        return
    _refuse(model is not None, "--model goes with --format cyclonedx")
    _refuse(include_likely, "--include-likely goes with --format cyclonedx")
    summary = export_graph(app.driver, path, fmt=fmt, database=app.database, family=family,
                           max_depth=max_depth, query=query, params=params)
    click.echo(f"wrote {summary.nodes:,} nodes and {summary.relationships:,} relationships "
               f"({summary.scope}, schema version {summary.schema_version}) to {summary.path}")
