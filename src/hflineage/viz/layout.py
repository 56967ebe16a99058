"""Precomputed positions, so the browser draws at once: a left-to-right tree while it stays
readable, else a radial tree."""

from __future__ import annotations

import math

import networkx as nx

RING = 260.0
SPACING = 34.0
ROWS = 3
COLUMN = 320.0
ROW = 44.0


def levels(tree: nx.DiGraph) -> dict[str, int]:
    """Generation of every node of a tree whose edges run tree parent → tree child with a
    ``step`` of +1 (a derived model, drawn below) or -1 (a base model, drawn above)."""
    level: dict[str, int] = {}
    for root in (n for n, d in tree.in_degree() if d == 0):
        level[root] = 0
        for p, c in nx.bfs_edges(tree, root):
            level[c] = level[p] + tree.edges[p, c]["step"]
    low = min(level.values(), default=0)
    return {n: v - low for n, v in level.items()}


def _kids(tree: nx.DiGraph, n: str) -> list[str]:
    return sorted(tree.successors(n), key=lambda k: (tree.nodes[k].get("group", ""), k))


def layered(tree: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """A tidy tree read left to right: one column per generation, every leaf on its own row,
    every inner node level with the middle of its children."""
    level = levels(tree)
    pos: dict[str, tuple[float, float]] = {}
    row = 0
    for root in sorted(n for n, d in tree.in_degree() if d == 0):
        stack: list[tuple[str, bool]] = [(root, False)]
        while stack:
            n, done = stack.pop()
            kids = _kids(tree, n)
            if not done and kids:
                stack.append((n, True))
                stack.extend((k, False) for k in reversed(kids))
                continue
            y = (pos[kids[0]][1] + pos[kids[-1]][1]) / 2 if kids else row * ROW
            row += 0 if kids else 1
            pos[n] = (level[n] * COLUMN, y)
        row += 1
    return pos


def radial(tree: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Each root at the centre of its own disc, its descendants on rings by depth, every
    subtree in an angular sector as wide as its number of leaves."""
    roots = sorted((n for n, d in tree.in_degree() if d == 0), key=lambda n: -len(tree[n]))
    pos: dict[str, tuple[float, float]] = {}
    x_offset = 0.0
    for root in roots:
        part = _disc(tree, root)
        width = max((abs(x) for x, _ in part.values()), default=0.0)
        x_offset += width
        pos.update({n: (x + x_offset, y) for n, (x, y) in part.items()})
        x_offset += width + RING
    return pos


def _disc(tree: nx.DiGraph, root: str) -> dict[str, tuple[float, float]]:
    order = list(nx.dfs_preorder_nodes(tree, root))
    depth = {root: 0}
    for p, c in nx.bfs_edges(tree, root):
        depth[c] = depth[p] + 1
    leaves = dict.fromkeys(order, 0)
    for n in reversed(order):
        kids = list(tree.successors(n))
        leaves[n] = sum(leaves[k] for k in kids) or 1
    # Every leaf gets an equal angle; leaves sit on ROWS staggered sub-rings, so the ring
    # needs room for a third of them, not all.
    inner = SPACING * leaves[root] / (2 * math.pi * ROWS)
    radius = [0.0]
    for _ in range(max(depth.values())):
        radius.append(max(radius[-1] + RING, inner))
    span = {root: (0.0, 2 * math.pi)}
    pos = {root: (0.0, 0.0)}
    for n in order:
        start, end = span[n]
        share = (end - start) / leaves[n]
        for i, k in enumerate(_kids(tree, n)):
            width = share * leaves[k]
            span[k] = (start, start + width)
            angle = start + width / 2
            r = radius[depth[k]] + (RING / ROWS * (i % ROWS) if not tree[k] else 0.0)
            pos[k] = (r * math.cos(angle), r * math.sin(angle))
            start += width
    return pos
