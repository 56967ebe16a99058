"""The named query library: every file registered, parses, passes EXPLAIN, and returns the
exact expected rows on a small hand-made graph (tests/fixtures/analytics/small_graph.json)."""

from __future__ import annotations

import math
import re
from importlib import resources
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest

from hflineage.cypher import Query, load, registry
from hflineage.errors import QueryParameterError
from tests.fixtures.analytics.graph import build

# Every internal read, by path: each parses and passes EXPLAIN.
INTERNAL = sorted(f"read/{f.name.removesuffix('.cypher')}"
                  for f in resources.files("hflineage.cypher").joinpath("read").iterdir()
                  if f.name.endswith(".cypher"))
DUMMY = {"str": "x", "int": 1, "float": 1.0, "bool": False, "list[str]": ["x"], "list[int]": [1]}


def explain_params(q: Query) -> dict[str, Any]:
    return {p.name: (p.choices[0] if p.choices else DUMMY[p.type]) if p.required else p.default
            for p in q.params}


def normal(value: Any) -> Any:
    """Rows made comparable: floats rounded, NaN and None alike, temporal values as ISO dates."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    if isinstance(value, neo4j.time.DateTime):
        return value.iso_format()[:10]
    if isinstance(value, list | tuple):
        return [normal(v) for v in value]
    return value


def run(driver: neo4j.Driver, database: str, name: str, **params: Any) -> list[tuple[Any, ...]]:
    q = load(name, internal=True)
    df: pd.DataFrame = driver.execute_query(
        q.text, q.bind(params), database_=database, routing_=neo4j.RoutingControl.READ,
        result_transformer_=neo4j.Result.to_df)
    if not df.empty:
        assert tuple(df.columns) == q.columns, f"{name}: header says {q.columns}"
    return [tuple(normal(v) for v in row) for row in df.itertuples(index=False)]


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: Any) -> neo4j.Driver:
    from hflineage.db.schema import init_schema, wipe_database

    wipe_database(driver, neo4j_server.database)
    init_schema(driver, neo4j_server.database)
    build(driver, neo4j_server.database)
    return driver


def test_every_file_is_registered_and_documented() -> None:
    files = {e.name.removesuffix(".cypher") for e in resources.files("hflineage.cypher").iterdir()
             if e.name.endswith(".cypher")}
    assert files == set(registry())
    for name, q in registry().items():
        assert q.description, f"{name} has no description line"
        assert q.columns, f"{name} has no '// returns:' line"
        assert all(p.doc for p in q.params), f"{name}: a parameter has no '-- doc'"
        used = set(re.findall(r"\$(\w+)", "\n".join(
            line for line in q.text.splitlines() if not line.startswith("//"))))
        assert used == {p.name for p in q.params}, f"{name}: header params != $params in the body"


def test_readme_lists_every_query() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Queries"):readme.index("## Report")]
    for name, q in registry().items():
        assert f"| `{name}` | {q.description} |" in section, name


def test_variable_length_patterns_are_bounded() -> None:
    for name, q in registry().items():
        body = "\n".join(line for line in q.text.splitlines() if not line.startswith("//"))
        assert not re.search(r"\*\s*\]|\*\s*\d*\s*\.\.\s*\]|\{\s*\d*\s*,\s*\}", body), name


@pytest.mark.parametrize("name", INTERNAL)
def test_internal_read_is_documented_and_passes_explain(graph: neo4j.Driver, database: str,
                                                         name: str) -> None:
    q = load(name, internal=True)
    assert q.description and q.text.startswith("//"), name
    # The fingerprint reads take $skip (the loader's labels) without a header line.
    graph.execute_query("EXPLAIN " + q.text, explain_params(q) | {"skip": []},
                        database_=database)


@pytest.mark.parametrize("name", sorted(registry()))
def test_query_passes_explain(graph: neo4j.Driver, database: str, name: str) -> None:
    q = registry()[name]
    summary = graph.execute_query("EXPLAIN " + q.text, explain_params(q),
                                  database_=database).summary
    assert summary.plan is not None


def _operators(plan: dict[str, Any]) -> set[str]:
    ops = {plan["operatorType"].split("@")[0]}
    for child in plan.get("children", []):
        ops |= _operators(child)
    return ops


@pytest.mark.parametrize("name", sorted(n for n, q in registry().items()
                                        if {"model", "org"} & {p.name for p in q.params}))
def test_anchored_queries_seek_the_key_index(graph: neo4j.Driver, database: str,
                                            name: str) -> None:
    q = registry()[name]
    plan = graph.execute_query("EXPLAIN " + q.text, explain_params(q),
                               database_=database).summary.plan
    ops = _operators(plan)
    assert "NodeUniqueIndexSeek" in ops and "NodeByLabelScan" not in ops, ops


EXPECTED: list[tuple[str, dict[str, Any], list[tuple[Any, ...]]]] = [
    # direct* are the roots' children by their edge to the root (alice/old-llama is deleted);
    # finetunes..unknownRelation are all derivatives by their own edges.
    ("top_architectures", {}, [
        ("LlamaForCausalLM", 2, 6, 5, 11, 5, 0.833333, 3, 2, 1, 0, 0, 0, 4, 1, 1, 0, 0),
        ("MistralForCausalLM", 1, 2, 3, 3, 2, 1.0, 2, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0),
        (None, 1, 1, 1, 1, 1, None, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0),
    ]),
    # the row of base models without an architecture comes last, outside $limit
    ("top_architectures", {"maxDepth": 1, "limit": 1}, [
        ("LlamaForCausalLM", 2, 3, 4, 7, 3, 0.666667, 3, 2, 1, 0, 0, 0, 2, 1, 0, 0, 0),
        (None, 1, 1, 1, 1, 1, None, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0),
    ]),
    ("derivative_counts", {}, [(4, 3, 9, 8, 6, 1, 1, 1, 0)]),
    ("derivative_counts", {"maxDepth": 1}, [(4, 3, 6, 5, 4, 1, 0, 1, 0)]),
    ("top_base_models", {}, [
        ("meta/Llama-7B", "meta", "LlamaForCausalLM", False, True, 3, 6, 2, 1, 0, 0, 0),
        ("alice/llama-ft", "alice", "LlamaForCausalLM", False, False, 2, 2, 1, 0, 1, 0, 0),
        ("mistralai/Mistral-7B", "mistralai", "MistralForCausalLM", False, True, 2, 2,
         1, 0, 0, 1, 0),
        ("alice/mistral-ft", "alice", "MistralForCausalLM", False, False, 1, 1, 0, 0, 0, 1, 0),
        ("google/gemma-7b", None, None, True, True, 1, 1, 1, 0, 0, 0, 0),
        ("meta/llama-7b-chat", "meta", "LlamaForCausalLM", False, False, 1, 1, 1, 0, 0, 0, 0),
    ]),
    ("top_base_models", {"relation": "finetune", "limit": 3}, [
        ("meta/Llama-7B", "meta", "LlamaForCausalLM", False, True, 2, 4, 2, 0, 0, 0, 0),
        ("alice/llama-ft", "alice", "LlamaForCausalLM", False, False, 1, 1, 1, 0, 0, 0, 0),
        ("google/gemma-7b", None, None, True, True, 1, 1, 1, 0, 0, 0, 0),
    ]),
    ("derivatives_per_month", {}, [
        ("2023-02", "finetune", "LlamaForCausalLM", 1),
        ("2023-03", "adapter", "LlamaForCausalLM", 1),
        ("2023-03", "finetune", "LlamaForCausalLM", 2),
        ("2023-03", "quantized", "LlamaForCausalLM", 1),
        ("2023-06", "finetune", "LlamaForCausalLM", 1),
        ("2023-10", "finetune", "MistralForCausalLM", 1),
        ("2023-11", "merge", "MistralForCausalLM", 1),
        ("2024-03", "finetune", "GemmaForCausalLM", 1),
    ]),
    ("derivatives_per_month", {"since": "2023-10"}, [
        ("2023-10", "finetune", "MistralForCausalLM", 1),
        ("2023-11", "merge", "MistralForCausalLM", 1),
        ("2024-03", "finetune", "GemmaForCausalLM", 1),
    ]),
    ("model_lineage", {"model": "ALICE/Llama-FT"}, [
        ("ancestor", -1, "meta/Llama-7B", "finetune", ["alice/llama-ft", "meta/Llama-7B"],
         False, False, False, None),
        ("self", 0, "alice/llama-ft", None, ["alice/llama-ft"], False, False, False, None),
        ("descendant", 1, "bob/llama-ft-ft", "finetune", ["alice/llama-ft", "bob/llama-ft-ft"],
         False, False, False, None),
        ("descendant", 1, "thebloke/llama-ft-GGUF", "quantized",
         ["alice/llama-ft", "thebloke/llama-ft-GGUF"], False, False, False, None),
    ]),
    ("model_lineage", {"model": "ALICE/Llama-FT", "direction": "up"}, [
        ("ancestor", -1, "meta/Llama-7B", "finetune", ["alice/llama-ft", "meta/Llama-7B"],
         False, False, False, None),
        ("self", 0, "alice/llama-ft", None, ["alice/llama-ft"], False, False, False, None),
    ]),
    ("model_lineage", {"model": "ALICE/Llama-FT", "direction": "down"}, [
        ("self", 0, "alice/llama-ft", None, ["alice/llama-ft"], False, False, False, None),
        ("descendant", 1, "bob/llama-ft-ft", "finetune", ["alice/llama-ft", "bob/llama-ft-ft"],
         False, False, False, None),
        ("descendant", 1, "thebloke/llama-ft-GGUF", "quantized",
         ["alice/llama-ft", "thebloke/llama-ft-GGUF"], False, False, False, None),
    ]),
    ("model_lineage", {"model": "bob/mistral-merge"}, [
        ("ancestor", -1, "alice/mistral-ft", "merge", ["bob/mistral-merge", "alice/mistral-ft"],
         False, False, False, None),
        ("ancestor", -1, "mistralai/Mistral-7B", "merge",
         ["bob/mistral-merge", "mistralai/Mistral-7B"], False, False, False, None),
        ("self", 0, "bob/mistral-merge", None, ["bob/mistral-merge"], False, False, False, None),
    ]),
    ("model_lineage", {"model": "bob/llama-chat-ft", "maxDepth": 1}, [
        ("ancestor", -1, "meta/llama-7b-chat", "finetune",
         ["bob/llama-chat-ft", "meta/llama-7b-chat"], False, False, False, None),
        ("self", 0, "bob/llama-chat-ft", None, ["bob/llama-chat-ft"], False, False, False, None),
    ]),
    ("model_lineage", {"model": "meta/llama-7b", "maxDepth": 1}, [
        ("self", 0, "meta/Llama-7B", None, ["meta/Llama-7B"], False, False, False, None),
        ("descendant", 1, "alice/llama-ft", "finetune", ["meta/Llama-7B", "alice/llama-ft"],
         False, False, False, None),
        ("descendant", 1, "alice/old-llama", "finetune", ["meta/Llama-7B", "alice/old-llama"],
         False, True, False, None),
        ("descendant", 1, "carol/llama-lora", "adapter", ["meta/Llama-7B", "carol/llama-lora"],
         False, False, False, None),
        ("descendant", 1, "meta/llama-7b-chat", "finetune",
         ["meta/Llama-7B", "meta/llama-7b-chat"], False, False, False, None),
    ]),
    ("model_lineage", {"model": "bob/gemma-ft"}, [
        ("ancestor", -1, "google/gemma-7b", "finetune", ["bob/gemma-ft", "google/gemma-7b"],
         True, False, False, None),
        ("self", 0, "bob/gemma-ft", None, ["bob/gemma-ft"], False, False, False, None),
    ]),
    ("model_lineage", {"model": "nobody/nothing"}, []),
    ("family_summary", {"model": "META/llama-7b"}, [
        ("meta/Llama-7B", 7, 2, [1, 3, 3], 4, 1, 1, 0, 0, 5,
         ["alice", "bob", "carol", "meta", "thebloke"], 5),
    ]),
    ("family_summary", {"model": "mistralai/mistral-7b"}, [
        ("mistralai/Mistral-7B", 3, 1, [1, 2], 1, 0, 0, 1, 0, 3, ["alice", "bob", "mistralai"], 4),
    ]),
    ("family_summary", {"model": "carol/scratch-1b"}, [
        ("carol/scratch-1b", 1, 0, [1], 0, 0, 0, 0, 0, 1, ["carol"], 1),
    ]),
    # the quantized pair (a storage count) is listed with its reason and left out of the
    # statistics; the merge's two pairs are one derivative
    ("size_ratio_pairs", {}, [
        ("carol/llama-lora", "meta/Llama-7B", "adapter", "LlamaForCausalLM", 40000000,
         7000000000, 0.005714, True, None),
        ("alice/llama-ft", "meta/Llama-7B", "finetune", "LlamaForCausalLM", 7000000000,
         7000000000, 1.0, False, None),
        ("alice/mistral-ft", "mistralai/Mistral-7B", "finetune", "MistralForCausalLM",
         7200000000, 7200000000, 1.0, False, None),
        ("bob/llama-chat-ft", "meta/llama-7b-chat", "finetune", "LlamaForCausalLM", 6300000000,
         6300000000, 1.0, False, None),
        ("bob/llama-ft-ft", "alice/llama-ft", "finetune", "LlamaForCausalLM", 10500000000,
         7000000000, 1.5, False, None),
        ("meta/llama-7b-chat", "meta/Llama-7B", "finetune", "LlamaForCausalLM", 6300000000,
         7000000000, 0.9, True, None),
        ("bob/mistral-merge", "alice/mistral-ft", "merge", "MistralForCausalLM", 7200000000,
         7200000000, 1.0, False, None),
        ("bob/mistral-merge", "mistralai/Mistral-7B", "merge", "MistralForCausalLM", 7200000000,
         7200000000, 1.0, False, None),
        ("thebloke/llama-ft-GGUF", "alice/llama-ft", "quantized", "LlamaForCausalLM",
         3500000000, 7000000000, 0.5, True, "quantized: storage count"),
    ]),
    ("size_ratio_per_hop", {}, [
        ("adapter", None, 1, 1, 0.005714, 0.005714, 0.005714, 0.005714, 0.005714, 0.005714, 1,
         1, 0),
        ("finetune", None, 5, 5, 0.9, 1.0, 1.0, 1.0, 1.5, 1.08, 1, 1, 0),
        ("merge", None, 2, 1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0, 0, 0),
        ("quantized", None, 0, 0, None, None, None, None, None, None, 0, 0, 1),
    ]),
    ("size_ratio_per_hop", {"relation": "quantized"}, [
        ("quantized", None, 0, 0, None, None, None, None, None, None, 0, 0, 1),
    ]),
    ("size_ratio_per_hop", {"byArchitecture": True, "tolerance": 0.0}, [
        ("adapter", "LlamaForCausalLM", 1, 1, 0.005714, 0.005714, 0.005714, 0.005714, 0.005714,
         0.005714, 1, 1, 0),
        ("finetune", "LlamaForCausalLM", 4, 4, 0.9, 0.975, 1.0, 1.125, 1.5, 1.1, 1, 1, 0),
        ("finetune", "MistralForCausalLM", 1, 1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0, 0, 0),
        ("merge", "MistralForCausalLM", 2, 1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0, 0, 0),
        ("quantized", "LlamaForCausalLM", 0, 0, None, None, None, None, None, None, 0, 0, 1),
    ]),
    ("size_ratio_to_root", {}, [
        (1, 5, 5, 0.9, 1.0, 1.0, 0.781143, 2, 0),
        (2, 2, 2, 1.05, 1.2, 1.35, 1.2, 1, 1),
    ]),
    ("accuracy_delta_by_relation", {}, [
        ("ARC", "v1", "finetune", "LlamaForCausalLM", 2, 2.0, 2.0, 0.5),
        ("ARC", "v1", "finetune", "MistralForCausalLM", 1, -1.0, -1.0, 0.0),
        ("Average", "v1", "finetune", "LlamaForCausalLM", 4, 0.5, 1.25, 0.5),
        ("Average", "v1", "finetune", "MistralForCausalLM", 1, 3.0, 3.0, 1.0),
        ("Average", "v1", "merge", "MistralForCausalLM", 2, 3.5, 3.5, 1.0),
        ("Average", "v1", "quantized", "LlamaForCausalLM", 1, -2.0, -2.0, 0.0),
        ("Average", "v2", "adapter", "LlamaForCausalLM", 1, -3.0, -3.0, 0.0),
        ("Average", "v2", "finetune", "LlamaForCausalLM", 1, 2.0, 2.0, 1.0),
        ("Average", "v2", "finetune", "MistralForCausalLM", 1, -2.58, -2.58, 0.0),
    ]),
    ("accuracy_delta_by_relation", {"leaderboard": "v2"}, [
        ("Average", "v2", "adapter", "LlamaForCausalLM", 1, -3.0, -3.0, 0.0),
        ("Average", "v2", "finetune", "LlamaForCausalLM", 1, 2.0, 2.0, 1.0),
        ("Average", "v2", "finetune", "MistralForCausalLM", 1, -2.58, -2.58, 0.0),
    ]),
    ("accuracy_delta_by_relation", {"benchmark": "ARC", "leaderboard": "v2"}, []),
    ("accuracy_delta_vs_root", {}, [
        ("ARC", "v1", 1, 3, -1.0, 1.0, 0.333333),
        ("Average", "v1", 1, 4, 4.0, 3.75, 1.0),
        ("Average", "v1", 2, 3, 3.0, 2.666667, 1.0),
        ("Average", "v2", 1, 3, -2.58, -1.193333, 0.333333),
    ]),
    ("accuracy_vs_size_change", {}, [
        ("v1", "finetune", "larger", 1, 1.5, -1.0, -1.0, 0.0),
        ("v1", "finetune", "same", 3, 1.0, 3.0, 2.333333, 0.666667),
        ("v1", "finetune", "smaller", 1, 0.9, 2.0, 2.0, 1.0),
        ("v1", "merge", "same", 2, 1.0, 3.5, 3.5, 1.0),
        ("v2", "adapter", "smaller", 1, 0.005714, -3.0, -3.0, 0.0),
        ("v2", "finetune", "same", 2, 1.0, -0.29, -0.29, 0.5),
    ]),
    ("accuracy_vs_size_change", {"tolerance": 0.2, "leaderboard": "v1"}, [
        ("v1", "finetune", "larger", 1, 1.5, -1.0, -1.0, 0.0),
        ("v1", "finetune", "same", 4, 1.0, 2.5, 2.25, 0.75),
        ("v1", "merge", "same", 2, 1.0, 3.5, 3.5, 1.0),
    ]),
    ("family_best_score_over_time", {"model": "meta/llama-7b"}, [
        ("v1", "2023-02", 2, 42.0, 42.0, "meta/llama-7b-chat"),
        ("v1", "2023-03", 3, 45.0, 45.0, "alice/llama-ft"),
        ("v1", "2023-06", 1, 41.0, 45.0, "alice/llama-ft"),
        ("v2", "2023-02", 1, 8.0, 8.0, "meta/Llama-7B"),
        ("v2", "2023-03", 2, 10.0, 10.0, "alice/llama-ft"),
    ]),
    ("family_best_score_over_time", {"model": "meta/llama-7b", "benchmark": "ARC"}, [
        ("v1", "2023-02", 2, 45.0, 45.0, "meta/Llama-7B"),
        ("v1", "2023-03", 1, 50.0, 50.0, "alice/llama-ft"),
    ]),
    ("scored_pairs", {"benchmark": "ARC"}, [
        ("alice/llama-ft", "meta/Llama-7B", "finetune", "LlamaForCausalLM", "ARC", "v1",
         50.0, 45.0, 5.0, 1.0, 1),
        ("alice/mistral-ft", "mistralai/Mistral-7B", "finetune", "MistralForCausalLM", "ARC", "v1",
         57.0, 58.0, -1.0, 1.0, 1),
        ("meta/llama-7b-chat", "meta/Llama-7B", "finetune", "LlamaForCausalLM", "ARC", "v1",
         44.0, 45.0, -1.0, 0.9, 1),
    ]),
    # parents: a merge is a pair per parent, and not a single-parent derivative.
    ("scored_pairs", {}, [
        ("alice/llama-ft", "meta/Llama-7B", "finetune", "LlamaForCausalLM", "Average", "v1",
         45.0, 40.0, 5.0, 1.0, 1),
        ("alice/mistral-ft", "mistralai/Mistral-7B", "finetune", "MistralForCausalLM", "Average",
         "v1", 58.0, 55.0, 3.0, 1.0, 1),
        ("bob/llama-chat-ft", "meta/llama-7b-chat", "finetune", "LlamaForCausalLM", "Average",
         "v1", 41.0, 42.0, -1.0, 1.0, 1),
        ("bob/llama-ft-ft", "alice/llama-ft", "finetune", "LlamaForCausalLM", "Average", "v1",
         44.0, 45.0, -1.0, 1.5, 1),
        ("bob/mistral-merge", "alice/mistral-ft", "merge", "MistralForCausalLM", "Average", "v1",
         60.0, 58.0, 2.0, 1.0, 2),
        ("bob/mistral-merge", "mistralai/Mistral-7B", "merge", "MistralForCausalLM", "Average",
         "v1", 60.0, 55.0, 5.0, 1.0, 2),
        ("meta/llama-7b-chat", "meta/Llama-7B", "finetune", "LlamaForCausalLM", "Average", "v1",
         42.0, 40.0, 2.0, 0.9, 1),
        ("thebloke/llama-ft-GGUF", "alice/llama-ft", "quantized", "LlamaForCausalLM", "Average",
         "v1", 43.0, 45.0, -2.0, None, 1),
        ("alice/llama-ft", "meta/Llama-7B", "finetune", "LlamaForCausalLM", "Average", "v2",
         10.0, 8.0, 2.0, 1.0, 1),
        ("alice/mistral-ft", "mistralai/Mistral-7B", "finetune", "MistralForCausalLM", "Average",
         "v2", 12.0, 14.58, -2.58, 1.0, 1),
        ("carol/llama-lora", "meta/Llama-7B", "adapter", "LlamaForCausalLM", "Average", "v2",
         5.0, 8.0, -3.0, 0.005714, 1),
    ]),
    # onFront, onArchitectureFront, onFrontWhenReleased, per board. v1: bob/gemma-ft is alone in
    # its architecture but beaten by the smaller Mistrals; meta/llama-7b-chat led among the models
    # of 2023-02 (the larger meta/Llama-7B scores less); the Mistrals each led when released.
    # v2 (0-50 scale): the 40M carol/llama-lora leads its board's front and is nobody's rival on v1.
    ("size_accuracy_frontier", {}, [
        ("v1", "thebloke/llama-ft-GGUF", "LlamaForCausalLM", 3500000000, 43.0, "2023-03",
         True, True, True),
        ("v1", "meta/llama-7b-chat", "LlamaForCausalLM", 6300000000, 42.0, "2023-02",
         False, False, True),
        ("v1", "bob/llama-chat-ft", "LlamaForCausalLM", 6300000000, 41.0, "2023-06",
         False, False, False),
        ("v1", "alice/llama-ft", "LlamaForCausalLM", 7000000000, 45.0, "2023-03", True, True, True),
        ("v1", "meta/Llama-7B", "LlamaForCausalLM", 7000000000, 40.0, "2023-02",
         False, False, False),
        ("v1", "bob/mistral-merge", "MistralForCausalLM", 7200000000, 60.0, "2023-11",
         True, True, True),
        ("v1", "alice/mistral-ft", "MistralForCausalLM", 7200000000, 58.0, "2023-10",
         False, False, True),
        ("v1", "mistralai/Mistral-7B", "MistralForCausalLM", 7200000000, 55.0, "2023-09",
         False, False, True),
        ("v1", "bob/gemma-ft", "GemmaForCausalLM", 8500000000, 50.0, "2024-03", False, True, False),
        ("v1", "bob/llama-ft-ft", "LlamaForCausalLM", 10500000000, 44.0, "2023-03",
         False, False, False),
        ("v2", "carol/llama-lora", "LlamaForCausalLM", 40000000, 5.0, "2023-03", True, True, True),
        ("v2", "alice/llama-ft", "LlamaForCausalLM", 7000000000, 10.0, "2023-03",
         True, True, True),
        ("v2", "meta/Llama-7B", "LlamaForCausalLM", 7000000000, 8.0, "2023-02", False, False, True),
        ("v2", "mistralai/Mistral-7B", "MistralForCausalLM", 7200000000, 14.58, "2023-09",
         True, True, True),
        ("v2", "alice/mistral-ft", "MistralForCausalLM", 7200000000, 12.0, "2023-10",
         False, False, False),
    ]),
    ("contributors_per_model", {}, [(1, 10, 0.833333), (2, 2, 0.166667)]),
    ("contributor_summary", {}, [(12, 1.166667, 1.0, 2, 0.833333)]),
    ("top_contributors", {"limit": 4}, [
        ("bob", "hub", False, 5, 6, 2, "2023-03-09", "2024-03-01", ["alice", "bob"]),
        ("metadev", "hub", False, 2, 7, 1, "2023-02-01", "2023-02-21", ["meta"]),
        ("alice", "hub", False, 2, 4, 1, "2023-03-05", "2023-10-01", ["alice"]),
        ("carol", "hub", False, 2, 2, 1, "2023-03-10", "2023-06-01", ["carol"]),
    ]),
    ("top_contributors", {"includeBots": True, "limit": 2}, [
        ("bob", "hub", False, 5, 6, 2, "2023-03-09", "2024-03-01", ["alice", "bob"]),
        ("SFconvertbot", "hub", True, 3, 3, 3, "2023-03-21", "2023-09-02",
         ["meta", "mistralai", "thebloke"]),
    ]),
    ("growth_per_month", {}, [
        ("2023-02", 2, 2, 1, 1, 1, 1, 1),
        ("2023-03", 4, 6, 4, 4, 5, 4, 5),
        ("2023-06", 2, 8, 1, 0, 5, 0, 5),
        ("2023-09", 1, 9, 0, 1, 6, 1, 6),
        ("2023-10", 1, 10, 1, 1, 7, 0, 6),
        ("2023-11", 1, 11, 1, 0, 7, 0, 6),
        ("2024-03", 1, 12, 1, 0, 7, 0, 6),
    ]),
    ("popularity_vs_parent", {}, [
        ("adapter", 1, 50.0, 1000.0, 5.0, 100.0, 0.0),
        ("finetune", 5, 100.0, 1000.0, 10.0, 100.0, 0.0),
        ("merge", 2, 5.0, 1050.0, 0.0, 105.0, 0.0),
        ("quantized", 1, 3000.0, 200.0, 30.0, 20.0, 1.0),
    ]),
    ("time_to_first_derivative", {}, [
        ("meta/Llama-7B", "2023-02-01", "meta/llama-7b-chat", "2023-02-20", 19, 3, 0, []),
        ("alice/llama-ft", "2023-03-05", "thebloke/llama-ft-GGUF", "2023-03-20", 15, 2, 0, []),
        ("mistralai/Mistral-7B", "2023-09-01", "alice/mistral-ft", "2023-10-01", 30, 2, 0, []),
        ("alice/mistral-ft", "2023-10-01", "bob/mistral-merge", "2023-11-05", 35, 1, 0, []),
        ("meta/llama-7b-chat", "2023-02-20", "bob/llama-chat-ft", "2023-06-15", 115, 1, 0, []),
    ]),
    ("org_flows", {}, [
        ("alice", "bob", 2, 1, 0, 0, 1),
        ("alice", "thebloke", 1, 0, 0, 1, 0),
        ("meta", "alice", 1, 1, 0, 0, 0),
        ("meta", "bob", 1, 1, 0, 0, 0),
        ("meta", "carol", 1, 0, 1, 0, 0),
        ("mistralai", "alice", 1, 1, 0, 0, 0),
        ("mistralai", "bob", 1, 0, 0, 0, 1),
    ]),
    ("org_flows", {"includeSameOrg": True, "limit": 2}, [
        ("alice", "bob", 2, 1, 0, 0, 1),
        ("alice", "thebloke", 1, 0, 0, 1, 0),
    ]),
    ("openness_spectrum", {}, [
        ("custom/restricted", "manual", 1, 1, 3, 6, 3.0, 3.0, 1.0, 4),
        ("permissive", "false", 2, 1, 2, 2, 1.0, 2.0, 1.0, 3),
        ("unknown", "unknown", 1, 1, 1, 1, 1.0, 1.0, 0.0, 1),
    ]),
    ("openness_spectrum", {"byGating": False}, [
        ("custom/restricted", None, 1, 1, 3, 6, 3.0, 3.0, 1.0, 4),
        ("permissive", None, 2, 1, 2, 2, 1.0, 2.0, 1.0, 3),
        ("unknown", None, 1, 1, 1, 1, 1.0, 1.0, 0.0, 1),
    ]),
    # Worked out by hand: llama2 (custom/restricted, Meta's two gated manual) above apache-2.0
    # (permissive) is looser; cc-by-nc-4.0 below apache-2.0 or llama2 stricter; every derivative
    # but the gemma stub's child is gated false; alice/old-llama is deleted, the gemma stub unknown.
    ("licence_drift", {}, [
        ("alice/llama-ft", "meta/Llama-7B", 1, ["finetune"], ["alice/llama-ft", "meta/Llama-7B"],
         "apache-2.0", "permissive", "llama2", "custom/restricted", "false", "manual",
         ["looser", "ungated"], True),
        ("carol/llama-lora", "meta/Llama-7B", 1, ["adapter"],
         ["carol/llama-lora", "meta/Llama-7B"], "apache-2.0", "permissive", "llama2",
         "custom/restricted", "false", "manual", ["looser", "ungated"], True),
        ("bob/llama-chat-ft", "meta/llama-7b-chat", 1, ["finetune"],
         ["bob/llama-chat-ft", "meta/llama-7b-chat"], "llama2", "custom/restricted", "llama2",
         "custom/restricted", "false", "manual", ["ungated"], True),
        ("bob/llama-chat-ft", "meta/Llama-7B", 2, ["finetune", "finetune"],
         ["bob/llama-chat-ft", "meta/llama-7b-chat", "meta/Llama-7B"], "llama2",
         "custom/restricted", "llama2", "custom/restricted", "false", "manual", ["ungated"], True),
        ("thebloke/llama-ft-GGUF", "meta/Llama-7B", 2, ["quantized", "finetune"],
         ["thebloke/llama-ft-GGUF", "alice/llama-ft", "meta/Llama-7B"], None, "unknown",
         "llama2", "custom/restricted", "false", "manual", ["ungated"], True),
        ("bob/llama-ft-ft", "meta/Llama-7B", 2, ["finetune", "finetune"],
         ["bob/llama-ft-ft", "alice/llama-ft", "meta/Llama-7B"], "cc-by-nc-4.0",
         "non-commercial", "llama2", "custom/restricted", "false", "manual",
         ["stricter", "ungated"], True),
        ("bob/llama-ft-ft", "alice/llama-ft", 1, ["finetune"],
         ["bob/llama-ft-ft", "alice/llama-ft"], "cc-by-nc-4.0", "non-commercial", "apache-2.0",
         "permissive", "false", "false", ["stricter"], False),
    ]),
    # 13 pairs over 9 derivatives: 10 with both categories known (the GGUF's and the gemma
    # stub's pairs are not), 7 below a gated ancestor with the derivative's gating stated; no
    # 'other' licence, no gated derivative below an ungated ancestor; 7 pairs drift.
    ("licence_drift_summary", {"by": "all"}, [
        ("all", "all", 13, 10, 2, 2, 0, 7, 6, 0, 6, 7, 9, 5, 0.2, 0.857143),
    ]),
    # 12 described models (the gemma stub and the deleted alice/old-llama left out), 9 with a parent
    ("coverage", {}, [
        ("createdAt", 12, 12, 9, 9), ("parameters", 12, 12, 9, 9),
        ("architecture", 12, 10, 9, 7), ("license", 12, 11, 9, 8), ("datasets", 12, 4, 9, 4),
        ("commits", 12, 12, 9, 9), ("organization", 12, 12, 9, 9), ("downloads", 12, 12, 9, 9),
        ("gated", 12, 12, 9, 9),
    ]),
    ("top_datasets", {}, [
        ("OpenAssistant/oasst1", 3, 3, 3),
        ("tatsu-lab/alpaca", 2, 2, 1),
    ]),
    ("accuracy_delta_by_dataset_count", {}, [
        ("v1", 0, 4, 0.5, 1.0, 0.5),
        ("v1", 1, 3, 2.0, 1.333333, 0.666667),
        ("v1", 2, 1, 5.0, 5.0, 1.0),
        ("v2", 0, 1, -3.0, -3.0, 0.0),
        ("v2", 1, 1, -2.58, -2.58, 0.0),
        ("v2", 2, 1, 2.0, 2.0, 1.0),
    ]),
    ("score_coverage", {}, [("v1", "Average", 10, 13), ("v2", "Average", 5, 13)]),
    ("score_coverage", {"benchmark": "ARC", "leaderboard": "v1"}, [("v1", "ARC", 5, 13)]),
    ("graph_stats", {}, [
        ("label", "Model", 14), ("label", "Organization", 6), ("label", "Contributor", 8),
        ("label", "Architecture", 3), ("label", "License", 5), ("label", "Dataset", 2),
        ("label", "Benchmark", 3), ("label", "LoadRun", 2), ("label", "Schema", 1),
        ("relationship", "PUBLISHED", 13), ("relationship", "COMMITTED_TO", 18),
        ("relationship", "HAS_ARCHITECTURE", 11), ("relationship", "DERIVED_FROM", 11),
        ("relationship", "LICENSED_UNDER", 12), ("relationship", "TRAINED_ON", 5),
        ("relationship", "SCORED", 20), ("models", "stub", 1), ("models", "deleted", 1),
        ("loadRuns", "complete", 1), ("loadRuns", "failed", 1), ("loadRuns", "recordsIn", 25),
        ("loadRuns", "loaded", 18), ("loadRuns", "rejected", 2),
    ]),
    ("family_edges", {"model": "mistralai/mistral-7b"}, [
        ("alice/mistral-ft", "mistralai/Mistral-7B", "finetune", "2023-10-01", 7200000000, "alice",
         False, None),
        ("bob/mistral-merge", "alice/mistral-ft", "merge", "2023-11-05", 7200000000, "bob",
         False, None),
        ("bob/mistral-merge", "mistralai/Mistral-7B", "merge", "2023-11-05", 7200000000, "bob",
         False, None),
    ]),
    ("family_edges", {"model": "alice/mistral-ft"}, [
        ("bob/mistral-merge", "alice/mistral-ft", "merge", "2023-11-05", 7200000000, "bob",
         False, None),
    ]),
    ("org_neighbourhood", {"org": "THEBLOKE"}, [
        ("thebloke/llama-ft-GGUF", "alice/llama-ft", "quantized", "thebloke", "alice"),
    ]),
    ("org_neighbourhood", {"org": "mistralai"}, [
        ("alice/mistral-ft", "mistralai/Mistral-7B", "finetune", "alice", "mistralai"),
        ("bob/mistral-merge", "mistralai/Mistral-7B", "merge", "bob", "mistralai"),
    ]),
    # The subgraph hops (internal reads) key rows by the case-folded id; unknown keys are
    # skipped, deleted models kept.
    ("read/child_links", {"keys": ["META/llama-7b", "alice/llama-ft", "nobody/nothing"]}, [
        ("alice/llama-ft", "meta/llama-7b", "finetune", "card", "explicit",
         False, None, None, None, None),
        ("alice/old-llama", "meta/llama-7b", "finetune", "card", "explicit",
         False, None, None, None, None),
        ("bob/llama-ft-ft", "alice/llama-ft", "finetune", "card", "explicit",
         False, None, None, None, None),
        ("carol/llama-lora", "meta/llama-7b", "adapter", "card", "explicit",
         False, None, None, None, None),
        ("meta/llama-7b-chat", "meta/llama-7b", "finetune", "card", "explicit",
         False, None, None, None, None),
        ("thebloke/llama-ft-gguf", "alice/llama-ft", "quantized", "card", "explicit",
         False, None, None, None, None),
    ]),
    ("read/child_links", {"keys": ["meta/llama-7b", "alice/llama-ft"],
                      "relations": ["adapter", "quantized"]}, [
        ("carol/llama-lora", "meta/llama-7b", "adapter", "card", "explicit",
         False, None, None, None, None),
        ("thebloke/llama-ft-gguf", "alice/llama-ft", "quantized", "card", "explicit",
         False, None, None, None, None),
    ]),
    ("read/child_links", {"keys": ["bob/gemma-ft"]}, []),
    ("read/parent_links", {"keys": ["Bob/Mistral-Merge", "bob/gemma-ft", "meta/llama-7b"]}, [
        ("bob/gemma-ft", "google/gemma-7b", "finetune", "card", "explicit",
         False, None, None, None, None),
        ("bob/mistral-merge", "alice/mistral-ft", "merge", "card", "explicit",
         False, None, None, None, None),
        ("bob/mistral-merge", "mistralai/mistral-7b", "merge", "card", "explicit",
         False, None, None, None, None),
    ]),
    ("read/parent_links", {"keys": ["bob/mistral-merge", "bob/gemma-ft"],
                           "relations": ["finetune"]}, [
        ("bob/gemma-ft", "google/gemma-7b", "finetune", "card", "explicit",
         False, None, None, None, None),
    ]),
    ("read/model_details", {"keys": ["Meta/Llama-7B", "thebloke/llama-ft-GGUF", "google/gemma-7b",
                             "alice/old-llama", "nobody/nothing"]}, [
        ("alice/old-llama", "alice/old-llama", "alice", "LlamaForCausalLM", 7000000000,
         "apache-2.0", 0, 0, "2023-05-01T00:00:00Z", False, True, False, []),
        ("google/gemma-7b", "google/gemma-7b", None, None, None, None, None, None, None,
         True, False, False, []),
        ("meta/llama-7b", "meta/Llama-7B", "meta", "LlamaForCausalLM", 7000000000, "llama2",
         1000, 100, "2023-02-01T00:00:00Z", False, False, False,
         [{"leaderboard": "v1", "score": 40.0}, {"leaderboard": "v2", "score": 8.0}]),
        ("thebloke/llama-ft-gguf", "thebloke/llama-ft-GGUF", "thebloke", None, 3500000000, None,
         3000, 30, "2023-03-20T00:00:00Z", False, False, False,
         [{"leaderboard": "v1", "score": 43.0}]),
    ]),
    ("read/org_models", {"org": "ALICE"}, [
        ("alice", "alice/llama-ft"), ("alice", "alice/mistral-ft"), ("alice", "alice/old-llama"),
    ]),
    ("read/org_models", {"org": "nobody"}, []),
]


# Queries without an ORDER BY (their callers do not need one): rows compared in sorted order.
UNORDERED = {"read/child_links", "read/parent_links", "read/model_details"}


def test_every_query_has_an_expected_answer() -> None:
    assert {name for name, _, _ in EXPECTED if "/" not in name} == set(registry())


@pytest.mark.parametrize(("name", "params", "rows"), EXPECTED,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(EXPECTED)])
def test_query_returns_expected_rows(small: neo4j.Driver, database: str, name: str,
                                     params: dict[str, Any], rows: list[tuple[Any, ...]]) -> None:
    got = run(small, database, name, **params)
    if name in UNORDERED:
        got = sorted(got, key=repr)
        assert rows == sorted(rows, key=repr), "write unordered rows sorted"
    assert got == rows


def test_frontier_with_an_undated_model_and_no_architecture(small: neo4j.Driver,
                                                            database: str) -> None:
    """An undated model leads every front it can be on but is no rival at release time; models
    without an architecture form one group. Added in a transaction that is rolled back."""
    q = registry()["size_accuracy_frontier"]
    with small.session(database=database) as session, session.begin_transaction() as tx:
        tx.run("MATCH (b:Benchmark {key: 'v1:Average'}) "
               "CREATE (:Model {key: 'dave/undated', id: 'dave/undated', parameters: 1000000000})"
               "-[:SCORED {score: 70.0}]->(b), "
               "(:Model {key: 'dave/dated', id: 'dave/dated', parameters: 2000000000, "
               "createdAt: datetime('2023-01-15T00:00:00Z')})-[:SCORED {score: 30.0}]->(b)")
        rows = tx.run(q.text, q.bind({"leaderboard": "v1"})).data()
        tx.rollback()
    flags = {r["model"]: (r["onFront"], r["onArchitectureFront"], r["onFrontWhenReleased"])
             for r in rows}
    assert [r["model"] for r in rows][:2] == ["dave/undated", "dave/dated"]
    assert rows[0]["month"] is None and rows[0]["architecture"] is None
    assert flags == {
        "dave/undated": (True, True, None),
        "dave/dated": (False, False, True),
        "thebloke/llama-ft-GGUF": (False, True, True),
        "meta/llama-7b-chat": (False, False, True),
        "bob/llama-chat-ft": (False, False, False),
        "alice/llama-ft": (False, True, True),
        "meta/Llama-7B": (False, False, False),
        "bob/mistral-merge": (False, True, True),
        "alice/mistral-ft": (False, False, True),
        "mistralai/Mistral-7B": (False, False, True),
        "bob/gemma-ft": (False, True, False),
        "bob/llama-ft-ft": (False, False, False),
    }


def test_architectures_rank_by_contributions_and_count_a_cross_merge_once(
        small: neo4j.Driver, database: str) -> None:
    """A merge of a Llama and a Mistral base counts in both architectures' rows but once in
    derivative_counts and derivatives_per_month; three more human committers (and a bot) to
    alice/mistral-ft rank Mistral first by contributors while Llama keeps the most derivatives
    and commits. Added in a rolled-back transaction."""
    arch, counts = registry()["top_architectures"], registry()["derivative_counts"]
    with small.session(database=database) as session, session.begin_transaction() as tx:
        tx.run("MATCH (l:Model {key: 'meta/llama-7b'}), (m:Model {key: 'mistralai/mistral-7b'}) "
               "CREATE (x:Model {key: 'dave/cross-merge', id: 'dave/cross-merge', "
               "createdAt: datetime('2030-01-02T00:00:00Z')}), "
               "(x)-[:DERIVED_FROM {relation: 'merge'}]->(l), "
               "(x)-[:DERIVED_FROM {relation: 'merge'}]->(m) "
               "WITH 1 AS one MATCH (ft:Model {key: 'alice/mistral-ft'}) "
               "UNWIND ['dave', 'erin', 'frank', 'mergebot'] AS name "
               "CREATE (:Contributor {key: 'hub:' + name, name: name, kind: 'hub', "
               "isBot: name ENDS WITH 'bot'})-[:COMMITTED_TO {commits: 2}]->(ft)")
        by = {rank: tx.run(arch.text, arch.bind({"rankBy": rank})).data()
              for rank in ("derivatives", "contributors", "commits")}
        total = tx.run(counts.text, counts.bind({})).single()
        month = registry()["derivatives_per_month"]
        monthly = tx.run(month.text, month.bind({"since": "2030-01"})).values()
        tx.rollback()
    assert monthly == [["2030-01", "merge", "LlamaForCausalLM", 1]]
    rows = {r["architecture"]: r for r in by["derivatives"]}
    assert rows["LlamaForCausalLM"]["merges"] == rows["MistralForCausalLM"]["merges"] - 1 == 1
    assert (rows["MistralForCausalLM"]["contributors"], rows["MistralForCausalLM"]["commits"]) \
        == (3 + 3, 3 + 6)
    assert [r["architecture"] for r in by["derivatives"]] == \
        ["LlamaForCausalLM", "MistralForCausalLM", None]
    assert [r["architecture"] for r in by["contributors"]] == \
        ["MistralForCausalLM", "LlamaForCausalLM", None]
    assert [r["architecture"] for r in by["commits"]] == \
        ["LlamaForCausalLM", "MistralForCausalLM", None]
    assert (total["derivatives"], total["merges"]) == (10, 2)
    assert rows["LlamaForCausalLM"]["derivatives"] + rows["MistralForCausalLM"]["derivatives"] \
        == total["derivativesWithArchitecture"] + 1


# Queries that read scores, with the anchor they need. graph_stats only counts SCORED edges;
# coverage counts per board, each labelled.
SCORE_QUERIES = {name: {"model": "meta/llama-7b"} if "model" in {p.name for p in q.params} else {}
                 for name, q in registry().items()
                 if ":SCORED" in q.text and name not in {"graph_stats", "coverage"}}


def test_score_queries_take_a_leaderboard_and_tag_every_row() -> None:
    assert {"accuracy_delta_by_relation", "accuracy_delta_vs_root", "accuracy_vs_size_change",
            "family_best_score_over_time", "scored_pairs", "size_accuracy_frontier",
            "accuracy_delta_by_dataset_count", "score_coverage"} <= set(SCORE_QUERIES)
    for name, anchor in SCORE_QUERIES.items():
        q = registry()[name]
        board = next(p for p in q.params if p.name == "leaderboard")
        assert (board.choices, board.default, board.required) == (("v1", "v2"), None, False), name
        assert "leaderboard" in q.columns, name
        with pytest.raises(QueryParameterError, match="v1, v2"):
            q.bind({**anchor, "leaderboard": "v3"})


@pytest.mark.parametrize("name", sorted(SCORE_QUERIES))
def test_boards_are_never_pooled(small: neo4j.Driver, database: str, name: str) -> None:
    """With both boards in the graph, a null $leaderboard gives exactly each board's own rows."""
    anchor = SCORE_QUERIES[name]
    both = run(small, database, name, **anchor)
    each = [run(small, database, name, leaderboard=b, **anchor) for b in ("v1", "v2")]
    column = registry()[name].columns.index("leaderboard")
    assert sorted(both, key=repr) == sorted(each[0] + each[1], key=repr)
    assert [{r[column] for r in rows} for rows in each] == [{"v1"}, {"v2"}]
