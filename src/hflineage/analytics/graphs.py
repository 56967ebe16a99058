"""networkx analytics on derivation subgraphs fetched by Cypher (a family, an organization's
neighbourhood), never the whole graph. Edges point child → parent, as DERIVED_FROM does.

The functions over DataFrames, subgraphs and graphs are pure; ``family_digraph`` and
``org_digraph`` fetch.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import neo4j
import networkx as nx
import pandas as pd

from hflineage.analytics.queries import run_query
from hflineage.analytics.subgraph import Subgraph, fetch_family
from hflineage.errors import OrganizationNotFoundError


def derivation_digraph(edges: pd.DataFrame, nodes: list[str] | None = None) -> nx.DiGraph:
    """A child → parent DiGraph from rows with ``child``, ``parent`` and ``relation``."""
    g = nx.DiGraph()
    g.add_nodes_from(nodes or [])
    for row in edges.itertuples(index=False):
        g.add_edge(row.child, row.parent, relation=getattr(row, "relation", None))
    return g


def family_tree(sub: Subgraph, max_depth: int = 10) -> nx.DiGraph:
    """A fetched family as a DiGraph by model id, as ``family_edges`` answers: the root and its
    descendants within ``max_depth`` generations (deleted descendants left out), and the edges
    between them. ``sub`` must reach one generation further (or to the leaves)."""
    if sub.focus is None:
        raise ValueError("a family subgraph has its root as focus")
    children: dict[str, list[str]] = {}
    for link in sub.links:
        children.setdefault(link.parent, []).append(link.child)
    generation = {sub.focus: 0}
    frontier = [sub.focus]
    for depth in range(1, max_depth + 1):
        frontier = list(dict.fromkeys(c for p in frontier for c in children.get(p, [])
                                      if c not in generation))
        generation.update((c, depth) for c in frontier)
    members = {k for k in generation if k == sub.focus or not sub.models[k].deleted}
    g = nx.DiGraph()
    root = sub.models[sub.focus].id
    g.add_node(root)
    for link in sub.links:
        if link.child in members and link.parent in members:
            g.add_edge(sub.models[link.child].id, sub.models[link.parent].id,
                       relation=link.relation)
    g.graph["root"] = root
    return g


def family_digraph(driver: neo4j.Driver, model: str, database: str = "neo4j",
                   max_depth: int = 10) -> nx.DiGraph:
    """The family below ``model`` (it and its descendants) as a DiGraph, fetched by Cypher."""
    return family_tree(fetch_family(driver, database, model, down=max_depth + 1, limit=None),
                       max_depth)


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
