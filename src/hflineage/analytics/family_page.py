"""Everything one family's page shows: the family below a root model, generation by generation
(size, relations, parameters, leaderboard scores), its summary facts and the increasing maximum.

:func:`family_page` reads it through the one query runner and the one subgraph fetcher; a root
not in the graph raises :class:`~hflineage.errors.ModelNotFoundError` naming close matches.
:func:`generations` and :func:`generation_scores` are pure, over the family's tree.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

import neo4j
import networkx as nx
import pandas as pd

from hflineage.analytics.graphs import counted, family_tree, tree_stats
from hflineage.analytics.queries import read_records, run_query
from hflineage.analytics.report import RELATION_COLUMNS
from hflineage.analytics.subgraph import (
    BENCHMARK,
    ModelInfo,
    Subgraph,
    fetch_family,
    model_details,
)
from hflineage.errors import ViewTooLargeError
from hflineage.loader.normalize.ids import key_of
from hflineage.loader.normalize.vocab import EDGE_RELATIONS

GENERATION_COLUMNS = ["generation", "models", *EDGE_RELATIONS, "medianParameters",
                      "withParameters", "quantizedLeftOut"]
SCORE_COLUMNS = ["generation", "leaderboard", "models", "scored", "median", "best", "bestModel"]
COVERAGE_COLUMNS = ["leaderboard", "models", "scored", "dated"]
#: Most models a family drawing with predicted edges may fetch; past it, declared edges only.
PREDICTED_LIMIT = 20_000


@dataclass(frozen=True)
class FamilyPage:
    """One family's page as plain values and DataFrames.

    The family is ``root`` and every model reachable below it within ``max_depth``
    generations, walking through deleted models but never counting them; a member's generation
    is its shortest distance from the root through any models (0 = the root).
    ``parents``: ids of the models the root itself derives from (the family is counted from the
    root downward). ``deeper``: models that would count, found at generation ``max_depth`` + 1
    (not counted).
    ``generations``: see :func:`generations`; ``scores``: see :func:`generation_scores`.
    ``curves``: ``family_best_score_over_time`` on ``benchmark``, every board (never pooled).
    ``coverage``: per board, the members (``models``), those scored on it and those scored
    with a creation date (``dated``, the ones the increasing maximum can place in time).
    ``drawing``: the members, the deleted models that connect them, and the links among them;
    with ``include_likely`` also the predicted edges (hflineage infer) within ``max_depth``
    generations and the ``predicted_models`` reached only through them, drawn but never
    counted: every count and table uses declared edges only.
    """

    root: str
    key: str
    stub: bool
    deleted: bool
    parents: tuple[str, ...]
    max_depth: int
    benchmark: str
    size: int
    depth: int
    width: tuple[int, ...]
    leaves: int
    max_branching: int
    mean_branching: float
    relations: dict[str, int]
    organizations: tuple[str, ...]
    contributors: int
    deeper: int
    generations: pd.DataFrame
    scores: pd.DataFrame
    boards: tuple[str, ...]
    curves: pd.DataFrame
    coverage: pd.DataFrame
    drawing: Subgraph
    include_likely: bool = False
    predicted_edges: int = 0
    predicted_models: int = 0
    predicted_too_many: int | None = None
    """Set (to the limit) when the family with its predicted edges holds more models than
    that: the drawing then shows declared edges only."""


def _frame(rows: list[list[Any]], columns: list[str], nullable: set[str]) -> pd.DataFrame:
    """Rows as a DataFrame whose ``nullable`` columns keep None (never NaN)."""
    values = list(zip(*rows, strict=True)) or [()] * len(columns)
    return pd.DataFrame({c: pd.Series(v, dtype=object if c in nullable else None)
                         for c, v in zip(columns, values, strict=True)})


def generation_of(g: nx.DiGraph, root: str) -> dict[str, int]:
    """Each counted member's generation below ``root`` (graphs.counted: deleted models left
    out, distances walked through them; edges point child → parent)."""
    return counted(g, root)


def _relations(g: nx.DiGraph, model: str) -> set[str]:
    """The relations of a member's links to its parents in the family."""
    return {str(g.edges[model, p].get("relation") or "unknown") for p in g.successors(model)}


