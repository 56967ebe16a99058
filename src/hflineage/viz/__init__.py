"""Interactive lineage graphs: offline, escaped pyvis pages of a model's family, an
organization's models, or any named query's rows.

Each function returns a :class:`LineageNetwork` (a pyvis ``Network``): call
``.generate_html()`` for the page, ``.save(path)`` to write it, or leave it as the last
expression of a Jupyter cell to see it inline.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import neo4j

from hflineage.analytics.subgraph import fetch_family, fetch_lineage, fetch_org, fetch_query
from hflineage.viz.render import MAX_NODES, LineageNetwork, build_network

__all__ = ["LineageNetwork", "family_graph", "lineage_graph", "org_graph", "query_graph"]


def lineage_graph(  # noqa: PLR0913 (keyword-only view options, one per viz option)
        driver: neo4j.Driver, model: str, *, database: str = "neo4j",
        up: int | None = None, down: int | None = 2,
        relations: Iterable[str] | None = None, max_nodes: int = MAX_NODES,
        color_by: str = "architecture", layout: str = "auto",
        include_likely: bool = False) -> LineageNetwork:
    """A model's ancestors (``up`` generations, None: to the roots) and descendants;
    ``include_likely`` also draws predicted parents (hflineage infer), dashed."""
    sub = fetch_lineage(driver, database, model, up=up, down=down, relations=relations,
                        include_likely=include_likely)
    return build_network(sub, max_nodes=max_nodes, color_by=color_by, layout_mode=layout)


def family_graph(  # noqa: PLR0913 (keyword-only view options, one per viz option)
        driver: neo4j.Driver, root: str, *, database: str = "neo4j",
        down: int | None = None, relations: Iterable[str] | None = None,
        max_nodes: int = MAX_NODES, color_by: str = "architecture",
        layout: str = "auto", include_likely: bool = False) -> LineageNetwork:
    """A model and everything derived from it (``down`` generations, None: all);
    ``include_likely`` also draws predicted children (hflineage infer), dashed."""
    sub = fetch_family(driver, database, root, down=down, relations=relations,
                       include_likely=include_likely)
    return build_network(sub, max_nodes=max_nodes, color_by=color_by, layout_mode=layout)


def org_graph(  # noqa: PLR0913 (keyword-only view options, one per viz option)
        driver: neo4j.Driver, org: str, *, database: str = "neo4j", up: int | None = 1,
        down: int | None = 1, relations: Iterable[str] | None = None,
        max_nodes: int = MAX_NODES, color_by: str = "architecture",
        layout: str = "auto", include_likely: bool = False) -> LineageNetwork:
    """An organization's models, the base models they build on and the models built on them;
    ``include_likely`` also follows predicted edges (hflineage infer), drawn dashed."""
    sub = fetch_org(driver, database, org, up=up, down=down, relations=relations,
                    include_likely=include_likely)
    return build_network(sub, max_nodes=max_nodes, color_by=color_by, layout_mode=layout)


def query_graph(driver: neo4j.Driver, name: str, params: dict[str, Any] | None = None, *,
                database: str = "neo4j", max_nodes: int = MAX_NODES,
                color_by: str = "architecture", layout: str = "auto") -> LineageNetwork:
    """Any named query whose rows hold child/parent columns, paths or models, as a graph."""
    sub = fetch_query(driver, database, name, params)
    return build_network(sub, max_nodes=max_nodes, color_by=color_by, layout_mode=layout)
