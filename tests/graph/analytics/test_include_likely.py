"""$includeLikely on the lineage queries and the subgraph hops: declared only by default (the
rows the queries gave before any prediction was written), predicted LIKELY_DERIVED_FROM edges
marked with ``likely`` and their confidence when asked. Expected rows worked out by hand from
tests/fixtures/analytics/small_graph.json and the four predictions in PREDICTED."""

from __future__ import annotations

from typing import Any

import neo4j
import pytest

from hflineage.cypher import load
from hflineage.db.schema import init_schema, wipe_database
from tests.fixtures.analytics.graph import build
from tests.graph.analytics.test_queries import run
from tests.support.server import TestServer

#: (child, parent, relation, confidence, rank): only children without a declared parent.
PREDICTED = [
    ("carol/scratch-1b", "meta/Llama-7B", "finetune", 0.91, 1),
    ("carol/scratch-1b", "mistralai/Mistral-7B", "adapter", 0.62, 2),
    ("mistralai/Mistral-7B", "meta/Llama-7B", "finetune", 0.7, 1),
    ("google/gemma-7b", "carol/scratch-1b", "finetune", 0.5, 1),
]
EVIDENCE = ["name: core name matches", "creation: parent is older"]
WRITE_LIKELY = """
UNWIND $edges AS e
MATCH (c:Model {key: toLower(e.child)}), (p:Model {key: toLower(e.parent)})
CREATE (c)-[:LIKELY_DERIVED_FROM {relation: e.relation, confidence: e.confidence,
        rank: e.rank, method: 'test', evidence: $evidence}]->(p)
"""
#: Queries that stay declared whatever is predicted, with parameters.
DECLARED: list[tuple[str, dict[str, Any]]] = [("model_lineage", {"model": "meta/llama-7b"}),
            ("model_lineage", {"model": "bob/gemma-ft"}),
            ("family_edges", {"model": "meta/llama-7b"}),
            ("family_edges", {"model": "mistralai/mistral-7b"}),
            ("derivative_counts", {}), ("top_base_models", {}),
            ("family_summary", {"model": "meta/llama-7b"}),
            ("read/parent_links", {"keys": ["carol/scratch-1b", "bob/gemma-ft",
                                            "mistralai/mistral-7b", "google/gemma-7b"]}),
            ("read/child_links", {"keys": ["meta/llama-7b", "carol/scratch-1b"]})]


def predict(driver: neo4j.Driver, database: str) -> None:
    edges = [dict(zip(("child", "parent", "relation", "confidence", "rank"), e, strict=True))
             for e in PREDICTED]
    driver.execute_query(WRITE_LIKELY, {"edges": edges, "evidence": EVIDENCE},
                         database_=database)


@pytest.fixture(scope="module")
def before(driver: neo4j.Driver, neo4j_server: TestServer) -> dict[int, list[tuple[Any, ...]]]:
    """The declared queries' rows on the small graph before any prediction is written; then
    the predictions are written, for the whole module."""
    wipe_database(driver, neo4j_server.database)
    init_schema(driver, neo4j_server.database)
    build(driver, neo4j_server.database)
    rows = {i: run(driver, neo4j_server.database, name, **params)
            for i, (name, params) in enumerate(DECLARED)}
    predict(driver, neo4j_server.database)
    return rows


@pytest.fixture
def likely(before: dict[int, list[tuple[Any, ...]]], driver: neo4j.Driver) -> neo4j.Driver:
    return driver


@pytest.mark.parametrize("i", range(len(DECLARED)), ids=[n for n, _ in DECLARED])
def test_default_is_declared_only(before: dict[int, list[tuple[Any, ...]]],
                                  likely: neo4j.Driver, database: str, i: int) -> None:
    name, params = DECLARED[i]
    after = run(likely, database, name, **params)
    assert after == before[i]
    q = load(name, internal=True)
    if "likely" in q.columns:
        at = q.columns.index("likely")
        assert after and all(row[at] is False and row[at + 1] is None for row in after)
        explicit = run(likely, database, name, **params, includeLikely=False)
        assert explicit == after


