"""``hflineage query`` (named and user Cypher, read-only) and ``hflineage report``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.console import Console

from hflineage.analytics import output
from hflineage.analytics.queries import bind_query, run_cypher, run_query
from hflineage.cli.context import AppContext, Group, pass_app
from hflineage.cli.options import (
    format_option,
    limit_option,
    out_file_option,
    param_option,
    timeout_option,
)
from hflineage.cypher import Param, load, registry


@click.group(cls=Group)
def query() -> None:
    """Answer questions with the named Cypher queries, or run your own read-only.

    \b
    Examples:
      hflineage query list
      hflineage query show top_architectures
      hflineage query run top_base_models --param relation=adapter --param limit=10
      hflineage query run model_lineage -p model=mistralai/Mistral-7B-v0.1 --format json
      hflineage query cypher "MATCH (m:Model) RETURN count(m) AS models"
    """


def _with_output(f: Any) -> Any:
    for opt in (timeout_option(), out_file_option, format_option, param_option):
        f = opt(f)
    return f


def _format(fmt: str | None, out: Path | None) -> str:
    fmt = output.format_for(out, fmt)
    if fmt == "parquet" and out is None:
        raise click.UsageError("--format parquet needs --out FILE")
    return fmt


def _emit(df: pd.DataFrame, fmt: str, out: Path | None, title: str) -> None:
    if out is not None:
        output.write(df, fmt, out, title)
        click.echo(f"{len(df)} rows written to {out}", err=True)
    elif fmt == "table":
        output.show(Console(), df, f"{title} ({len(df)} rows)")
    else:
        click.echo(output.render(df, fmt), nl=False)


def _describe(p: Param) -> str:
    default = "required" if p.required else "= " + json.dumps(p.default)
    return f"{p.name}: {p.type} {default}"


@query.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def query_list(as_json: bool) -> None:
    """List the named queries with their descriptions and parameters.

    \b
    Example:
      hflineage query list
    """
    rows = [{"name": q.name, "description": q.description,
             "params": ", ".join(_describe(p) for p in q.params)}
            for q in registry().values()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    Console().print(output.table(pd.DataFrame(rows), "Named queries"))


@query.command("show")
@click.argument("name")
def query_show(name: str) -> None:
    """Print a named query's Cypher, ready to paste into Neo4j Browser.

    \b
    Example:
      hflineage query show model_lineage
    """
    click.echo(load(name).text, nl=False)


@query.command("run")
@click.argument("name")
@limit_option
@_with_output
@pass_app
def query_run(app: AppContext, name: str, limit: int | None, params: dict[str, str | None],
              fmt: str | None, out: Path | None, timeout: float | None) -> None:
    """Run a named query (read-only) and print or save its rows.

    Parameters are checked against the query's header and converted to its types; a value
    outside an enum, null for a parameter that takes none, or a $model or $org that is not
    in the graph is an error, never an empty answer.

    \b
    Examples:
      hflineage query run top_architectures --limit 10
      hflineage query run model_lineage -p model=HuggingFaceH4/zephyr-7b-beta -p maxDepth=3
      hflineage query run size_accuracy_frontier --out frontier.parquet
    """
    fmt = _format(fmt, out)
    bound = bind_query(name, params, limit=limit)  # a typo fails before connecting
    df = run_query(app.driver, bound, database=app.database,
                   timeout=timeout or app.settings.hflineage_query_timeout)
    _emit(df, fmt, out, name)


def _json_or_text(value: str | None) -> Any:
    try:
        return json.loads(value) if value is not None else None
    except json.JSONDecodeError:
        return value


@query.command("cypher")
@click.argument("text", required=False)
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the Cypher from this file.")
@_with_output
@pass_app
def query_cypher(app: AppContext, text: str | None, file: Path | None,
                 params: dict[str, str | None], fmt: str | None, out: Path | None,
                 timeout: float | None) -> None:
    """Run your own Cypher read-only, with parameters passed as parameters.

    Writes are refused by Neo4j and leave the graph unchanged. Anything beyond a read
    of the graph (LOAD CSV, SHOW, TERMINATE, dbms and administration commands, another
    database, procedures other than the catalog and full-text ones) is refused before
    it runs. A --param value is read as JSON when it parses (10, true, ["a","b"]), else
    as text.

    \b
    Examples:
      hflineage query cypher 'MATCH (m:Model {key: toLower($id)}) RETURN m.id' -p id=gpt2
      hflineage query cypher --file my_question.cypher --format csv --out answer.csv
    """
    if (text is None) == (file is None):
        raise click.UsageError("give the Cypher as TEXT or with --file, not both")
    fmt = _format(fmt, out)
    if text is not None:
        cypher = text
    else:
        assert file is not None  # one of the two, checked above
        cypher = file.read_text(encoding="utf-8")
    df = run_cypher(app.driver, cypher, {k: _json_or_text(v) for k, v in params.items()},
                    app.database, timeout or app.settings.hflineage_query_timeout)
    _emit(df, fmt, out, "cypher")


@click.command("report")
@click.option("--out", "-o", "out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("report"), show_default=True, help="Folder to write the report to.")
@click.option("--benchmark", default="Average", show_default=True,
              help="Leaderboard benchmark for the accuracy sections.")
@click.option("--families", default=5, show_default=True, type=click.IntRange(min=0),
              help="How many of the largest families get their own summary and lineage page.")
@timeout_option(default="no limit")
@pass_app
def report(app: AppContext, out: Path, benchmark: str, families: int,
           timeout: float | None) -> None:
    """Write a self-contained HTML report (works offline) with a CSV per table.

    Charts and sortable tables answer the paper's questions for the loaded graph:
    growth, architecture popularity, size and accuracy per relation, the size–accuracy
    frontier, contributors, organizations, openness and datasets.

    \b
    Example:
      hflineage report --out out/report && xdg-open out/report/index.html
    """
    from hflineage.analytics.report import build_report

    index = build_report(app.driver, out, app.database, benchmark, families, timeout)
    click.echo(f"report written to {index}")
