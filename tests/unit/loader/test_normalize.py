"""Unit tests of the pure normalization rules (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hflineage.loader.normalize.ids import parse_id
from hflineage.loader.normalize.rules import (
    RecordError,
    is_bot,
    model_type_of,
    normalize_commit,
    normalize_model,
    parents_of,
    split_base_model_tag,
)
from hflineage.loader.normalize.vocab import license_category


def parents(record: dict) -> dict[str, tuple[str, str, str]]:
    rows = normalize_model({"id": "me/child", **record}).parents
    return {r["parentId"]: (r["relation"], r["source"], r["relationSource"]) for r in rows}


# ids -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,expected", [
    ("meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf"),
    ("  meta-llama/Llama-2-7b-hf  ", "meta-llama/Llama-2-7b-hf"),
    ("Monor/Qwen1.5-0.5B-h-world/", "Monor/Qwen1.5-0.5B-h-world"),
    ("https://huggingface.co/mistralai/Mistral-7B-v0.1", "mistralai/Mistral-7B-v0.1"),
    ("https://huggingface.co/mistralai/Mistral-7B-v0.1/tree/main", "mistralai/Mistral-7B-v0.1"),
    ("http://hf.co/mistralai/Mistral-7B-v0.1/", "mistralai/Mistral-7B-v0.1"),
    ("huggingface.co/mistralai/Mistral-7B-v0.1", "mistralai/Mistral-7B-v0.1"),
    ("gpt2", "gpt2"),
    ("bert-base-uncased", "bert-base-uncased"),
])
def test_valid_ids(raw: str, expected: str) -> None:
    assert parse_id(raw).id == expected


@pytest.mark.parametrize("raw,reason", [
    ("unknown", "placeholder"), ("None", "placeholder"), ("null", "placeholder"),
    ("N/A", "placeholder"), ("", "placeholder"), ("   ", "placeholder"),
    ("./output/checkpoint-500", "local-path"), ("/home/me/model", "local-path"),
    ("~/models/x", "local-path"), ("C:\\models\\x", "local-path"),
    ("output/checkpoint-500/final", "invalid-id"), ("org/model/blob/main/x.pth", "invalid-id"),
    ("https://github.com/org/repo", "non-hub-url"), ("s3://bucket/model", "non-hub-url"),
    ("https://huggingface.co/datasets/org/data", "non-model-hub-url"),
    ("mistral-7b", "ownerless-id"), ("Algorithm", "ownerless-id"),
    ("org/na me", "invalid-id"), ("org/a--b", "invalid-id"), ("org/x.git", "invalid-id"),
    ("org/-x", "invalid-id"), ("bad,/x", "invalid-id"), ("org/x,", "invalid-id"),
    (42, "not-a-string (int)"),
])
def test_invalid_ids(raw: object, reason: str) -> None:
    parsed = parse_id(raw)
    assert parsed.id is None
    assert parsed.reason == reason


def test_ownerless_allowed_for_record_ids() -> None:
    assert parse_id("mistral-7b", allow_ownerless=True).id == "mistral-7b"


# parents -------------------------------------------------------------------------------------

def test_split_tags() -> None:
    assert split_base_model_tag("base_model:adapter:org/x") == ("adapter", "org/x")
    assert split_base_model_tag("base_model:org/x") == (None, "org/x")
    assert split_base_model_tag("license:mit") is None


def test_typed_tag_wins_over_legacy_and_card() -> None:
    got = parents({"tags": ["base_model:org/p", "base_model:quantized:org/p"],
                   "cardData": {"base_model": "Org/P", "base_model_relation": "finetune"}})
    assert got == {"org/p": ("quantized", "tag", "explicit")}


def test_union_without_duplicates_case_insensitive() -> None:
    got = parents({"tags": ["base_model:org/a"],
                   "cardData": {"base_model": ["ORG/A", "org/b"]}})
    assert set(got) == {"org/a", "org/b"}
    assert got["org/b"] == ("merge", "card", "inferred")
    assert got["org/a"] == ("merge", "tag", "inferred")


def test_typed_tags_leave_no_union() -> None:
    got = parents({"tags": ["base_model:finetune:org/a"],
                   "cardData": {"base_model": ["ORG/A", "org/b"]}})
    assert got == {"org/a": ("finetune", "tag", "explicit")}


def test_legacy_tag_gets_card_relation() -> None:
    got = parents({"tags": ["base_model:org/p"],
                   "cardData": {"base_model": "org/p", "base_model_relation": "adapter"}})
    assert got == {"org/p": ("adapter", "tag", "explicit")}


def test_card_relation_is_explicit() -> None:
    assert parents({"cardData": {"base_model": "org/p", "base_model_relation": "merge"}}) == {
        "org/p": ("merge", "card", "explicit")}


def test_unrecognised_relation_is_unknown() -> None:
    assert parents({"tags": ["base_model:distill:org/p"]}) == {
        "org/p": ("unknown", "tag", "explicit")}
    assert parents({"cardData": {"base_model": "org/p", "base_model_relation": "Distil"}}) == {
        "org/p": ("unknown", "card", "explicit")}


def test_unrecognised_relation_goes_to_the_rejects_file_and_the_edge_stays() -> None:
    rows, issues = parents_of("me/x", ["base_model:distill:org/p", "base_model:adapter:org/q"],
                              {"base_model": "org/q"}, None)
    assert {r["parentKey"]: r["relation"] for r in rows} == {"org/p": "unknown",
                                                             "org/q": "adapter"}
    assert [(i.field, i.value, i.reason.split(":")[0]) for i in issues] == [
        ("tag", "base_model:distill:org/p", "unknown-relation")]
    rows, issues = parents_of("me/x", [], {"base_model": "org/r",
                                           "base_model_relation": " Distil "}, None)
    assert {r["parentKey"]: r["relation"] for r in rows} == {"org/r": "unknown"}
    assert [(i.field, i.value, i.reason.split(":")[0]) for i in issues] == [
        ("cardData.base_model_relation", " Distil ", "unknown-relation")]


@pytest.mark.parametrize("record,relation", [
    ({"cardData": {"base_model": ["org/a", "org/b"]}}, "merge"),
    ({"library_name": "peft", "cardData": {"base_model": "org/a"}}, "adapter"),
    ({"tags": ["lora"], "cardData": {"base_model": "org/a"}}, "adapter"),
    ({"tags": ["gguf"], "cardData": {"base_model": "org/a"}}, "quantized"),
    ({"tags": ["4-bit", "bitsandbytes"], "cardData": {"base_model": "org/a"}}, "quantized"),
    ({"id": "TheBloke/Llama-2-7B-GPTQ", "cardData": {"base_model": "org/a"}}, "quantized"),
    ({"id": "me/x-AWQ", "cardData": {"base_model": "org/a"}}, "quantized"),
    ({"id": "me/x-exl2-4.0bpw", "cardData": {"base_model": "org/a"}}, "quantized"),
    ({"tags": ["mergekit", "merge"], "cardData": {"base_model": "org/a"}}, "finetune"),
    ({"cardData": {"base_model": "org/a"}}, "finetune"),
    ({"library_name": "peft", "tags": ["gguf"], "cardData": {"base_model": "org/a"}}, "adapter"),
])
def test_relation_inference(record: dict, relation: str) -> None:
    rows = normalize_model({"id": "me/child", **record}).parents
    assert {(r["relation"], r["relationSource"]) for r in rows} == {(relation, "inferred")}


def test_junk_parents_become_issues_not_edges() -> None:
    out = normalize_model({"id": "me/child", "cardData": {
        "base_model": ["unknown", "./ckpt", "https://github.com/x/y", "me/child", "ME/CHILD/",
                       "mistral-7b", "org/ok"]}})
    assert [r["parentId"] for r in out.parents] == ["org/ok"]
    assert sorted(i.reason for i in out.issues) == sorted([
        "placeholder", "local-path", "non-hub-url", "self-reference", "self-reference",
        "ownerless-id"])


def test_self_reference_in_tag() -> None:
    rows, issues = parents_of("me/x", ["base_model:finetune:Me/X"], {}, None)
    assert rows == [] and [i.reason for i in issues] == ["self-reference"]


def test_empty_list_base_model_has_no_parents() -> None:
    out = normalize_model({"id": "me/x", "cardData": {"base_model": []}})
    assert out.parents == [] and out.issues == []


# model fields --------------------------------------------------------------------------------

def test_model_row_fields() -> None:
    out = normalize_model({
        "id": "Org/Model", "author": "someone-else", "createdAt": "2024-03-22T14:08:40.000Z",
        "lastModified": "2024-04-08T05:23:20.000Z", "downloads": 5, "likes": 2,
        "tags": ["llama", "license:apache-2.0", "dataset:org/data"],
        "pipeline_tag": "text-generation", "library_name": "Transformers", "gated": "manual",
        "config": {"architectures": ["LlamaForCausalLM"], "model_type": "llama"},
        "safetensors": {"parameters": {"BF16": 123}, "total": 123},
        "cardData": {"license": "MIT", "datasets": "Other/Data"}, "ignored": {"x": 1}})
    m = out.model
    assert m["key"] == "org/model" and m["id"] == "Org/Model"
    assert m["author"] == "Org" and m["orgKey"] == "org" and m["orgName"] == "Org"
    assert m["createdAt"] == datetime(2024, 3, 22, 14, 8, 40, tzinfo=UTC)
    assert m["libraryName"] == "transformers"
    assert m["parameters"] == 123 and m["modelType"] == "llama" and m["gated"] == "manual"
    assert m["license"] == "mit"
    assert out.licenses == [{"modelKey": "org/model", "id": "mit", "category": "permissive"}]
    assert out.architectures == [{"modelKey": "org/model", "name": "LlamaForCausalLM"}]
    assert sorted(d["id"] for d in out.datasets) == ["Other/Data", "org/data"]


def test_license_from_tag_when_card_has_none() -> None:
    assert normalize_model({"id": "a/b", "tags": ["license:llama2"]}).model["license"] == "llama2"


def test_model_type_from_config_then_tags() -> None:
    assert model_type_of({"model_type": "mistral"}, ["llama"]) == "mistral"
    assert model_type_of({}, ["transformers", "Mistral", "llama"]) == "mistral"
    assert model_type_of({"model_type": None}, ["text-generation"]) is None


def test_parameters_only_from_positive_int() -> None:
    assert normalize_model({"id": "a/b", "safetensors": {"total": 0}}).model["parameters"] is None
    assert normalize_model({"id": "a/b", "safetensors": {"total": "7"}}).model["parameters"] is None


@pytest.mark.parametrize("licence,category", [
    ("apache-2.0", "permissive"), ("mit", "permissive"), ("gpl-3.0", "copyleft"),
    ("cc-by-sa-4.0", "copyleft"), ("cc-by-nc-4.0", "non-commercial"),
    ("llama2", "custom/restricted"), ("gemma", "custom/restricted"),
    ("other", "custom/restricted"), ("openrail", "custom/restricted"), ("whatever", "unknown"),
])
def test_license_categories(licence: str, category: str) -> None:
    assert license_category(licence) == category


@pytest.mark.parametrize("name,bot", [
    ("SFconvertbot", True), ("leaderboard-pr-bot", True), ("system", True), ("DumBot", True),
    ("github-actions[bot]", True), ("julien-c", False), ("Tianyu Zhao", False),
    ("systematic", False), ("botanist", False),
])
def test_bots(name: str, bot: bool) -> None:
    assert is_bot(name) is bot


def test_newer_version_sorts_later_and_missing_sorts_first() -> None:
    old = normalize_model({"id": "a/b", "lastModified": "2023-01-01T00:00:00.000Z"}).model
    new = normalize_model({"id": "a/b", "lastModified": "2024-01-01T00:00:00.000Z"}).model
    undated = normalize_model({"id": "a/b"}).model
    assert undated["version"] < old["version"] < new["version"]


@pytest.mark.parametrize("record,reason", [
    ("not a dict", "wrong type"), ({"author": "x"}, "missing id"),
    ({"id": "unknown"}, "invalid model id"), ({"id": "a/b", "downloads": "many"}, "wrong type"),
    ({"id": "a/b", "downloads": True}, "wrong type"),
    ({"id": "a/b", "tags": "llama"}, "wrong type"), ({"id": "a/b", "tags": [1]}, "wrong type"),
    ({"id": "a/b", "createdAt": "yesterday"}, "bad time"),
    ({"id": "a/b", "config": []}, "wrong type"),
])
def test_record_rejects(record: object, reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        normalize_model(record)


def test_commit_normalization() -> None:
    rows = normalize_commit({"model": "Org/M", "commit_id": "abc", "authors": ["a", "b", "a"],
                             "created_at": "2023-08-04T06:46:32"})
    assert [(r.model_key, r.author) for r in rows] == [("org/m", "a"), ("org/m", "b")]
    assert rows[0].created_at == datetime(2023, 8, 4, 6, 46, 32, tzinfo=UTC)
    with pytest.raises(RecordError, match="commit_id"):
        normalize_commit({"model": "o/m", "authors": ["a"]})
    with pytest.raises(RecordError, match="authors"):
        normalize_commit({"model": "o/m", "commit_id": "x", "authors": []})


# quantized storage ---------------------------------------------------------------------------

@pytest.mark.parametrize("record,expected", [
    ({"id": "TheBloke/Llama-2-7B-GPTQ"}, True),
    ({"id": "me/llama_awq.v2"}, True),
    ({"id": "me/x-4bit"}, True),
    ({"id": "me/x", "tags": ["bits-and-bytes"]}, True),
    ({"id": "me/x", "tags": ["Int4"]}, True),
    ({"id": "gptq/x"}, False),  # the owner glued to the name's first part is no marker
    ({"id": "TheBloke/Llama-2-7B-GGUF"}, False),  # GGUF counts are not of packed storage
    ({"id": "me/x-4b", "tags": ["quantized"]}, False),
])
def test_quantized_storage_marks_packed_parameter_counts(record: dict, expected: bool) -> None:
    assert normalize_model(record).model["quantizedStorage"] is expected
