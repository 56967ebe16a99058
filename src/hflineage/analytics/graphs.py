"""networkx analytics on derivation subgraphs fetched by Cypher (a family, an organization's
neighbourhood), never the whole graph. Edges point child → parent, as DERIVED_FROM does.

The functions over DataFrames and graphs are pure; ``family_digraph`` and ``org_digraph`` fetch.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import neo4j
import networkx as nx
import pandas as pd

from hflineage.analytics.queries import run_query
from hflineage.errors import OrganizationNotFoundError


def derivation_digraph(edges: pd.DataFrame, nodes: list[str] | None = None) -> nx.DiGraph:
    """A child → parent DiGraph from rows with ``child``, ``parent`` and ``relation``."""
    g = nx.DiGraph()
    g.add_nodes_from(nodes or [])
    for row in edges.itertuples(index=False):
        g.add_edge(row.child, row.parent, relation=getattr(row, "relation", None))
    return g


def family_digraph(driver: neo4j.Driver, model: str, database: str = "neo4j",
                   max_depth: int = 10) -> nx.DiGraph:
    """The family below ``model`` (it and its descendants) as a DiGraph, fetched by Cypher."""
    lineage = run_query(driver, "model_lineage", {"model": model, "maxDepth": 0}, database)
    edges = run_query(driver, "family_edges", {"model": model, "maxDepth": max_depth}, database)
    root = str(lineage.loc[0, "model"])
    g = derivation_digraph(edges, [root])
    g.graph["root"] = root
    return g


def org_digraph(driver: neo4j.Driver, org: str, database: str = "neo4j") -> nx.DiGraph:
    """An organization's one-hop derivation neighbourhood as a DiGraph, fetched by Cypher."""
    edges = run_query(driver, "org_neighbourhood", {"org": org}, database)
    if edges.empty:
        raise OrganizationNotFoundError(f"no derivation edges touch organization {org!r}")
    g = derivation_digraph(edges)
    for row in edges.itertuples(index=False):
        g.nodes[row.child]["organization"] = row.childOrganization
        g.nodes[row.parent]["organization"] = row.parentOrganization
    return g


def tree_stats(g: nx.DiGraph, root: str) -> dict[str, Any]:
    """Depth and branching of the derivation tree below ``root`` (shortest generations)."""
    generation = nx.single_source_shortest_path_length(g.reverse(copy=False), root)
    children = [g.in_degree(n) for n in generation]
    internal = [c for c in children if c > 0]
    width = Counter(generation.values())
    return {
        "root": root,
        "size": len(generation),
        "depth": max(generation.values()),
        "leaves": len(children) - len(internal),
        "maxBranching": max(children),
        "meanBranching": sum(internal) / len(internal) if internal else 0.0,
        "widthByGeneration": [width[d] for d in range(max(generation.values()) + 1)],
    }


def influence(g: nx.DiGraph, alpha: float = 0.85) -> pd.DataFrame:
    """PageRank on the derivation DAG: rank flows from derivatives to what they build on."""
    if g.number_of_nodes() == 0:
        return pd.DataFrame(columns=["model", "pagerank", "descendants", "children"])
    rank = nx.pagerank(g, alpha=alpha)
    rows = [{"model": n, "pagerank": rank[n], "descendants": len(nx.ancestors(g, n)),
             "children": g.in_degree(n)} for n in g]
    return (pd.DataFrame(rows).sort_values(["pagerank", "model"], ascending=[False, True])
            .reset_index(drop=True))


def components(g: nx.DiGraph) -> pd.DataFrame:
    """Weakly connected components: size, roots (models without a parent) and members."""
    parts = sorted((sorted(c) for c in nx.weakly_connected_components(g)),
                   key=lambda models: (-len(models), models[0]))
    rows = [(len(models), [n for n in models if g.out_degree(n) == 0], models)
            for models in parts]
    return pd.DataFrame(rows, columns=["size", "roots", "models"])


def pareto_front(df: pd.DataFrame, x: str = "parameters", y: str = "score",
                 by: tuple[str, ...] = ("leaderboard",)) -> pd.Series:
    """True where no row of the same ``by`` group (those columns that ``df`` has; by default the
    same leaderboard, as scales differ) with at most as much ``x`` has a higher ``y``."""
    keys = [c for c in by if c in df.columns]
    order = df.sort_values([x, y], ascending=[True, False], kind="stable")
    groups = [order[k] for k in keys] or [pd.Series(0, index=order.index)]
    best = order[y].astype(float).groupby(groups, dropna=False).transform(
        lambda s: s.cummax().shift(fill_value=float("-inf")))
    return (order[y] > best).reindex(df.index)