def generations(g: nx.DiGraph, root: str, models: dict[str, ModelInfo]) -> pd.DataFrame:
    """Per generation of counted members: ``models``; per relation, the members whose links
    to parents in the family (deleted parents too) have it (a member with links of two
    relations counts under both); the median parameter count over the ``withParameters``
    members used, leaving out the ``quantizedLeftOut`` members that have a count but a
    quantized link or ``quantized_storage`` (their count is of packed storage): "n of N used;
    k quantized left out". ``models`` maps a member's id to its details; a median of no member
    is None."""
    by_generation: dict[int, list[str]] = {}
    for model, gen in generation_of(g, root).items():
        by_generation.setdefault(gen, []).append(model)
    rows: list[list[Any]] = []
    for gen, members in sorted(by_generation.items()):
        links = {m: _relations(g, m) for m in members}
        quantized = [m for m in members
                     if "quantized" in links[m] or models[m].quantized_storage]
        sized = [p for m in members if m not in quantized
                 and (p := models[m].parameters) is not None]
        rows.append([gen, len(members), *(sum(rel in links[m] for m in members)
                                          for rel in EDGE_RELATIONS),
                     statistics.median(sized) if sized else None, len(sized),
                     sum(models[m].parameters is not None for m in quantized)])
    return _frame(rows, GENERATION_COLUMNS, {"medianParameters"})


def _score(info: ModelInfo, board: str) -> float | None:
    return next((s for b, s in info.scores if b == board), None)


def boards_of(models: dict[str, ModelInfo]) -> tuple[str, ...]:
    """The leaderboards that score any of these models, in order."""
    return tuple(sorted({b for info in models.values() for b, _ in info.scores}))


def generation_scores(g: nx.DiGraph, root: str, models: dict[str, ModelInfo]) -> pd.DataFrame:
    """Per generation and per board scoring any member: its ``models``, the ``scored`` ones,
    their ``median`` and ``best`` score and the best one's id (``bestModel``); None when no
    member of the generation is scored on that board. Boards are never pooled."""
    members = generation_of(g, root)
    boards = boards_of({m: models[m] for m in members})
    rows: list[list[Any]] = []
    for gen in sorted(set(members.values())):
        here = sorted(m for m, x in members.items() if x == gen)
        for board in boards:
            scored = sorted(((s, m) for m in here if (s := _score(models[m], board)) is not None),
                            key=lambda sm: (-sm[0], sm[1]))
            values = [s for s, _ in scored]
            rows.append([gen, board, len(here), len(scored),
                         statistics.median(values) if values else None,
                         scored[0][0] if scored else None, scored[0][1] if scored else None])
    return _frame(rows, SCORE_COLUMNS, {"median", "best", "bestModel"})


