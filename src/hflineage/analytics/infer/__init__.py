"""Likely parents for models that declare none (``hflineage infer``), and their evaluation.

:func:`infer_parents` reads the graph once (``read/infer_facts``), fits the ranker on the
graph's own declared edges, and replaces every ``LIKELY_DERIVED_FROM`` edge with the new
predictions. :func:`evaluate` hides declared parents in an in-memory copy and scores how well
they come back; it never writes. Declared ``DERIVED_FROM`` edges are never touched.
"""

from __future__ import annotations

import contextlib
import numbers
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import neo4j

from hflineage.analytics.infer.evaluate import Evaluation, evaluate_facts
from hflineage.analytics.infer.facts import Facts
from hflineage.analytics.infer.ranker import METHOD, Prediction, build_indexes, predict, train
from hflineage.analytics.queries import read_query
from hflineage.cypher import statement
from hflineage.db.lock import infer_lock
from hflineage.db.version import bump_epoch
from hflineage.errors import InferenceError, QueryParameterError

__all__ = ["METHOD", "Evaluation", "Facts", "InferSummary", "clear_predictions", "evaluate",
           "infer_parents", "read_facts"]
_BATCH = 5_000


def read_facts(driver: neo4j.Driver, database: str = "neo4j") -> Facts:
    """Every live model's facts, streamed from the graph into columns."""
    return read_query(driver, "read/infer_facts", {}, database, None,
                      lambda result: Facts.from_rows(r.data() for r in result))[1]


@dataclass
class InferSummary:
    """What one ``hflineage infer`` run did."""

    models: int
    undeclared: int
    with_prediction: int
    edges: int
    removed: int
    trained_on: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        return (f"{self.edges:,} likely parent edges for {self.with_prediction:,} of "
                f"{self.undeclared:,} models that declare no parent ({self.models:,} models); "
                f"{self.removed:,} earlier predictions replaced; {METHOD} trained on "
                f"{self.trained_on.get('positives', 0):,} declared edges")


def clear_predictions(driver: neo4j.Driver, database: str = "neo4j") -> int:
    """Remove every LIKELY_DERIVED_FROM edge, a batch per transaction; returns how many."""
    removed = 0
    while True:
        n = int(driver.execute_query(statement("write/clear_likely"), {"batch": 10_000},
                                     database_=database).records[0]["removed"])
        removed += n
        if n < 10_000:
            return removed


def _rows(f: Facts, predictions: list[Prediction]) -> list[dict[str, object]]:
    return [{"child": f.keys[p.child], "parent": f.keys[p.parent], "relation": p.relation,
             "confidence": round(p.confidence, 4), "method": METHOD,
             "evidence": list(p.evidence), "rank": p.rank} for p in predictions]


def _check(top: int, min_confidence: float) -> None:
    if top < 1:
        raise QueryParameterError(f"--top must be at least 1, got {top}")
    if not 0 <= min_confidence <= 1:
        raise QueryParameterError(f"--min-confidence must be within 0..1, got {min_confidence}")


def infer_parents(driver: neo4j.Driver, *, database: str = "neo4j", top: int = 3,
                  min_confidence: float = 0.2, lock: Path | None = None,
                  progress: Callable[[str], None] | None = None) -> InferSummary:
    """Predict up to ``top`` parents (confidence ≥ ``min_confidence``) for each described
    model without a declared one, replacing all earlier predictions.

    Holds ``lock`` (the managed server's load lock, shared, and its own exclusive one) from the
    read to the last write. Raises InferenceError when the graph has no declared edge the
    ranker can learn from.
    """
    _check(top, min_confidence)
    say = progress or (lambda _: None)
    clock = time.perf_counter()
    seconds: dict[str, float] = {}
    with infer_lock(lock):
        f = read_facts(driver, database)
        seconds["read"] = time.perf_counter() - clock
        say(f"read {len(f):,} models in {seconds['read']:.1f} s")
        ix = build_indexes(f)
        ranker = train(f, ix, f.children(), f.roots())
        if ranker.positives == 0:
            raise InferenceError(
                "no declared parent is among its child's candidates, so there is nothing to "
                "learn from: load models that declare their base_model first")
        seconds["train"] = time.perf_counter() - clock - seconds["read"]
        say(f"trained on {ranker.positives:,} declared edges in {seconds['train']:.1f} s")
        undeclared = f.undeclared()
        edges = with_prediction = removed = 0
        try:
            removed = clear_predictions(driver, database)
            batch: list[Prediction] = []
            for ranked in predict(f, ix, ranker, undeclared, top):
                kept = [p for p in ranked if p.confidence >= min_confidence]
                with_prediction += bool(kept)
                batch.extend(kept)
                if len(batch) >= _BATCH:
                    edges += _write(driver, database, _rows(f, batch))
                    batch = []
            edges += _write(driver, database, _rows(f, batch))
            edges -= _sweep(driver, database)
        except BaseException:
            with contextlib.suppress(Exception):  # keep the original error
                bump_epoch(driver, database)
            raise
        bump_epoch(driver, database)
    seconds["predict_write"] = time.perf_counter() - clock - seconds["read"] - seconds["train"]
    return InferSummary(len(f), len(undeclared), with_prediction, edges, removed,
                        {"positives": ranker.positives, "children": ranker.children,
                         "roots": ranker.roots},
                        {k: round(v, 2) for k, v in seconds.items()})


def _sweep(driver: neo4j.Driver, database: str) -> int:
    """Drop predictions a concurrent load made wrong (the child declares a parent by now) and
    the weaker of two models predicted as each other's parent (undated models); how many."""
    return int(driver.execute_query(statement("write/sweep_likely"),
                                    database_=database).records[0]["removed"])


def _write(driver: neo4j.Driver, database: str, rows: list[dict[str, object]]) -> int:
    if not rows:
        return 0
    return int(driver.execute_query(statement("write/likely_edges"), {"rows": rows},
                                    database_=database).records[0]["written"])


def clear(driver: neo4j.Driver, *, database: str = "neo4j", lock: Path | None = None) -> int:
    """``hflineage infer --clear``: remove every prediction; returns how many."""
    with infer_lock(lock):
        removed = clear_predictions(driver, database)
        if removed:
            bump_epoch(driver, database)
    return removed


def evaluate(driver: neo4j.Driver, *, database: str = "neo4j", holdout: float = 0.2,
             seed: int | Sequence[int] = 0, top: int = 3) -> list[Evaluation]:
    """Hide ``holdout`` of the declared parents in an in-memory copy of the graph, predict them
    back and score the result, once per seed (the graph is read once, never written)."""
    _check(top, 0.0)
    if not 0 < holdout < 1:
        raise QueryParameterError(f"--holdout must be between 0 and 1, got {holdout}")
    f = read_facts(driver, database)
    seeds = ([int(seed)] if isinstance(seed, numbers.Integral)
             else [int(s) for s in cast(Sequence[int], seed)])
    return [evaluate_facts(f, holdout=holdout, seed=s, top=top) for s in seeds]
