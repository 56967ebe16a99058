"""The family page's pure parts over a hand-made tree: per-generation counts, relations,
parameters and scores; a family walked through deleted models; board coverage; the shared
increasing-maximum figure; the JSON figure block that no Hub text can break out of."""

from __future__ import annotations

import json

import networkx as nx
import pandas as pd

from hflineage.analytics.family_page import (
    board_coverage,
    generation_of,
    generation_scores,
    generations,
)
from hflineage.analytics.graphs import family_tree, tree_stats
from hflineage.analytics.report import Board, best_over_time_figure
from hflineage.analytics.subgraph import Link, ModelInfo, Subgraph
from hflineage.explore.charts import figure_block, figure_json

DAY = "2023-01-01"
# R is the root; A (finetune), Q (quantized) and M (a merge of R and A) are generation 1;
# B (adapter of A) and C (finetune of A, unknown link to Q) are generation 2.
MODELS = {
    "R": ModelInfo("r", "R", parameters=10, scores=(("v1", 50.0),), created=DAY),
    "A": ModelInfo("a", "A", parameters=8, scores=(("v1", 60.0), ("v2", 20.0)), created=DAY),
    "Q": ModelInfo("q", "Q", parameters=3, scores=(("v1", 40.0),), created=DAY),
    "M": ModelInfo("m", "M", created=DAY),
    "B": ModelInfo("b", "B", parameters=1, scores=(("v2", 25.0),)),
    "C": ModelInfo("c", "C", parameters=5, created=DAY),
}
EDGES = [("A", "R", "finetune"), ("Q", "R", "quantized"), ("M", "R", "merge"),
         ("M", "A", "merge"), ("B", "A", "adapter"), ("C", "A", "finetune"),
         ("C", "Q", "unknown")]


def tree() -> nx.DiGraph:
    g = nx.DiGraph()
    for child, parent, relation in EDGES:
        g.add_edge(child, parent, relation=relation)
    return g


def test_generations_count_relations_and_parameters() -> None:
    got = generations(tree(), "R", MODELS)
    assert got.to_dict("records") == [
        {"generation": 0, "models": 1, "finetune": 0, "adapter": 0, "quantized": 0, "merge": 0,
         "unknown": 0, "medianParameters": 10, "withParameters": 1, "quantizedLeftOut": 0},
        {"generation": 1, "models": 3, "finetune": 1, "adapter": 0, "quantized": 1, "merge": 1,
         "unknown": 0, "medianParameters": 8, "withParameters": 1, "quantizedLeftOut": 1},
        {"generation": 2, "models": 2, "finetune": 1, "adapter": 1, "quantized": 0, "merge": 0,
         "unknown": 1, "medianParameters": 3.0, "withParameters": 2, "quantizedLeftOut": 0},
    ]


def test_generation_scores_per_board_never_pooled() -> None:
    got = generation_scores(tree(), "R", MODELS)
    assert [tuple(r) for r in got.itertuples(index=False)] == [
        (0, "v1", 1, 1, 50.0, 50.0, "R"), (0, "v2", 1, 0, None, None, None),
        (1, "v1", 3, 2, 50.0, 60.0, "A"), (1, "v2", 3, 1, 20.0, 20.0, "A"),
        (2, "v1", 2, 0, None, None, None), (2, "v2", 2, 1, 25.0, 25.0, "B"),
    ]


def test_board_coverage_counts_scored_and_dated_members() -> None:
    got = board_coverage(list(MODELS.values()), ("v1", "v2"))
    assert got.to_dict("records") == [
        {"leaderboard": "v1", "models": 6, "scored": 3, "dated": 3},
        {"leaderboard": "v2", "models": 6, "scored": 2, "dated": 1}]


def test_one_root_without_derivatives() -> None:
    g = nx.DiGraph()
    g.add_node("R")
    assert generations(g, "R", {"R": ModelInfo("r", "R")}).to_dict("records") == [
        {"generation": 0, "models": 1, "finetune": 0, "adapter": 0, "quantized": 0, "merge": 0,
         "unknown": 0, "medianParameters": None, "withParameters": 0, "quantizedLeftOut": 0}]
    assert generation_scores(g, "R", {"R": ModelInfo("r", "R")}).empty