def board_coverage(members: list[ModelInfo], boards: tuple[str, ...]) -> pd.DataFrame:
    """Per board: the members, those scored on it, and those scored with a creation date."""
    rows = [[b, len(members), sum(_score(m, b) is not None for m in members),
             sum(_score(m, b) is not None and m.created is not None for m in members)]
            for b in boards]
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def family_page(driver: neo4j.Driver, root: str, *, database: str = "neo4j",
                timeout: float | None = None, max_depth: int = 10,
                include_likely: bool = False) -> FamilyPage:
    """Everything the page of the family below ``root`` shows; a model not in the graph raises
    ModelNotFoundError (with "did you mean"). ``include_likely`` draws predicted edges too;
    the counts stay declared."""
    params = {"model": root, "maxDepth": max_depth}
    summary = run_query(driver, "family_summary", params, database, timeout).iloc[0]  # anchored
    sub = fetch_family(driver, database, root, down=max_depth + 1, timeout=timeout)
    g = family_tree(sub, max_depth)
    top = sub.models[key_of(root)]
    stats = tree_stats(g, top.id)
    by_id = {m.id: m for m in sub.models.values()}
    members = [by_id[m] for m in generation_of(g, top.id)]
    boards = boards_of({m.id: m for m in members})
    parents = [str(r["parent"]) for r in read_records(
        driver, "read/parent_links", {"keys": [top.key]}, database, timeout)]
    curves = run_query(driver, "family_best_score_over_time",
                       params | {"benchmark": BENCHMARK}, database, timeout)
    drawing = _drawing(sub, g, max_depth)
    too_many = None
    if include_likely:
        try:
            drawing = with_predictions(drawing, sub, fetch_family(
                driver, database, root, down=max_depth, timeout=timeout, include_likely=True,
                limit=PREDICTED_LIMIT))
        except ViewTooLargeError:
            too_many = PREDICTED_LIMIT
    return FamilyPage(
        root=top.id, key=top.key, stub=top.stub, deleted=top.deleted,
        parents=tuple(sorted(
            m.id for m in model_details(driver, database, parents, timeout).values())),
        max_depth=max_depth, benchmark=BENCHMARK, size=int(stats["size"]),
        depth=int(stats["depth"]), width=tuple(stats["widthByGeneration"]),
        leaves=int(stats["leaves"]), max_branching=int(stats["maxBranching"]),
        mean_branching=float(stats["meanBranching"]),
        relations={rel: int(summary[col]) for rel, col in RELATION_COLUMNS.items()},
        organizations=tuple(summary["organizationNames"]),
        contributors=int(summary["contributors"]),
        deeper=beyond_depth(sub, g),
        generations=generations(g, top.id, by_id), scores=generation_scores(g, top.id, by_id),
        boards=boards, curves=curves, coverage=board_coverage(members, boards),
        drawing=drawing, include_likely=include_likely,
        predicted_too_many=too_many,
        predicted_edges=sum(link.likely for link in drawing.links),
        predicted_models=len(set(drawing.models) - set(sub.models)),
    )


def with_predictions(drawing: Subgraph, declared: Subgraph, likely: Subgraph) -> Subgraph:
    """``drawing`` plus what the walk through predicted edges (``likely``) adds: the models
    the declared walk (``declared``) never reached, and every link of ``likely`` between drawn
    models that the drawing lacks (the predicted ones, and declared links to new models)."""
    models = dict(drawing.models) | {k: m for k, m in likely.models.items()
                                     if k not in declared.models}
    have = {(link.child, link.parent) for link in drawing.links}
    links = drawing.links + [link for link in likely.links
                             if link.child in models and link.parent in models
                             and (link.child, link.parent) not in have]
    note = ("Models reached only through predicted edges (hflineage infer) are drawn, never "
            "counted: the family's counts use declared edges only.")
    return Subgraph(drawing.kind, drawing.title, models, links, drawing.anchors,
                    focus=drawing.focus, notes=[*drawing.notes, note], likely=True,
                    read_drift=drawing.read_drift)


def beyond_depth(sub: Subgraph, g: nx.DiGraph) -> int:
    """The models of ``sub`` (fetched one generation past ``g``) at generation max_depth + 1
    that would count: not in ``g``, not deleted."""
    return sum(1 for m in sub.models.values() if m.id not in g and not m.deleted)


def _drawing(sub: Subgraph, g: nx.DiGraph, max_depth: int) -> Subgraph:
    """The fetched family cut to its members and the deleted models that connect a member to
    the root (drawn as deleted, not counted); the extra generation and deleted models with no
    live descendant in the family are left out."""
    ids = set(counted(g, g.graph["root"]))
    stack = [p for n in ids for p in g.successors(n) if p not in ids]
    while stack:  # up from the members through deleted parents only
        p = stack.pop()
        if p not in ids:
            ids.add(p)
            stack.extend(q for q in g.successors(p) if q not in ids)
    keys = {k for k, m in sub.models.items() if m.id in ids}
    return Subgraph(sub.kind, sub.title, {k: m for k, m in sub.models.items() if k in keys},
                    [link for link in sub.links if link.child in keys and link.parent in keys],
                    sub.anchors, focus=sub.focus,
                    notes=[f"Relations followed: all. Down: {max_depth} generations, through "
                           "deleted models: those that connect counted models are drawn "
                           "(not counted), other deleted models left out."],
                    read_drift=sub.read_drift)
