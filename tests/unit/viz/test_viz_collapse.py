"""Collapsing and layout, as pure functions: nothing is dropped, the budget holds, the
drawing stays connected, positions never pile up."""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hflineage.analytics.subgraph import Link, ModelInfo, Subgraph, rows_to_links
from hflineage.loader.normalize.vocab import EDGE_RELATIONS
from hflineage.viz import layout
from hflineage.viz.collapse import collapse
from hflineage.viz.render import build_network


@st.composite
def families(draw: st.DrawFn) -> tuple[nx.DiGraph, int]:
    """A family (edges child → parent), sometimes with merges and a stray part."""
    n = draw(st.integers(1, 120))
    g = nx.DiGraph()
    g.add_node("m0")
    for i in range(1, n):
        parent = draw(st.integers(0, i - 1))
        g.add_edge(f"m{i}", f"m{parent}", relation=draw(st.sampled_from(EDGE_RELATIONS)))
        if i > 2 and draw(st.booleans()) and draw(st.booleans()):
            other = draw(st.integers(0, i - 1))
            if other != parent:
                g.add_edge(f"m{i}", f"m{other}", relation="merge")
    if draw(st.booleans()):
        g.add_edge("stray/child", "stray/root", relation="finetune")
    return g, draw(st.integers(2, 60))


def rank(n: str) -> tuple:
    return (-len(n), n)


@settings(max_examples=300, deadline=None)
@given(families())
def test_every_model_is_kept_or_counted_once(case: tuple[nx.DiGraph, int]) -> None:
    g, max_nodes = case
    c = collapse(g, ["m0"], max_nodes, rank)
    folded = [m for a in c.aggregates for m in a.members]
    assert len(c.kept) == len(set(c.kept))
    assert Counter(c.kept + folded) == Counter(list(g.nodes))
    assert "m0" in c.kept
    for n in c.kept:
        parent = c.tree_parent[n]
        assert parent is None or parent in c.kept
    for a in c.aggregates:
        assert a.anchor is None or a.anchor in c.kept
        assert len(a.members) >= 1 and set(a.direct) <= set(a.members)
    anchor_groups = len({c.hops[k] for k in g.predecessors("m0")} |
                        {c.hops[k] for k in g.successors("m0")})
    assert len(c.kept) + len(c.aggregates) <= max(max_nodes, 1 + anchor_groups + 1)
    if g.number_of_nodes() <= max_nodes:
        assert c.aggregates == []


def test_the_most_important_branches_are_kept() -> None:
    g = nx.DiGraph()
    for i in range(50):
        g.add_edge(f"leaf{i}", "root", relation="quantized")
    g.add_edge("hub", "root", relation="finetune")
    for i in range(5):
        g.add_edge(f"hub/q{i}", "hub", relation="quantized")
    c = collapse(g, ["root"], 8, lambda n: (n,))
    assert {"root", "hub"} <= set(c.kept)
    labels = sorted(a.label(str) for a in c.aggregates)
    assert any(label.startswith("+") and " quantized of root" in label for label in labels)
    assert sum(len(a.members) for a in c.aggregates) + len(c.kept) == 57


def test_aggregate_labels_say_what_they_hold() -> None:
    g = nx.DiGraph()
    for i in range(4):
        g.add_edge(f"ft{i}", "root", relation="finetune")
        g.add_edge(f"ft{i}/q", f"ft{i}", relation="quantized")
    g.add_edge("root", "base", relation="finetune")
    c = collapse(g, ["root"], 3, lambda n: (n,))
    labels = {a.label(str) for a in c.aggregates}
    assert "+4 fine-tunes of root (+4 below)" in labels


@settings(max_examples=100, deadline=None)
@given(families())
def test_radial_layout_places_every_node_apart(case: tuple[nx.DiGraph, int]) -> None:
    g, _ = case
    c = collapse(g, ["m0"], 10_000, rank)
    tree = nx.DiGraph((c.tree_parent[n], n) for n in c.kept if c.tree_parent[n] is not None)
    tree.add_nodes_from(c.kept)
    pos = layout.radial(tree)
    assert set(pos) == set(c.kept)
    points = list(pos.values())
    closest = min((math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1:]),
                  default=math.inf)
    assert closest > layout.SPACING / layout.ROWS - 1


def test_tree_layout_puts_parents_left_and_centres_them() -> None:
    tree = nx.DiGraph()
    tree.add_edge("focus", "parent", step=-1)
    tree.add_edge("parent", "grandparent", step=-1)
    tree.add_edge("focus", "child", step=1)
    tree.add_edge("focus", "child2", step=1)
    assert layout.levels(tree) == {"grandparent": 0, "parent": 1, "focus": 2, "child": 3,
                                   "child2": 3}
    pos = layout.layered(tree)
    assert [pos[n][0] for n in ("grandparent", "parent", "focus", "child")] == [
        0, layout.COLUMN, 2 * layout.COLUMN, 3 * layout.COLUMN]
    ys = sorted({pos["child"][1], pos["child2"][1], pos["grandparent"][1]})
    assert len(ys) == 3 and pos["focus"][1] == (ys[0] + ys[-1]) / 2


def test_rows_convention() -> None:
    models, links = rows_to_links([{"child": "A/x", "parent": "B/y", "relation": "Merge"},
                                   {"model": "C/z", "n": 3}, {"id": "", "key": None}])
    assert models == ["a/x", "b/y", "c/z"]
    assert links == [Link("a/x", "b/y", "merge")]
    assert rows_to_links([{"architecture": "Llama", "n": 3}]) == ([], [])


def test_focus_and_stub_styles_and_escaped_labels() -> None:
    models = {"a/root": ModelInfo("a/root", "a/Root", downloads=10**6),
              "b/<x>": ModelInfo("b/<x>", "b/<x>&", stub=True)}
    sub = Subgraph("lineage", "t", models, [Link("b/<x>", "a/root", "adapter")], ["b/<x>"],
                   focus="b/<x>")
    net = build_network(sub)
    by_id = {n["id"]: n for n in net.nodes}
    assert by_id["b/<x>"]["shape"] == "star" and by_id["b/<x>"]["label"] == "&lt;x&gt;&amp;"
    assert by_id["a/root"]["size"] > by_id["b/<x>"]["size"] - 8
    assert net.edges[0]["dashes"] == [2, 4] and net.edges[0]["arrows"] == "to"
    assert (net.edges[0]["from"], net.edges[0]["to"]) == ("b/<x>", "a/root")


@pytest.mark.parametrize("mode", ["tree", "physics", "fixed"])
def test_layout_modes_set_their_options(mode: str) -> None:
    models = {k: ModelInfo(k, k) for k in ("r/a", "r/b", "r/c")}
    sub = Subgraph("family", "t", models, [Link("r/b", "r/a"), Link("r/c", "r/a")], ["r/a"],
                   focus="r/a")
    net = build_network(sub, layout_mode=mode)
    assert net.options["physics"]["enabled"] == (mode == "physics")
    assert all(("x" in n) == (mode != "physics") for n in net.nodes)
    if mode == "tree":
        x = {n["id"]: n["x"] for n in net.nodes}
        assert x["r/a"] < x["r/b"] == x["r/c"]