def test_increasing_maximum_figure_states_unit_and_coverage() -> None:
    curve = pd.DataFrame({"month": ["2023-01", "2023-02"], "familyBest": [1.0, 2.0]})
    board = Board("v2", "Average", 2, 6)
    plain = best_over_time_figure({"a/<b>": curve, "empty": curve.head(0)}, board)
    assert plain.layout.title.text == ("Best score in a family over time (increasing maximum) "
                                       "(Average, Open LLM Leaderboard v2)")
    assert [t.name for t in plain.data] == ["a/&lt;b&gt;"]
    stated = best_over_time_figure({"a": curve}, board, unit="points 0–100",
                                   coverage="1 of 6 <members>")
    assert stated.layout.title.text.endswith("(Average, Open LLM Leaderboard v2, points 0–100)")
    assert stated.layout.yaxis.title.text == "best Average so far (points 0–100)"
    assert stated.layout.title.subtitle.text == "Coverage: 1 of 6 &lt;members&gt;"


def test_figure_json_cannot_end_its_script_element() -> None:
    hostile = '</script><script>alert("x&y")</script>'
    fig = best_over_time_figure({"a": pd.DataFrame({"month": ["2023-01"], "familyBest": [1.0]})},
                                Board("v1", "Average", 1, 1))
    fig.data[0].name = hostile  # unescaped on purpose: the block must hold whatever it gets
    text = figure_json(fig)
    assert not {"<", ">", "&"} & set(text)
    assert json.loads(text)["data"][0]["name"] == hostile
    block = str(figure_block(fig, 'x"><script>'))
    assert block.startswith('<div class="plotly-chart" id="x&#34;&gt;&lt;script&gt;-chart"></div>'
                            '<script type="application/json" class="plotly-figure" '
                            'id="x&#34;&gt;&lt;script&gt;">')
    assert block.count("<") == 4  # the chart's box and the data block, nothing else


# R has a deleted child D (finetune) with live children G (finetune, 6) and P (adapter, quantized
# storage, 2); S (finetune, quantized storage, 4) and T (finetune, 8) are R's live children; X
# is a deleted leaf. Generations: S, T, D, X 1; G, P 2; counted: R, S, T, G, P.
GAP = {k: ModelInfo(k.lower(), k, parameters=p, deleted=k in "DX", quantized_storage=k in "SP")
       for k, p in (("R", 10), ("D", 7), ("S", 4), ("T", 8), ("G", 6), ("P", 2), ("X", 1))}
GAP_LINKS = [Link("d", "r", "finetune"), Link("s", "r", "finetune"), Link("t", "r", "finetune"),
             Link("x", "r", "finetune"), Link("g", "d", "finetune"), Link("p", "d", "adapter")]


def gap_tree(max_depth: int = 10) -> nx.DiGraph:
    sub = Subgraph("family", "Family of R", {m.key: m for m in GAP.values()}, GAP_LINKS, ["r"],
                   focus="r")
    return family_tree(sub, max_depth)


def test_family_walks_through_deleted_models_without_counting_them() -> None:
    g = gap_tree()
    assert sorted(g) == ["D", "G", "P", "R", "S", "T", "X"]
    assert [n for n in sorted(g) if g.nodes[n]["deleted"]] == ["D", "X"]
    assert generation_of(g, "R") == {"R": 0, "S": 1, "T": 1, "G": 2, "P": 2}
    # R's derivatives: S, T, and G, P through D; the others have none.
    assert tree_stats(g, "R") == {
        "root": "R", "size": 5, "depth": 2, "leaves": 4, "maxBranching": 4,
        "meanBranching": 4.0, "widthByGeneration": [1, 2, 2]}
    assert tree_stats(gap_tree(1), "R")["widthByGeneration"] == [1, 2]


def test_generations_through_a_deleted_model_leave_quantized_storage_out() -> None:
    got = generations(gap_tree(), "R", GAP)
    assert got.to_dict("records") == [
        {"generation": 0, "models": 1, "finetune": 0, "adapter": 0, "quantized": 0, "merge": 0,
         "unknown": 0, "medianParameters": 10, "withParameters": 1, "quantizedLeftOut": 0},
        {"generation": 1, "models": 2, "finetune": 2, "adapter": 0, "quantized": 0, "merge": 0,
         "unknown": 0, "medianParameters": 8, "withParameters": 1, "quantizedLeftOut": 1},
        {"generation": 2, "models": 2, "finetune": 1, "adapter": 1, "quantized": 0, "merge": 0,
         "unknown": 0, "medianParameters": 6, "withParameters": 1, "quantizedLeftOut": 1},
    ]
    assert generation_scores(gap_tree(), "R", GAP).empty
