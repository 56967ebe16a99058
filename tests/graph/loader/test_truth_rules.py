"""Issue "Truth in the graph": exact relation rules, typed tags authoritative, organizations for
stubs, leaderboard ties, junk values, file evidence, and rule fixes that reach existing graphs."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest

from hflineage import RULES_TAG, SCHEMA_VERSION
from hflineage.analytics import run_cypher, run_query
from hflineage.db.schema import init_schema, schema_versions
from hflineage.errors import SchemaVersionError
from hflineage.loader import load_commit_records, load_leaderboard, load_model_records
from hflineage.loader.normalize.rules import (
    NOT_TYPED,
    file_evidence,
    is_bot,
    name_parameters,
    normalize_model,
    quantized_name,
)


def relation_of(record: dict[str, Any]) -> str:
    rows = normalize_model({"cardData": {"base_model": "org/base"}, **record}).parents
    assert len(rows) == 1
    return str(rows[0]["relation"])


# 1. size tokens are never quantization evidence -----------------------------------------------

@pytest.mark.parametrize("model_id", [
    "sail/Sailor-4B-Chat", "me/Foo-4B-Chat", "me/gemma-3-4b-it-sft", "me/Qwen1.5-4B-Chat-ft",
    "me/Llama-3-8b-instruct", "me/phi-1.5b", "me/hawq-model", "me/q4-notes",
])
def test_size_tokens_are_not_quantization(model_id: str) -> None:
    assert not quantized_name(model_id)
    assert relation_of({"id": model_id}) == "finetune"


@pytest.mark.parametrize("record", [
    {"id": "me/x", "tags": ["gguf"]}, {"id": "me/x", "tags": ["gptq"]},
    {"id": "me/x", "tags": ["awq"]}, {"id": "me/x", "tags": ["exl2"]},
    {"id": "me/x", "tags": ["4-bit"]}, {"id": "me/x", "tags": ["8-bit"]},
    {"id": "me/x", "config": {"quantization_config": {"bits": 4, "quant_method": "gptq"}}},
    {"id": "me/x", "siblings": [{"rfilename": "README.md"}, {"rfilename": "x.Q4_K_M.gguf"}]},
    {"id": "me/Llama-2-7B-GGUF"}, {"id": "me/Llama-2-7B-AWQ"}, {"id": "me/Llama-2-7B-GPTQ"},
    {"id": "me/Llama-2-7B-4bit"}, {"id": "me/x_-_Yi-6b-8bits"}, {"id": "me/Llama-2-7B-Q4_K_M"},
    {"id": "me/m-exl2-4.0bpw"},
])
def test_real_quantization_evidence(record: dict[str, Any]) -> None:
    assert relation_of(record) == "quantized"


@pytest.mark.parametrize("record,relation", [
    ({"id": "me/x", "library_name": "peft"}, "adapter"),
    ({"id": "me/x", "tags": ["qlora"]}, "adapter"),
    ({"id": "me/x", "tags": ["adapter-transformers"]}, "adapter"),
    ({"id": "me/x", "siblings": [{"rfilename": "adapter_config.json"}]}, "adapter"),
    ({"id": "me/x", "siblings": [{"rfilename": "mergekit_config.yml"}]}, "merge"),
    ({"id": "me/x", "siblings": [{"rfilename": "model.safetensors"}]}, "finetune"),
])
def test_adapter_and_file_evidence(record: dict[str, Any], relation: str) -> None:
    assert relation_of(record) == relation


def test_file_evidence_is_a_small_list_on_the_model() -> None:
    siblings = [{"rfilename": "a/b.Q8_0.gguf"}, {"rfilename": "adapter_config.json"},
                {"rfilename": "mergekit_config.yaml"}, {"rfilename": "config.json"}, "junk", {}]
    assert file_evidence(siblings) == ["adapter_config", "gguf", "mergekit"]
    assert normalize_model({"id": "a/b", "siblings": siblings}).model["fileEvidence"] == [
        "adapter_config", "gguf", "mergekit"]
    assert normalize_model({"id": "a/b", "siblings": []}).model["fileEvidence"] is None
    assert normalize_model({"id": "a/b"}).model["fileEvidence"] is None


# 2. typed tags are authoritative ----------------------------------------------------------------

def test_typed_tags_define_the_parents() -> None:
    out = normalize_model({
        "id": "me/child",
        "tags": ["base_model:finetune:microsoft/phi-4", "base_model:microsoft/phi-4",
                 "base_model:meta-llama/Llama-2-7b-hf"],
        "cardData": {"base_model": ["microsoft/phi-4", "mistralai/Mistral-7B-v0.1",
                                    "google/gemma-7b"]}})
    assert [(p["parentId"], p["relation"], p["relationSource"]) for p in out.parents] == [
        ("microsoft/phi-4", "finetune", "explicit")]
    dropped = sorted((i.field, i.value) for i in out.issues if i.reason == NOT_TYPED)
    assert dropped == [("cardData.base_model", "google/gemma-7b"),
                       ("cardData.base_model", "mistralai/Mistral-7B-v0.1"),
                       ("tag", "meta-llama/Llama-2-7b-hf")]


def test_without_typed_tags_legacy_and_card_still_count() -> None:
    out = normalize_model({"id": "me/m", "tags": ["base_model:a/x"],
                           "cardData": {"base_model": ["a/y"]}})
    assert {p["parentId"]: p["relation"] for p in out.parents} == {"a/x": "merge",
                                                                   "a/y": "merge"}
    assert out.issues == []


# 5. junk values ---------------------------------------------------------------------------------

def test_generator_and_builder_names_are_dataset_placeholders() -> None:
    out = normalize_model({"id": "a/b", "tags": ["dataset:generator"],
                           "cardData": {"datasets": ["imagefolder", "real/data", "Generator"]}})
    assert [d["id"] for d in out.datasets] == ["real/data"]
    assert sorted(i.value for i in out.issues) == ["Generator", "generator", "imagefolder"]
    assert all(i.reason.startswith("placeholder") for i in out.issues)


@pytest.mark.parametrize("name,bot", [
    ("Limerobot", False), ("AlanRobotics", False), ("robotics-lab", False), ("abbot", False),
    ("librarian-bot", True), ("01-ai-bot", True), ("my_bot", True), ("renovate[bot]", True),
    ("SFconvertbot", True), ("system", True), ("DumBot", True),
])
def test_bots_on_tokens(name: str, bot: bool) -> None:
    assert is_bot(name) is bot


@pytest.mark.parametrize("model_id,size", [
    ("meta-llama/Llama-2-7b-hf", 7e9), ("Qwen/Qwen1.5-1.8B-Chat", 1.8e9),
    ("Weyaxi/Bagel-Hermes-2x34B", 68e9), ("facebook/opt-125m", 125e6), ("gpt2", None),
    ("tiiuae/falcon-7b1", None), ("charlesli/llama_2_7b_llama_3_70b_sft_full", None),
    ("me/Llama-2-7b-chat-7B", 7e9),
])
def test_size_in_the_name(model_id: str, size: float | None) -> None:
    assert name_parameters(model_id) == (round(size) if size else None)


# against the graph ----------------------------------------------------------------------------

def one(driver: neo4j.Driver, query: str, **params: Any) -> Any:
    records, _, _ = driver.execute_query(query, params)
    return records[0][0] if records else None


def _load(driver: neo4j.Driver, database: str, tmp_path: Path, records: list[Any]) -> None:
    load_model_records(driver, records, source="t", database=database,
                       rejects=tmp_path / "r.jsonl")


def test_stub_parents_commit_and_leaderboard_stubs_get_their_organization(
        graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    _load(graph, database, tmp_path, [
        {"id": "me/child", "cardData": {"base_model": "Meta-Llama/Llama-2-7b-hf"}},
        {"id": "me/other", "cardData": {"base_model": "meta-llama/Llama-2-13b-hf"}}])
    load_commit_records(graph, [{"model": "someone/only-commits", "commit_id": "c1",
                                 "authors": ["alice"]}], source="t", database=database,
                        rejects=tmp_path / "c.jsonl")
    published = {r["m"]: r["o"] for r in graph.execute_query(
        "MATCH (o:Organization)-[:PUBLISHED]->(m:Model) RETURN m.key AS m, o.name AS o")[0]}
    assert published == {"me/child": "me", "me/other": "me",
                         "meta-llama/llama-2-7b-hf": "Meta-Llama",
                         "meta-llama/llama-2-13b-hf": "Meta-Llama",
                         "someone/only-commits": "someone"}
    flows = run_query(graph, "org_flows", {"limit": 10}, database=database)
    assert flows.loc[0, ["derivatives"]].tolist() == [2]
    _load(graph, database, tmp_path, [{"id": "Meta-Llama/Llama-2-7b-hf", "downloads": 1},
                                      {"id": "meta-llama/Llama-2-13b-hf", "downloads": 1}])
    assert one(graph, "MATCH (o:Organization {key: 'meta-llama'}) RETURN o.name") == "meta-llama"


def test_stub_organization_goes_with_its_last_stub(graph: neo4j.Driver, database: str,
                                                   tmp_path: Path) -> None:
    _load(graph, database, tmp_path, [{"id": "me/m", "lastModified": "2023-01-01T00:00:00Z",
                                       "cardData": {"base_model": "gone/parent"}}])
    assert one(graph, "MATCH (o:Organization {key: 'gone'}) RETURN count(o)") == 1
    _load(graph, database, tmp_path, [{"id": "me/m", "lastModified": "2024-01-01T00:00:00Z"}])
    assert one(graph, "MATCH (o:Organization {key: 'gone'}) RETURN count(o)") == 0
    assert one(graph, "MATCH (m:Model {key: 'gone/parent'}) RETURN count(m)") == 0


def _leaderboard(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = ["T", "fullname", "Average ⬆️", "ARC", "HellaSwag", "MMLU", "TruthfulQA",
               "Winogrande", "GSM8K", "Type", "Architecture", "Weight type", "Precision",
               "Merged", "Hub License", "#Params (B)", "Hub ❤️", "Available on the hub",
               "Model sha", "Flagged", "MoE", "date"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


BAGEL = {"fullname": "Weyaxi/Bagel-Hermes-2x34B", "Average ⬆️": "75.1", "ARC": "69.8",
         "HellaSwag": "85.26", "MMLU": "77.24", "TruthfulQA": "64.82", "Winogrande": "84.77",
         "GSM8K": "68.69", "Architecture": "MixtralForCausalLM", "Precision": "bfloat16",
         "#Params (B)": "60", "Model sha": "d187", "Merged": "TRUE", "Flagged": "TRUE",
         "MoE": "FALSE", "date": "2024-01-12T20:56:55Z"}


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_leaderboard_tie_undated_row_is_oldest(graph: neo4j.Driver, database: str,
                                               tmp_path: Path, order: tuple[int, int]) -> None:
    undated = {**BAGEL, "fullname": "Weyaxi/Bagel-Hermes-2x34b", "Architecture": "Unknown",
               "#Params (B)": "0", "date": ""}
    rows = [BAGEL, undated]
    path = _leaderboard(tmp_path / "v1.csv", [rows[i] for i in order])
    load_leaderboard(graph, path, database=database, rejects=tmp_path / "r.jsonl")
    m = graph.execute_query("MATCH (m:Model {key: 'weyaxi/bagel-hermes-2x34b'}) "
                            "OPTIONAL MATCH (m)-[:HAS_ARCHITECTURE]->(a) "
                            "RETURN m.parameters AS p, a.name AS a")[0][0]
    assert (m["p"], m["a"]) == (60_000_000_000, "MixtralForCausalLM")


def test_parameter_flags(graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    tiny = {**BAGEL, "fullname": "me/tiny-merge", "#Params (B)": "0.007", "Average ⬆️": "50"}
    named = {**BAGEL, "fullname": "me/Llama-7B-x", "#Params (B)": "700", "Average ⬆️": "51"}
    fine = {**BAGEL, "fullname": "me/Llama-7B-y", "#Params (B)": "6.7", "Average ⬆️": "52"}
    other = {**BAGEL, "fullname": "me/plain-st", "#Params (B)": "700", "Average ⬆️": "53"}
    path = _leaderboard(tmp_path / "v1.csv", [tiny, named, fine, other])
    load_leaderboard(graph, path, database=database, rejects=tmp_path / "r.jsonl")
    _load(graph, database, tmp_path, [
        {"id": "me/st", "safetensors": {"total": 5_000_000}},
        {"id": "me/Mistral-7B-st", "safetensors": {"total": 7_241_732_096}},
        {"id": "me/plain-st", "safetensors": {"total": 7_000_000_000}}])
    flags = {r["k"]: r["f"] for r in graph.execute_query(
        "MATCH (m:Model) RETURN m.key AS k, m.parametersFlag AS f")[0]}
    assert flags == {"me/tiny-merge": "below-10M", "me/llama-7b-x": "disagrees-with-name",
                     "me/llama-7b-y": None, "me/st": "below-10M", "me/mistral-7b-st": None,
                     "me/plain-st": "disagrees-with-leaderboard"}


# rule fixes reach existing graphs -----------------------------------------------------------------

SAILOR = {"id": "sail/Sailor-4B-Chat", "lastModified": "2024-04-01T00:00:00.000Z",
          "cardData": {"base_model": "sail/Sailor-4B"}}


def _make_version_1(driver: neo4j.Driver) -> None:
    """What hflineage 0.1 with schema 1 left: its record versions and its wrong relation."""
    driver.execute_query(
        "MATCH (m:Model) WHERE m.recordVersion IS NOT NULL "
        f"SET m.recordVersion = replace(m.recordVersion, '|{RULES_TAG}|', '|') "
        "WITH m MATCH (m)-[d:DERIVED_FROM]->() SET d.relation = 'quantized'")
    driver.execute_query("MATCH (s:Schema) SET s.version = 1")
    driver.execute_query("MATCH (c:Contributor {name: 'Limerobot'}) SET c.isBot = true")


LIME = [{"model": "sail/Sailor-4B-Chat", "commit_id": "c1", "authors": ["Limerobot"]}]


def test_a_reload_re_describes_and_upgrades_a_version_1_graph(
        graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    _load(graph, database, tmp_path, [SAILOR])
    load_commit_records(graph, LIME, source="t", database=database, rejects=tmp_path / "c")
    _make_version_1(graph)
    with pytest.raises(SchemaVersionError, match=r"schema version 1.*reload its sources"):
        run_query(graph, "graph_stats", database=database)
    with pytest.raises(SchemaVersionError, match="reload"):
        run_cypher(graph, "RETURN 1 AS x", database=database)
    assert init_schema(graph, database) == 1
    assert schema_versions(graph, database) == [1]
    summary = load_model_records(graph, [SAILOR], source="t", database=database,
                                 rejects=tmp_path / "r.jsonl")
    assert summary.stale_models == 0
    assert one(graph, "MATCH (:Model {key: 'sail/sailor-4b-chat'})-[d:DERIVED_FROM]->() "
                      "RETURN d.relation") == "finetune"
    load_commit_records(graph, LIME, source="t", database=database, rejects=tmp_path / "c")
    assert one(graph, "MATCH (c:Contributor {name: 'Limerobot'}) RETURN c.isBot") is False
    assert schema_versions(graph, database) == [SCHEMA_VERSION]
    assert len(run_query(graph, "graph_stats", database=database)) > 0


def test_a_partial_reload_says_what_is_left(graph: neo4j.Driver, database: str,
                                            tmp_path: Path) -> None:
    _load(graph, database, tmp_path, [SAILOR, {"id": "other/model"}])
    _make_version_1(graph)
    summary = load_model_records(graph, [SAILOR], source="t", database=database,
                                 rejects=tmp_path / "r.jsonl")
    assert summary.stale_models == 1
    assert "1 models of this graph were loaded under older normalization rules" in (
        summary.line())
    assert schema_versions(graph, database) == [1]


def test_cli_query_on_a_version_1_graph_is_one_line(graph: neo4j.Driver, database: str,
                                                    tmp_path: Path, cli_env: dict[str, str]
                                                    ) -> None:
    from click.testing import CliRunner

    from hflineage.cli import cli

    _load(graph, database, tmp_path, [SAILOR])
    _make_version_1(graph)
    result = CliRunner().invoke(cli, ["query", "run", "graph_stats"])
    assert result.exit_code != 0
    lines = [x for x in result.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "schema version 1" in lines[0] and "Traceback" not in result.output


def test_rejects_file_names_the_typed_tag_drops(graph: neo4j.Driver, database: str,
                                                tmp_path: Path) -> None:
    summary = load_model_records(graph, [{
        "id": "me/child", "tags": ["base_model:finetune:microsoft/phi-4"],
        "cardData": {"base_model": ["microsoft/phi-4", "google/gemma-7b"]}}],
        source="t", database=database, rejects=tmp_path / "r.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [(x["value"], x["reason"]) for x in lines] == [("google/gemma-7b", NOT_TYPED)]
    assert summary.issues == 1
    assert one(graph, "MATCH (:Model {key: 'me/child'})-[d:DERIVED_FROM]->() "
                      "RETURN count(d)") == 1


def test_hub_crawl_requests_siblings_and_keeps_their_evidence(
        graph: neo4j.Driver, database: str, tmp_path: Path, cli_env: dict[str, str]) -> None:
    from click.testing import CliRunner

    from hflineage.cli import cli
    from tests.support.hubserver import LocalHub

    models = [
        {"id": "files/base", "author": "files", "lastModified": "2024-01-01T00:00:00.000Z"},
        {"id": "files/tuned-4B", "author": "files", "lastModified": "2024-02-01T00:00:00.000Z",
         "cardData": {"base_model": "files/base"},
         "siblings": [{"rfilename": "adapter_config.json"}, {"rfilename": "README.md"}]},
        {"id": "files/packed", "author": "files", "lastModified": "2024-03-01T00:00:00.000Z",
         "cardData": {"base_model": "files/base"},
         "siblings": [{"rfilename": "packed.Q5_K_M.gguf"}]}]
    with LocalHub(models, []) as hub:
        result = CliRunner().invoke(cli, ["load", "hub", "--endpoint", hub.url, "--no-progress",
                                          "--author", "files",
                                          "--snapshot-out", str(tmp_path / "crawl")])
    assert result.exit_code == 0, result.output
    got = {r["c"]: (r["rel"], r["files"]) for r in graph.execute_query(
        "MATCH (c:Model)-[d:DERIVED_FROM]->() RETURN c.key AS c, d.relation AS rel, "
        "c.fileEvidence AS files")[0]}
    assert got == {"files/tuned-4b": ("adapter", ["adapter_config"]),
                   "files/packed": ("quantized", ["gguf"])}


def test_quantized_storage_mark_leaves_a_stated_finetune_out_of_size_statistics(
        graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    _load(graph, database, tmp_path, [
        {"id": "me/base-7B", "safetensors": {"total": 7_000_000_000}},
        {"id": "me/child-7B-AWQ", "tags": ["base_model:finetune:me/base-7B"],
         "safetensors": {"total": 1_200_000_000}}])
    assert one(graph, "MATCH (m:Model {key: 'me/child-7b-awq'}) "
                      "RETURN m.quantizedStorage") is True
    pairs = run_query(graph, "size_ratio_pairs", database=database).set_index("child")
    assert pairs.loc["me/child-7B-AWQ", "relation"] == "finetune"
    assert pairs.loc["me/child-7B-AWQ", "excludedReason"] == "quantized: storage count"


def test_flagged_counts_are_never_plotted_as_real_points(graph: neo4j.Driver, database: str,
                                                          tmp_path: Path) -> None:
    _load(graph, database, tmp_path, [
        {"id": "me/base-7B", "safetensors": {"total": 7_000_000_000}},
        {"id": "me/tiny-child", "cardData": {"base_model": "me/base-7B"},
         "safetensors": {"total": 5_000_000}},
        {"id": "me/fine-child", "cardData": {"base_model": "me/base-7B"},
         "safetensors": {"total": 7_000_000_000}}])
    pairs = run_query(graph, "size_ratio_pairs", database=database).set_index("child")
    assert pairs.loc["me/tiny-child", "excludedReason"] == "suspect count: below-10M"
    assert pd.isna(pairs.loc["me/fine-child", "excludedReason"])
    hop = run_query(graph, "size_ratio_per_hop", database=database).iloc[0]
    assert (hop["pairs"], hop["excludedPairs"], hop["medianRatio"]) == (1, 1, 1.0)
    root = run_query(graph, "size_ratio_to_root", database=database).iloc[0]
    assert (root["pairs"], root["excludedPairs"]) == (1, 1)
    tiny = {**BAGEL, "fullname": "me/tiny-child", "Average ⬆️": "70"}
    ok = {**BAGEL, "fullname": "me/fine-child", "Average ⬆️": "60", "#Params (B)": "7"}
    load_leaderboard(graph, _leaderboard(tmp_path / "v1.csv", [tiny, ok]), database=database,
                     rejects=tmp_path / "r2.jsonl")
    front = run_query(graph, "size_accuracy_frontier", database=database)
    assert list(front["model"]) == ["me/fine-child"]