def test_lineage_up_through_a_prediction(likely: neo4j.Driver, database: str) -> None:
    got = run(likely, database, "model_lineage", model="bob/mistral-merge", includeLikely=True)
    assert got == [
        ("ancestor", -2, "meta/Llama-7B", "finetune",
         ["bob/mistral-merge", "mistralai/Mistral-7B", "meta/Llama-7B"], False, False, True, 0.7),
        ("ancestor", -1, "alice/mistral-ft", "merge", ["bob/mistral-merge", "alice/mistral-ft"],
         False, False, False, None),
        ("ancestor", -1, "mistralai/Mistral-7B", "merge",
         ["bob/mistral-merge", "mistralai/Mistral-7B"], False, False, False, None),
        ("self", 0, "bob/mistral-merge", None, ["bob/mistral-merge"], False, False, False, None),
    ]


def test_lineage_confidence_is_the_weakest_predicted_edge(likely: neo4j.Driver,
                                                          database: str) -> None:
    """bob/gemma-ft → google/gemma-7b is declared; gemma-7b → scratch-1b (0.5) and scratch-1b's
    two predicted parents (0.91, 0.62) follow; Llama is reached shortest through scratch-1b."""
    got = run(likely, database, "model_lineage", model="bob/gemma-ft", direction="up",
              includeLikely=True)
    assert got == [
        ("ancestor", -3, "meta/Llama-7B", "finetune",
         ["bob/gemma-ft", "google/gemma-7b", "carol/scratch-1b", "meta/Llama-7B"],
         False, False, True, 0.5),
        ("ancestor", -3, "mistralai/Mistral-7B", "adapter",
         ["bob/gemma-ft", "google/gemma-7b", "carol/scratch-1b", "mistralai/Mistral-7B"],
         False, False, True, 0.5),
        ("ancestor", -2, "carol/scratch-1b", "finetune",
         ["bob/gemma-ft", "google/gemma-7b", "carol/scratch-1b"], False, False, True, 0.5),
        ("ancestor", -1, "google/gemma-7b", "finetune", ["bob/gemma-ft", "google/gemma-7b"],
         True, False, False, None),
        ("self", 0, "bob/gemma-ft", None, ["bob/gemma-ft"], False, False, False, None),
    ]


def test_lineage_down_adds_predicted_children(likely: neo4j.Driver, database: str) -> None:
    got = run(likely, database, "model_lineage", model="meta/llama-7b", direction="down",
              maxDepth=1, includeLikely=True)
    likely_rows = [r for r in got if r[7]]
    assert likely_rows == [
        ("descendant", 1, "carol/scratch-1b", "finetune", ["meta/Llama-7B", "carol/scratch-1b"],
         False, False, True, 0.91),
        ("descendant", 1, "mistralai/Mistral-7B", "finetune",
         ["meta/Llama-7B", "mistralai/Mistral-7B"], False, False, True, 0.7),
    ]
    declared = run(likely, database, "model_lineage", model="meta/llama-7b", direction="down",
                   maxDepth=1)
    assert [r for r in got if not r[7]] == declared


def test_lineage_keeps_a_declared_relative_declared(likely: neo4j.Driver, database: str) -> None:
    """Two generations down from Llama, alice/mistral-ft and bob/mistral-merge are reached only
    through Mistral-7B's predicted parent; Llama's declared grandchildren stay declared."""
    got = run(likely, database, "model_lineage", model="meta/llama-7b", direction="down",
              maxDepth=2, includeLikely=True)
    declared = run(likely, database, "model_lineage", model="meta/llama-7b", direction="down",
                   maxDepth=2)
    assert [r for r in got if not r[7]] == declared
    assert {(r[2], r[1], r[8]) for r in got if r[7]} == {
        ("carol/scratch-1b", 1, 0.91), ("mistralai/Mistral-7B", 1, 0.7),
        ("alice/mistral-ft", 2, 0.7), ("bob/mistral-merge", 2, 0.7),
        ("google/gemma-7b", 2, 0.5)}


def test_family_edges_with_predictions(likely: neo4j.Driver, database: str) -> None:
    got = run(likely, database, "family_edges", model="mistralai/mistral-7b",
              includeLikely=True)
    assert got == [
        ("alice/mistral-ft", "mistralai/Mistral-7B", "finetune", "2023-10-01", 7200000000,
         "alice", False, None),
        ("bob/gemma-ft", "google/gemma-7b", "finetune", "2024-03-01", 8500000000, "bob",
         False, None),
        ("bob/mistral-merge", "alice/mistral-ft", "merge", "2023-11-05", 7200000000, "bob",
         False, None),
        ("bob/mistral-merge", "mistralai/Mistral-7B", "merge", "2023-11-05", 7200000000, "bob",
         False, None),
        ("carol/scratch-1b", "mistralai/Mistral-7B", "adapter", "2023-06-01", 1000000000,
         "carol", True, 0.62),
        ("google/gemma-7b", "carol/scratch-1b", "finetune", None, None, None, True, 0.5),
    ]


