"""Hypothesis properties of the id and tag parsers and of model normalization."""

from __future__ import annotations

import contextlib
import string

from hypothesis import given
from hypothesis import strategies as st

from hflineage.loader.normalize.ids import is_repo_id, key_of, parse_id
from hflineage.loader.normalize.rules import RecordError, normalize_model, split_base_model_tag

_EDGE = string.ascii_letters + string.digits + "_"
part = st.builds(
    lambda a, mid, b: a + mid + b,
    st.sampled_from(_EDGE),
    st.text(alphabet=_EDGE + "-.", max_size=20).filter(lambda s: "--" not in s and ".." not in s),
    st.sampled_from(_EDGE),
).filter(lambda s: "--" not in s and ".." not in s and not s.endswith(".git"))
hub_id = st.builds(lambda o, n: f"{o}/{n}", part, part)
relation = st.sampled_from(["finetune", "adapter", "quantized", "merge", "distill", "Adapter"])
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=3),
    max_leaves=10,
)


@given(hub_id)
def test_valid_ids_survive_decoration(value: str) -> None:
    assert parse_id(value).id == value
    assert parse_id(f"  {value}/ ").id == value
    assert parse_id(f"https://huggingface.co/{value}/tree/main").id == value
    assert parse_id(f"hf.co/{value}").id == value


@given(st.text(max_size=60))
def test_parse_id_is_total_and_idempotent(raw: str) -> None:
    parsed = parse_id(raw)
    assert (parsed.id is None) != (parsed.reason is None)
    if parsed.id is not None:
        assert is_repo_id(parsed.id) and parsed.id.count("/") <= 1
        assert parse_id(parsed.id).id == parsed.id


@given(hub_id)
def test_key_is_case_folded_and_stable(raw: str) -> None:
    assert key_of(key_of(raw)) == key_of(raw) == key_of(raw.upper()) == key_of(raw.swapcase())


@given(relation, hub_id)
def test_typed_tag_round_trip(rel: str, value: str) -> None:
    assert split_base_model_tag(f"base_model:{rel}:{value}") == (rel.lower(), value)
    assert split_base_model_tag(f"base_model:{value}") == (None, value)


@given(hub_id, st.lists(st.text(max_size=40) | hub_id.map(lambda i: f"base_model:{i}"),
                        max_size=6),
       st.one_of(st.none(), st.text(max_size=30), hub_id,
                 st.lists(st.one_of(hub_id, st.text(max_size=20)), max_size=5)),
       st.one_of(st.none(), relation, st.integers()))
def test_parents_are_valid_unique_and_never_self(child: str, tags: list[str], base: object,
                                                 rel: object) -> None:
    out = normalize_model({"id": child, "tags": tags,
                           "cardData": {"base_model": base, "base_model_relation": rel}})
    keys = [p["parentKey"] for p in out.parents]
    assert len(keys) == len(set(keys))
    assert key_of(child) not in keys
    for p in out.parents:
        assert is_repo_id(p["parentId"])
        assert p["relation"] in {"finetune", "adapter", "quantized", "merge", "unknown"}
        assert p["source"] in {"tag", "card"}
        assert p["relationSource"] in {"explicit", "inferred"}


@given(st.dictionaries(st.sampled_from(["id", "tags", "cardData", "config", "safetensors",
                                        "downloads", "lastModified", "gated", "author"]),
                       json_value))
def test_normalize_model_only_raises_record_error(record: dict) -> None:
    with contextlib.suppress(RecordError):
        normalize_model(record)
