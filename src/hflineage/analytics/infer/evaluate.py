"""Hold out declared parents, predict them back, and score the predictions.

Everything happens on an in-memory copy (:meth:`Facts.hidden`); the graph is only read.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from hflineage.analytics.infer.facts import Facts
from hflineage.analytics.infer.ranker import METHOD, build_indexes, candidates, features, train
from hflineage.errors import InferenceError

THRESHOLDS = (0.5, 0.8, 0.95)
#: Confidence bins of the calibration table: [low, high).
BINS = ((0.0, 0.2), (0.2, 0.5), (0.5, 0.8), (0.8, 0.95), (0.95, 1.0000001))
#: A true root given a parent at this confidence or more counts as a false parent.
ROOT_CONFIDENCE = 0.8


@dataclass
class Scores:
    """Ranking scores over held-out children: Hits@k and MRR over the full ranking, precision
    over the ``top`` edges ``hflineage infer`` would write."""

    children: int = 0
    reachable: int = 0
    hits1: float | None = None
    hits5: float | None = None
    mrr: float | None = None
    precision: dict[str, dict[str, float | None]] = field(default_factory=dict)


@dataclass
class Evaluation:
    """One holdout run: what was hidden, how well it came back, per relation, and roots."""

    seed: int
    holdout: float
    top: int
    method: str
    models: int
    declared_children: int
    overall: Scores
    by_relation: dict[str, Scores]
    roots: int
    roots_with_parent: int
    trained_on: dict[str, int]
    seconds: dict[str, float]
    held_out: list[dict[str, Any]] = field(default_factory=list)
    """Per hidden child: id, relation, parents (declared), ranked ([id, confidence], top 10)."""
    calibration: list[dict[str, Any]] = field(default_factory=list)
    """Per confidence bin of the top edges: edges, correct share, mean confidence."""

    @property
    def root_false_parent_rate(self) -> float | None:
        return self.roots_with_parent / self.roots if self.roots else None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["root_false_parent_rate"] = self.root_false_parent_rate
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def table(self) -> str:
        """The scores as a plain-text table, one row for all and one per declared relation."""
        head = (f"{'relation':<10} {'held out':>8} {'reachable':>9} {'Hits@1':>7} {'Hits@5':>7} "
                f"{'MRR':>6}" + "".join(f" {'P@≥' + format(t, 'g'):>12}" for t in THRESHOLDS))
        lines = [f"holdout {self.holdout:g} seed {self.seed}: {self.overall.children} of "
                 f"{self.declared_children} declared children hidden ({self.models} models); "
                 f"{METHOD} trained on the other {self.trained_on['children']} children and "
                 f"{self.trained_on['roots']} true roots ({self.trained_on['positives']} "
                 "declared edges among their candidates)", head]
        for name, s in [("all", self.overall), *sorted(self.by_relation.items())]:
            cells = "".join(
                f" {_precision(s.precision.get(format(t, 'g'))):>12}" for t in THRESHOLDS)
            lines.append(f"{name:<10} {s.children:>8} {s.reachable:>9} {_fmt(s.hits1):>7} "
                         f"{_fmt(s.hits5):>7} {_fmt(s.mrr):>6}{cells}")
        rate = self.root_false_parent_rate
        lines.append(
            f"true roots (declare no parent, are declared as one), held out of training: "
            f"{self.roots_with_parent} of {self.roots} got a parent at confidence ≥ "
            f"{ROOT_CONFIDENCE:g}" + (f" ({rate:.1%})" if rate is not None else ""))
        lines.append("calibration of the top edges: " + "; ".join(
            f"[{b['low']:g}, {min(b['high'], 1):g}{']' if b['high'] > 1 else ')'} "
            f"{b['edges']} edges, {_fmt(b['correct'])} correct (mean confidence "
            f"{_fmt(b['confidence'])})" for b in self.calibration))
        lines.append("Hits@k and MRR rank every candidate; P@≥t is the share of correct edges "
                     f"among the top {self.top} per child with confidence ≥ t (correct/edges). "
                     "reachable: a true parent was among the candidates.")
        return "\n".join(lines)


def _precision(p: dict[str, float | None] | None) -> str:
    if not p or p["precision"] is None:
        return "– (0)"
    return f"{p['precision']:.3f} ({int(p['edges'] or 0)})"


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _scores(ranks: list[int | None], edges: list[tuple[float, bool]], reachable: int
            ) -> Scores:
    n = len(ranks)
    found = [r for r in ranks if r is not None]
    precision: dict[str, dict[str, float | None]] = {}
    for t in THRESHOLDS:
        kept = [ok for conf, ok in edges if conf >= t]
        precision[format(t, "g")] = {"edges": len(kept), "correct": sum(kept),
                                     "precision": sum(kept) / len(kept) if kept else None}
    return Scores(children=n, reachable=reachable,
                  hits1=sum(r == 1 for r in found) / n if n else None,
                  hits5=sum(r <= 5 for r in found) / n if n else None,
                  mrr=sum(1 / r for r in found) / n if n else None,
                  precision=precision)


def evaluate_facts(f: Facts, *, holdout: float = 0.2, seed: int = 0, top: int = 3
                   ) -> Evaluation:
    """Hide ``holdout`` of the declared children (and as many true roots, from training),
    predict, and score against what was declared."""
    clock = time.perf_counter()
    rng = np.random.default_rng(seed)
    children = f.children()  # in key order (Facts.from_rows)
    roots = f.roots()
    n = round(holdout * len(children))
    if n == 0 or n == len(children):
        raise InferenceError(
            f"cannot hold out {holdout:g} of {len(children)} models with a declared parent: "
            "the evaluation needs at least one hidden and one visible (load more models first)")
    hidden = sorted(rng.choice(children, n, replace=False).tolist())
    held_roots = set(rng.choice(roots, round(holdout * len(roots)), replace=False).tolist()
                     ) if roots else set()
    copy = f.hidden(hidden)
    ix = build_indexes(copy)
    hide = set(hidden)
    ranker = train(copy, ix, [c for c in children if c not in hide],
                   [r for r in copy.roots() if r not in held_roots], seed=seed)
    if ranker.positives == 0:
        raise InferenceError("no visible declared parent is among its child's candidates, so "
                             "there is nothing to learn from: load more models first")
    trained = time.perf_counter()
    ranks: dict[str, list[int | None]] = defaultdict(list)
    edges: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    reachable: dict[str, int] = defaultdict(int)
    held_out: list[dict[str, Any]] = []
    for c in hidden:
        truth = set(f.parents[c])
        relation = f.relations[c][0] if len(set(f.relations[c])) == 1 else "merge"
        cands = candidates(copy, ix, c)
        order: list[int] = []
        conf = np.zeros(0)
        if cands:
            conf = ranker.scores(features(copy, ix, c, cands))
            ps = list(cands)
            order = [ps[j] for j in np.argsort(-conf, kind="stable")]
            conf = np.sort(conf)[::-1]
        rank = next((k for k, p in enumerate(order, start=1) if p in truth), None)
        held_out.append({"id": f.ids[c], "relation": relation,
                         "parents": sorted(f.ids[p] for p in truth),
                         "ranked": [[f.ids[p], round(float(x), 4)]
                                    for p, x in zip(order[:10], conf[:10], strict=False)]})
        for key in ("all", relation):
            ranks[key].append(rank)
            reachable[key] += rank is not None
            edges[key].extend((float(conf[k]), order[k] in truth)
                              for k in range(min(top, len(order))))
    roots_with_parent = 0
    for r in held_roots:
        cands = candidates(copy, ix, r)
        if cands and ranker.scores(features(copy, ix, r, cands)).max() >= ROOT_CONFIDENCE:
            roots_with_parent += 1
    done = time.perf_counter()
    by_relation = {k: _scores(v, edges[k], reachable[k]) for k, v in ranks.items() if k != "all"}
    calibration = []
    for low, high in BINS:
        inside = [(conf, ok) for conf, ok in edges["all"] if low <= conf < high]
        calibration.append({
            "low": low, "high": high, "edges": len(inside),
            "correct": sum(ok for _, ok in inside) / len(inside) if inside else None,
            "confidence": sum(conf for conf, _ in inside) / len(inside) if inside else None})
    return Evaluation(
        seed=seed, holdout=holdout, top=top, method=METHOD, models=len(f),
        declared_children=len(children),
        overall=_scores(ranks["all"], edges["all"], reachable["all"]),
        by_relation=by_relation, roots=len(held_roots), roots_with_parent=roots_with_parent,
        trained_on={"positives": ranker.positives, "children": ranker.children,
                    "roots": ranker.roots},
        seconds={"train": round(trained - clock, 2), "predict": round(done - trained, 2)},
        held_out=held_out, calibration=calibration)
