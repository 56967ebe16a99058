"""``hflineage viz``: interactive lineage graphs as self-contained HTML pages."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from hflineage.cli.context import AppContext, Group, pass_app
from hflineage.cli.options import param_option, relation_option
from hflineage.errors import OutputFormatError
from hflineage.viz import LineageNetwork, family_graph, lineage_graph, org_graph, query_graph
from hflineage.viz.render import COLOR_BY, LAYOUTS, MAX_NODES


@click.group(cls=Group)
def viz() -> None:
    """Draw lineage graphs as interactive HTML pages that work offline.

    \b
    Examples:
      hflineage viz lineage mistralai/Mistral-7B-v0.1 --out mistral.html
      hflineage viz family google/gemma-7b --max-nodes 500
      hflineage viz org TheBloke
      hflineage viz query model_lineage -p model=google/gemma-7b -p maxDepth=2
    """


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "graph"


def _html(_ctx: click.Context, _param: click.Parameter, out: Path | None) -> Path | None:
    if out is not None and out.suffix and out.suffix.lower() not in (".html", ".htm"):
        raise OutputFormatError(f"viz writes an HTML page, so --out must end in .html, "
                                f"not {out.suffix!r}")
    return out


def _common(relations: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def wrap(f: Callable[..., Any]) -> Callable[..., Any]:
        opts = [
            click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
                         callback=_html,
                         help="HTML file to write (default: <view>-<name>.html here)."),
            click.option("--max-nodes", default=MAX_NODES, show_default=True,
                         type=click.IntRange(min=2),
                         help="Draw at most this many nodes; the rest are counted in "
                              "aggregate nodes."),
            click.option("--color-by", type=click.Choice(COLOR_BY), default=COLOR_BY[0],
                         show_default=True, help="Colour models by architecture or by "
                                                 "relation to their parent."),
            click.option("--layout", type=click.Choice(LAYOUTS), default="auto",
                         show_default=True,
                         help="tree (top-down), physics, fixed (precomputed radial), or auto."),
        ]
        if relations:
            opts.append(relation_option())
            opts.append(click.option(
                "--include-likely", is_flag=True, default=False,
                help="Also follow predicted parents (LIKELY_DERIVED_FROM, written by hflineage "
                     "infer), drawn as dashed lavender-grey edges labelled with their "
                     "confidence. Off: declared edges only."))
        for opt in reversed(opts):
            f = opt(f)
        return f
    return wrap


def _write(net: LineageNetwork, out: Path | None, default: str, started: float) -> None:
    path = net.save(out or Path(f"{_slug(default)}.html"))
    stats = net.page.stats
    folded = (f", {stats['folded']:,} more in {stats['aggregates']:,} aggregate nodes"
              if stats["folded"] else "")
    size = path.stat().st_size
    click.echo(f"wrote {path}: {stats['shown']:,} of {stats['models']:,} models{folded}; "
               f"{len(net.nodes):,} nodes, {len(net.edges):,} edges, {size / 1024:,.0f} KB, "
               f"{time.perf_counter() - started:.1f}s")


def _depth(value: int) -> int | None:
    return None if value < 0 else value


@viz.command("lineage")
@click.argument("model")
@click.option("--up", default=-1, show_default=True,
              help="Generations of ancestors to draw (-1: up to the roots).")
@click.option("--down", default=2, show_default=True,
              help="Generations of descendants to draw (-1: all).")
@_common()
@pass_app
def viz_lineage(  # noqa: PLR0913 (click passes each option as an argument)
        app: AppContext, model: str, up: int, down: int, out: Path | None,
        max_nodes: int, color_by: str, layout: str, relations: list[str] | None,
        include_likely: bool) -> None:
    """Draw a model's ancestors and descendants.

    \b
    Example:
      hflineage viz lineage HuggingFaceH4/zephyr-7b-beta --out zephyr.html
      hflineage viz lineage meta-llama/Llama-2-7b-hf --down 1 --relation finetune,merge
      hflineage viz lineage some-user/model-without-card --include-likely
    """
    started = time.perf_counter()
    net = lineage_graph(app.driver, model, database=app.database, up=_depth(up),
                        down=_depth(down), relations=relations, max_nodes=max_nodes,
                        color_by=color_by, layout=layout, include_likely=include_likely)
    _write(net, out, f"lineage-{model}", started)


@viz.command("family")
@click.argument("root")
@click.option("--down", default=-1, show_default=True,
              help="Generations of descendants to draw (-1: all).")
@_common()
@pass_app
def viz_family(  # noqa: PLR0913 (click passes each option as an argument)
        app: AppContext, root: str, down: int, out: Path | None, max_nodes: int,
        color_by: str, layout: str, relations: list[str] | None, include_likely: bool) -> None:
    """Draw a model and everything derived from it.

    \b
    Example:
      hflineage viz family google/gemma-7b --out gemma.html
      hflineage viz family meta-llama/Llama-2-7b-hf --max-nodes 2000
    """
    started = time.perf_counter()
    net = family_graph(app.driver, root, database=app.database, down=_depth(down),
                       relations=relations, max_nodes=max_nodes, color_by=color_by,
                       layout=layout, include_likely=include_likely)
    _write(net, out, f"family-{root}", started)


@viz.command("org")
@click.argument("name")
@click.option("--up", default=1, show_default=True,
              help="Generations of base models to draw (-1: up to the roots).")
@click.option("--down", default=1, show_default=True,
              help="Generations of models built on the organization's to draw (-1: all).")
@_common()
@pass_app
def viz_org(  # noqa: PLR0913 (click passes each option as an argument)
        app: AppContext, name: str, up: int, down: int, out: Path | None, max_nodes: int,
        color_by: str, layout: str, relations: list[str] | None, include_likely: bool) -> None:
    """Draw an organization's models, what they build on and who builds on them.

    \b
    Example:
      hflineage viz org mistralai --out mistralai.html
    """
    started = time.perf_counter()
    net = org_graph(app.driver, name, database=app.database, up=_depth(up), down=_depth(down),
                    relations=relations, max_nodes=max_nodes, color_by=color_by, layout=layout,
                    include_likely=include_likely)
    _write(net, out, f"org-{name}", started)


@viz.command("query")
@click.argument("name")
@param_option
@_common(relations=False)
@pass_app
def viz_query(app: AppContext, name: str, params: dict[str, str | None], out: Path | None,
              max_nodes: int, color_by: str, layout: str) -> None:
    """Draw a named query's rows as a graph.

    Rows are read by convention: columns child and parent (ids or Model nodes, with an
    optional relation, and likely/confidence for predicted edges) are edges; paths add their
    models and DERIVED_FROM (and predicted LIKELY_DERIVED_FROM) edges; otherwise the Model
    nodes, or the ids in a column named model, id or key, are drawn with the DERIVED_FROM
    edges among them. Predicted edges are drawn dashed, with their confidence.

    \b
    Example:
      hflineage viz query model_lineage -p model=mistralai/Mistral-7B-v0.1 -p maxDepth=2
      hflineage viz query family_edges -p model=google/gemma-7b -p includeLikely=true
    """
    started = time.perf_counter()
    net = query_graph(app.driver, name, params, database=app.database, max_nodes=max_nodes,
                      color_by=color_by, layout=layout)
    _write(net, out, f"query-{name}", started)
