"""Keep the most important models of a view and fold the rest into counted aggregate nodes.

The view is walked breadth-first from its anchors (the focus model, a family root, an
organization), giving every node one tree parent. Models are kept best-first (anchors, then
ancestors, then most descendants, downloads, likes) while the kept models plus the aggregates
they leave behind fit in ``max_nodes``. Every other model is counted in exactly one aggregate:
the one of its nearest kept tree ancestor and the way its branch hangs off that ancestor.
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

NOUNS = {"finetune": "fine-tunes", "adapter": "adapters", "quantized": "quantized",
         "merge": "merges", "unknown": "derived models", "published": "models",
         "predicted": "predicted derivatives"}


@dataclass(frozen=True, order=True)
class Hop:
    """How a node hangs off its tree parent: as a ``child`` (derived from it, or published
    by it), as a ``parent`` (the tree parent derives from it), or as the ``root`` of a part."""

    kind: str
    relation: str = ""


ROOT = Hop("root")


@dataclass
class Aggregate:
    """Models folded into one node, hanging off a kept ``anchor`` (None: a separate part)."""

    id: str
    anchor: str | None
    hop: Hop
    direct: list[str]
    members: list[str]
    by_relation: Counter[str] = field(default_factory=Counter)

    def label(self, name: Callable[[str], str]) -> str:
        below = len(self.members) - len(self.direct)
        more = f" (+{below:,} below)" if below else ""
        if self.anchor is None:
            return f"+{len(self.members):,} models in {len(self.direct):,} other parts"
        if self.hop.kind == "parent":
            return f"+{len(self.direct):,} base models of {name(self.anchor)}{more}"
        noun = NOUNS.get(self.hop.relation, f"{self.hop.relation} models")
        return f"+{len(self.direct):,} {noun} of {name(self.anchor)}{more}"


@dataclass
class Collapsed:
    """The kept nodes, the aggregates, and the spanning tree they were chosen on."""

    kept: list[str]
    aggregates: list[Aggregate]
    tree_parent: dict[str, str | None]
    hops: dict[str, Hop]

    @property
    def folded(self) -> int:
        return sum(len(a.members) for a in self.aggregates)


def spanning_tree(g: nx.DiGraph, anchors: Iterable[str],
                  rank: Callable[[str], tuple[Any, ...]]
                  ) -> tuple[dict[str, str | None], dict[str, Hop], list[str]]:
    """Breadth-first tree over ``g`` (edges child → parent) from the anchors; parts the anchors
    do not reach start from their best-ranked node. Returns tree parents, hops and BFS order."""
    parent: dict[str, str | None] = {}
    hops: dict[str, Hop] = {}
    order: list[str] = []
    starts = [a for a in anchors if a in g]
    rest = sorted((n for n in g if n not in set(starts)), key=rank)
    queue: deque[str] = deque()
    for start in [*starts, *rest]:
        if start in parent:
            continue
        parent[start], hops[start] = None, ROOT
        queue.append(start)
        while queue:
            n = queue.popleft()
            order.append(n)
            steps = [(c, Hop("child", g.edges[c, n]["relation"])) for c in g.predecessors(n)]
            steps += [(p, Hop("parent", g.edges[n, p]["relation"])) for p in g.successors(n)]
            for other, hop in sorted(steps):
                if other not in parent:
                    parent[other], hops[other] = n, hop
                    queue.append(other)
    return parent, hops, order


def collapse(g: nx.DiGraph, anchors: list[str], max_nodes: int,
             importance: Callable[[str], tuple[Any, ...]]) -> Collapsed:
    """Choose at most ``max_nodes`` nodes to draw (kept models plus aggregates; the anchors are
    always kept, even past the budget). An aggregate
    of a single model would take as much room as the model, so that model is drawn instead."""
    anchor_set = set(anchors)
    parent, hops, order = spanning_tree(g, anchors, importance)
    children, size = _subtrees(order, parent)

    def priority(n: str) -> tuple[Any, ...]:
        tier = 0 if n in anchor_set else 1 if hops[n].kind == "parent" else 2
        return (tier, -size[n], *importance(n))

    def group(n: str) -> tuple[str | None, Hop]:
        return parent[n], hops[n]

    kept: list[str] = []
    groups: Counter[tuple[str | None, Hop]] = Counter()
    heap: list[tuple[tuple[Any, ...], str]] = []
    for n in order:
        if parent[n] is None:
            groups[group(n)] += 1
            heapq.heappush(heap, (priority(n), n))
    while heap:
        _, n = heapq.heappop(heap)
        new_groups = {(n, hops[c]) for c in children[n]}
        after = len(kept) + 1 + len(groups) - (groups[group(n)] == 1) + len(new_groups)
        if after > max_nodes and n not in anchor_set:
            continue
        kept.append(n)
        groups[group(n)] -= 1
        if not groups[group(n)]:
            del groups[group(n)]
        for c in children[n]:
            groups[group(c)] += 1
            heapq.heappush(heap, (priority(c), c))
    aggregates = _aggregates(kept, order, parent, hops, children)
    singles = [a for a in aggregates if len(a.members) == 1 and a.anchor is not None]
    kept += [a.members[0] for a in singles]
    aggregates = [a for a in aggregates if a not in singles]
    return Collapsed(kept, aggregates, parent, hops)


def _subtrees(order: list[str], parent: dict[str, str | None]
              ) -> tuple[dict[str, list[str]], dict[str, int]]:
    """Each node's tree children and the size of its subtree (itself included), from the
    breadth-first ``order`` and tree ``parent`` of :func:`spanning_tree`."""
    children: dict[str, list[str]] = {n: [] for n in order}
    for n in order:
        if (p := parent[n]) is not None:
            children[p].append(n)
    size = dict.fromkeys(order, 1)
    for n in reversed(order):
        if (p := parent[n]) is not None:
            size[p] += size[n]
    return children, size


def _aggregates(kept: list[str], order: list[str], parent: dict[str, str | None],
                hops: dict[str, Hop], children: dict[str, list[str]]) -> list[Aggregate]:
    kept_set = set(kept)
    out: dict[tuple[str | None, Hop], Aggregate] = {}
    for n in order:
        if n in kept_set or (parent[n] is not None and parent[n] not in kept_set):
            continue
        anchor, hop = parent[n], hops[n]
        agg = out.get((anchor, hop))
        if agg is None:
            agg = out[anchor, hop] = Aggregate(
                f"agg:{anchor or ''}:{hop.kind}:{hop.relation}", anchor, hop, [], [])
        agg.direct.append(n)
        stack = [n]
        while stack:
            m = stack.pop()
            agg.members.append(m)
            agg.by_relation[hops[m].relation or "unrelated"] += 1
            stack.extend(children[m])
    return list(out.values())