def test_parent_and_child_links_with_predictions(likely: neo4j.Driver, database: str) -> None:
    keys = ["CAROL/scratch-1b", "bob/gemma-ft"]
    got = sorted(run(likely, database, "read/parent_links", keys=keys, includeLikely=True),
                 key=repr)
    assert got == sorted([
        ("bob/gemma-ft", "google/gemma-7b", "finetune", "card", "explicit", False, None, None,
         None, None),
        ("carol/scratch-1b", "meta/llama-7b", "finetune", None, None, True, 0.91, 1, "test",
         EVIDENCE),
        ("carol/scratch-1b", "mistralai/mistral-7b", "adapter", None, None, True, 0.62, 2,
         "test", EVIDENCE),
    ], key=repr)
    adapters = run(likely, database, "read/parent_links", keys=keys, includeLikely=True,
                   relations=["adapter"])
    assert [r[:2] for r in adapters] == [("carol/scratch-1b", "mistralai/mistral-7b")]
    down = run(likely, database, "read/child_links", keys=["meta/llama-7b"], includeLikely=True)
    assert sorted((r[0], r[5], r[6]) for r in down if r[5]) == [
        ("carol/scratch-1b", True, 0.91), ("mistralai/mistral-7b", True, 0.7)]


def _profile_rows(driver: neo4j.Driver, database: str, name: str,
                  params: dict[str, Any]) -> list[tuple[str, int]]:
    """(operator details, rows) of every PROFILE operator that names LIKELY_DERIVED_FROM."""
    q = load(name, internal=True)
    summary = driver.execute_query("PROFILE " + q.text, q.bind(params), database_=database,
                                   result_transformer_=neo4j.Result.consume)

    def walk(op: dict[str, Any]) -> list[dict[str, Any]]:
        return [op] + [o for c in op.get("children", []) for o in walk(c)]

    ops = walk(summary.profile or {})
    return [(str(op["args"].get("Details", "")), int(op.get("rows", 0))) for op in ops
            if "LIKELY_DERIVED_FROM" in str(op["args"].get("Details", ""))]


@pytest.mark.parametrize(("name", "params"), [
    ("model_lineage", {"model": "meta/llama-7b"}),
    ("model_lineage", {"model": "bob/gemma-ft"}),
    ("family_edges", {"model": "mistralai/mistral-7b"}),
    ("read/parent_links", {"keys": ["carol/scratch-1b", "mistralai/mistral-7b"]}),
    ("read/child_links", {"keys": ["meta/llama-7b", "carol/scratch-1b"]}),
])
def test_declared_only_never_expands_a_predicted_edge(likely: neo4j.Driver, database: str,
                                                      name: str, params: dict[str, Any]) -> None:
    """PROFILE: with $includeLikely false, no operator that follows LIKELY_DERIVED_FROM sees a
    row (the predicted branch is cut before it expands); with it true, they do."""
    off = _profile_rows(likely, database, name, params)
    assert off, "the predicted branch is in the plan"
    assert all(rows == 0 for _, rows in off), off
    on = _profile_rows(likely, database, name, params | {"includeLikely": True})
    assert any(rows > 0 for _, rows in on), on


def test_a_family_too_large_with_predictions_is_drawn_declared(
        likely: neo4j.Driver, database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from hflineage.analytics import family_page as page

    drawn = page.family_page(likely, "mistralai/Mistral-7B", database=database,
                             include_likely=True)
    assert drawn.predicted_too_many is None and drawn.predicted_edges == 2
    monkeypatch.setattr(page, "PREDICTED_LIMIT", 3)
    capped = page.family_page(likely, "mistralai/Mistral-7B", database=database,
                              include_likely=True)
    assert capped.predicted_too_many == 3 and capped.predicted_edges == 0
    declared = page.family_page(likely, "mistralai/Mistral-7B", database=database)
    assert capped.size == declared.size and capped.generations.equals(declared.generations)
