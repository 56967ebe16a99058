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
    """A fetched family as a DiGraph by model id: the root and every model reachable below it
    within ``max_depth`` generations, walking through deleted models, and the edges among them.

    Deleted models other than the root stay as nodes with ``deleted=True`` (they connect their
    live descendants) and are never counted (see :func:`counted`); every node has ``deleted``.
    A member's generation is its shortest distance from the root through any models, as in
    ``family_summary``. ``sub`` must reach one generation further (or to the leaves)."""
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
    g = nx.DiGraph()
    for key in generation:
        g.add_node(sub.models[key].id, deleted=key != sub.focus and sub.models[key].deleted)
    for link in sub.links:
        if link.child in generation and link.parent in generation:
            g.add_edge(sub.models[link.child].id, sub.models[link.parent].id,
                       relation=link.relation)
    g.graph["root"] = sub.models[sub.focus].id
    return g


def family_digraph(driver: neo4j.Driver, model: str, database: str = "neo4j",
                   max_depth: int = 10) -> nx.DiGraph:
    """The family below ``model`` as a DiGraph (see :func:`family_tree`: deleted models kept
    as ``deleted=True`` nodes, never counted by :func:`tree_stats`), fetched by Cypher."""
    return family_tree(fetch_family(driver, database, model, down=max_depth + 1, limit=None),
                       max_depth)


def counted(g: nx.DiGraph, root: str) -> dict[str, int]:
    """The counted members below ``root`` and their generations: the root and every model
    reachable below it, not marked ``deleted``; a generation is the shortest distance from the
    root through any models (deleted ones too)."""
    generation = nx.single_source_shortest_path_length(g.reverse(copy=False), root)
    return {n: d for n, d in generation.items()
            if n == root or not g.nodes[n].get("deleted", False)}


def derivatives(g: nx.DiGraph, model: str) -> set[str]:
    """A model's derivatives as counted: the models derived from it directly, or through deleted
    models only, that are not deleted themselves."""
    found: set[str] = set()
    seen: set[str] = set()
    stack = list(g.predecessors(model))
    while stack:
        child = stack.pop()
        if child in seen:
            continue
        seen.add(child)
        if g.nodes[child].get("deleted", False):
            stack.extend(g.predecessors(child))
        else:
            found.add(child)
    return found


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
    """Size, depth and branching of the family below ``root`` over its counted members (see
    :func:`counted`; nodes marked ``deleted`` connect but are not counted). ``size``: counted
    members; ``depth``: their largest generation; ``widthByGeneration``: counted members per
    generation 0..depth (0 where only deleted models lie); a member's branching is the number of
    its :func:`derivatives` (direct, or through deleted models only) among the members;
    ``leaves``: members with none; ``meanBranching``: over members with any (0.0 if none)."""
    generation = counted(g, root)
    children = [len(derivatives(g, n) & generation.keys()) for n in generation]
    internal = [c for c in children if c > 0]
    width = Counter(generation.values())
    depth = max(generation.values())
    return {
        "root": root,
        "size": len(generation),
        "depth": depth,
        "leaves": len(children) - len(internal),
        "maxBranching": max(children),
        "meanBranching": sum(internal) / len(internal) if internal else 0.0,
        "widthByGeneration": [width[d] for d in range(depth + 1)],
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
