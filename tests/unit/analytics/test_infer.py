"""Parent inference without a graph: names, candidates, hard rules, and the evaluation's
scores recomputed from its own per-child rankings."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hflineage.analytics.infer.evaluate import THRESHOLDS, evaluate_facts
from hflineage.analytics.infer.facts import Facts, core_tokens, word_parts
from hflineage.analytics.infer.ranker import (
    FEATURES,
    build_indexes,
    candidates,
    features,
    fit_choice,
    predict,
    train,
)
from hflineage.errors import InferenceError
from tests.support.infer import file_rows

FIXTURE = Path(__file__).parents[2] / "fixtures" / "infer" / "models.jsonl"


@pytest.fixture(scope="module")
def facts() -> Facts:
    return Facts.from_rows(file_rows(FIXTURE))


def test_core_names_drop_quantization_and_adapter_suffixes() -> None:
    assert core_tokens("Llama-2-7B-Chat-GGUF") == ("llama", "2", "7b", "chat")
    assert core_tokens("Mistral-7B-v0.1-Q4_K_M") == ("mistral", "7b", "v0", "1")
    assert core_tokens("bar-13b-lora") == ("bar", "13b")
    assert word_parts("MeliodasPercival_01-7B") == ("meliodas", "percival", "01", "7")


def test_a_gguf_base_with_declared_children_is_no_leaf() -> None:
    rows: list[dict[str, Any]] = [
        {"key": "a/base", "id": "a/Base", "files": ["gguf"], "parents": []},
        {"key": "b/base-q", "id": "b/Base-GGUF", "files": ["gguf"], "parents": []},
        {"key": "c/x", "id": "c/X", "parents": [["a/base", "finetune"]]},
    ]
    f = Facts.from_rows(rows)
    usable = dict(zip(f.keys, f.usable(), strict=True))
    assert usable == {"a/base": True, "b/base-q": False, "c/x": True}


def test_hiding_a_child_removes_the_stub_only_it_named() -> None:
    rows: list[dict[str, Any]] = [
        {"key": "s/only", "id": "s/Only", "stub": True, "parents": []},
        {"key": "s/shared", "id": "s/Shared", "stub": True, "parents": []},
        {"key": "c/one", "id": "c/One", "parents": [["s/only", "finetune"],
                                                     ["s/shared", "finetune"]],
         "root": "s/only"},
        {"key": "c/two", "id": "c/Two", "parents": [["s/shared", "finetune"]]},
    ]
    f = Facts.from_rows(rows)
    copy = f.hidden([f.index["c/one"]])
    assert copy.parents[f.index["c/one"]] == () and copy.root[f.index["c/one"]] is None
    assert dict(zip(copy.keys, copy.usable(), strict=True)) == {
        "s/only": False, "s/shared": True, "c/one": True, "c/two": True}
    assert f.parents[f.index["c/one"]] != ()  # the original is untouched


def test_models_without_an_owner_share_no_author() -> None:
    rows: list[dict[str, Any]] = [
        {"key": "gpt2", "id": "gpt2", "created": 1.0, "parents": []},
        {"key": "distilgpt2", "id": "distilgpt2", "created": 2.0,
         "parents": [["gpt2", "finetune"]]},
        {"key": "gpt2-medium", "id": "gpt2-medium", "created": 3.0, "parents": []},
    ]
    f = Facts.from_rows(rows)
    ix = build_indexes(f)
    assert ix.author_parents == {} and ix.by_owner == {}
    child = f.index["gpt2-medium"]
    cands = candidates(f, ix, child)
    x = features(f, ix, child, cands)
    assert list(x[:, FEATURES.index("same_owner")]) == [0.0] * len(cands)


def test_a_parent_is_never_newer() -> None:
    rows: list[dict[str, Any]] = [
        {"key": "a/foo-7b", "id": "a/Foo-7B", "created": 5.0, "parents": []},
        {"key": "b/foo-7b-chat", "id": "b/Foo-7B-chat", "created": 5.0, "parents": []},
        {"key": "c/foo-7b-dpo", "id": "c/Foo-7B-dpo", "created": 9.0, "parents": []},
    ]
    f = Facts.from_rows(rows)
    ix = build_indexes(f)
    assert f.index["a/foo-7b"] in candidates(f, ix, f.index["b/foo-7b-chat"])  # same time
    assert f.index["c/foo-7b-dpo"] not in candidates(f, ix, f.index["a/foo-7b"])
    assert f.index["a/foo-7b"] in candidates(f, ix, f.index["c/foo-7b-dpo"])


def test_a_deleted_parent_still_counts_as_declared() -> None:
    rows: list[dict[str, Any]] = [
        {"key": "a/x", "id": "a/X", "parents": [], "declares": True},
        {"key": "b/y", "id": "b/Y", "parents": []},
    ]
    f = Facts.from_rows(rows)
    assert [f.keys[i] for i in f.undeclared()] == ["b/y"] and f.children() == []


def test_candidates_obey_the_hard_rules(facts: Facts) -> None:
    ix = build_indexes(facts)
    usable = facts.usable()
    for c in range(len(facts)):
        if facts.stub[c]:
            continue
        for p in candidates(facts, ix, c):
            assert p != c and usable[p]
            assert not facts.created[p] > facts.created[c], (facts.ids[c], facts.ids[p])
            assert c not in facts.parents[p]
    early = facts.index["early/foo-7b-instruct"]
    assert facts.index["acme/foo-7b"] not in candidates(facts, ix, early)


def test_predictions_on_the_fixture(facts: Facts) -> None:
    ix = build_indexes(facts)
    ranker = train(facts, ix, facts.children(), facts.roots())
    best = {facts.ids[r[0].child]: (facts.ids[r[0].parent], r[0].relation, r[0].confidence,
                                    r[0].evidence)
            for r in predict(facts, ix, ranker, facts.undeclared(), 3) if r}
    assert best["TheQuant/Foo-7B-GGUF"][:2] == ("acme/Foo-7B", "quantized")
    assert best["TheQuant/Foo-7B-GGUF"][2] >= 0.8
    assert best["newbie/Bar-13B-lora"][:2] == ("acme/Bar-13B", "adapter")
    assert best["user3/Foo-7B-tuned-v99"][0] == "acme/Foo-7B"
    assert best["thebloke-fan/Qux-GGUF"][0] == "user1/Foo-7B-tuned-v1"
    assert any(e.startswith("card: model_name=Foo 7B tuned v1")
               for e in best["thebloke-fan/Qux-GGUF"][3])
    assert any(e.startswith("name: same core name 'foo-7b'")
               for e in best["TheQuant/Foo-7B-GGUF"][3])


def test_the_choice_model_recovers_a_known_rule() -> None:
    """Children choose one of 5 candidates by exp(2·x) or "none" by exp(u): the fit finds 2, 1
    and no bias again."""
    rng = np.random.default_rng(0)
    groups, per = 3000, 5
    x = np.column_stack([np.ones(groups * per), rng.normal(size=groups * per)])
    u = rng.normal(size=(groups, 1))
    group = np.repeat(np.arange(groups), per)
    true = np.zeros(groups * per)
    for g in range(groups):
        scores = np.append(2.0 * x[g * per:(g + 1) * per, 1], u[g, 0])
        pick = rng.choice(per + 1, p=np.exp(scores) / np.exp(scores).sum())
        if pick < per:
            true[g * per + pick] = 1.0
    w, theta = fit_choice(x, group, true, u, l2=0.0)
    assert abs(w[0]) < 0.15 and abs(w[1] - 2.0) < 0.15 and abs(theta[0] - 1.0) < 0.15


def _recomputed(held: pd.DataFrame, top: int) -> dict[str, float | None]:
    """The documented definitions, from the per-child rankings."""
    def first_hit(row: pd.Series) -> float:
        ids = [p for p, _ in row["ranked"]]
        return next((k for k, p in enumerate(ids, start=1) if p in row["parents"]), math.inf)

    ranks = held.apply(first_hit, axis=1)
    edges = [(conf, p in row["parents"]) for _, row in held.iterrows()
             for p, conf in row["ranked"][:top]]
    out: dict[str, float | None] = {"hits1": float((ranks == 1).mean()),
                                    "hits5": float((ranks <= 5).mean()),
                                    "mrr_top10": float((1 / ranks).mean())}
    for t in THRESHOLDS:
        kept = [ok for conf, ok in edges if conf >= t]
        out[f"p{t:g}"] = sum(kept) / len(kept) if kept else None
    return out


def test_evaluation_scores_match_their_definitions(facts: Facts) -> None:
    e = evaluate_facts(facts, holdout=0.3, seed=1, top=3)
    held = pd.DataFrame(e.held_out)
    assert len(held) == e.overall.children == round(0.3 * len(facts.children()))
    again = _recomputed(held, 3)
    assert e.overall.hits1 == pytest.approx(again["hits1"])
    assert e.overall.hits5 == pytest.approx(again["hits5"])
    assert e.overall.mrr is not None and again["mrr_top10"] is not None
    assert e.overall.mrr >= again["mrr_top10"] - 1e-9  # ranks past 10 only add
    for t in THRESHOLDS:
        assert e.overall.precision[format(t, "g")]["precision"] == pytest.approx(
            again[f"p{t:g}"])
    edges = [(conf, p in row["parents"]) for _, row in held.iterrows()
             for p, conf in row["ranked"][:3]]
    for b in e.calibration:
        inside = [ok for conf, ok in edges if b["low"] <= conf < b["high"]]
        assert b["edges"] == len(inside)
        assert b["correct"] == (pytest.approx(sum(inside) / len(inside)) if inside else None)
    assert sum(b["edges"] for b in e.calibration) == len(edges)
    for relation, group in held.groupby("relation"):
        assert e.by_relation[str(relation)].hits1 == pytest.approx(
            _recomputed(group, 3)["hits1"])
    # the fixture's children are named after their parents
    assert e.overall.hits1 is not None and e.overall.hits1 > 0.5


def test_evaluation_is_reproducible_and_seeded(facts: Facts) -> None:
    a, b = evaluate_facts(facts, seed=3), evaluate_facts(facts, seed=3)
    assert a.held_out == b.held_out and a.overall == b.overall
    c = evaluate_facts(facts, seed=4)
    assert {r["id"] for r in c.held_out} != {r["id"] for r in a.held_out}


def test_the_evaluation_does_not_depend_on_the_read_order() -> None:
    rows = file_rows(FIXTURE)
    runs = [evaluate_facts(Facts.from_rows(order), seed=3).to_dict()
            for order in (rows, list(reversed(rows)), rows[1::2] + rows[::2])]
    for run in runs:
        run.pop("seconds")
    assert runs[0] == runs[1] == runs[2]


def test_nothing_to_hold_out_is_a_clear_error() -> None:
    f = Facts.from_rows([{"key": "a/x", "id": "a/X", "parents": []}])
    with pytest.raises(InferenceError, match=r"cannot hold out 0\.2 of 0 models"):
        evaluate_facts(f)
