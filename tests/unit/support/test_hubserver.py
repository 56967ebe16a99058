"""The local Hub server answers huggingface_hub's own HfApi calls as huggingface.co does."""

from __future__ import annotations

from typing import Any

import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import RepositoryNotFoundError

from tests.support.hub import (
    FAMILY_ROOT,
    bulk_commits,
    bulk_models,
    fixture_commits,
    fixture_models,
)
from tests.support.hubserver import LocalHub, parents_in_tags


@pytest.fixture
def hub() -> Any:
    models = bulk_models(2100)
    with LocalHub([*fixture_models(), *models], [*fixture_commits(), *bulk_commits(models)]) as h:
        yield h


def test_list_models_follows_link_pages_of_1000(hub: LocalHub) -> None:
    api = HfApi(endpoint=hub.url, token=False)
    got = [m.id for m in api.list_models(author="bulk", expand=["author", "downloads"])]
    assert len(got) == len(set(got)) == 2100
    assert hub.count("list") == 3
    assert [r.query.count("cursor=") for r in hub.requests] == [0, 1, 1]


def test_expand_returns_only_the_expanded_fields(hub: LocalHub) -> None:
    api = HfApi(endpoint=hub.url, token=False)
    model = next(iter(api.list_models(search="base-7b-chat", expand=["downloads"])))
    assert model.downloads == 300 and model.tags is None and model.card_data is None
    root = api.model_info(FAMILY_ROOT, expand=["childrenModelCount", "safetensors"])
    assert root.children_model_count == 4  # erin's legacy tag counts too
    assert root.safetensors is not None and root.safetensors.total == 7_000_000_000


@pytest.mark.parametrize(("tag", "expected"), [
    (f"base_model:{FAMILY_ROOT}", {"alice/base-7b-chat", "bob/base-7b-gguf",
                                   "carol/base-7b-lora", "erin/legacy-ft"}),
    (f"base_model:quantized:{FAMILY_ROOT}", {"bob/base-7b-gguf"}),
    ("base_model:merge:other/outside-7b", {"dave/merge-7b"}),
    ("gguf", {"bob/base-7b-gguf", "bob/chat-v2-gguf"}),
])
def test_filters_match_tags_and_base_model_relations(hub: LocalHub, tag: str,
                                                     expected: set[str]) -> None:
    api = HfApi(endpoint=hub.url, token=False)
    assert {m.id for m in api.list_models(filter=tag)} == expected


def test_model_info_follows_a_rename_and_404s_a_deletion(hub: LocalHub) -> None:
    api = HfApi(endpoint=hub.url, token=False)
    hub.rename("alice/chat-v2", "alice/chat-v3")
    assert api.model_info("alice/chat-v2").id == "alice/chat-v3"
    assert api.model_info("alice/chat-v2", revision="main").id == "alice/chat-v3"
    hub.delete("alice/chat-v3")
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("alice/chat-v3")
    hub.vanish("bob/base-7b-gguf")
    assert "bob/base-7b-gguf" in {m.id for m in api.list_models(author="bob")}
    with pytest.raises(RepositoryNotFoundError):
        api.list_repo_commits("bob/base-7b-gguf")


def test_list_repo_commits_newest_first_over_pages() -> None:
    models = bulk_models(1)
    commits = [{"model": models[0]["id"], "commit_id": f"{i:040x}", "authors": [f"user{i % 3}"],
                "created_at": f"2024-01-{1 + i // 24:02d}T{i % 24:02d}:00:00.000Z",
                "title": f"c{i}"} for i in range(120)]
    with LocalHub(models, commits) as hub:
        got = HfApi(endpoint=hub.url, token=False).list_repo_commits(models[0]["id"])
        assert hub.count("commits") == 3
    assert [c.title for c in got] == [f"c{i}" for i in reversed(range(120))]
    assert got[0].authors == ["user2"]


def test_hfapi_itself_backs_off_on_429_and_503(hub: LocalHub) -> None:
    hub.fault("list", status=429, retry_after=0)
    hub.fault("list", status=503)
    got = list(HfApi(endpoint=hub.url, token=False).list_models(author="alice"))
    assert len(got) == 3
    assert [r.status for r in hub.requests] == [429, 503, 200]


def test_parents_in_tags_reads_typed_and_legacy_tags() -> None:
    assert parents_in_tags(["base_model:A/b", "base_model:adapter:A/B", "x", 3]) == \
        {("", "a/b"), ("adapter", "a/b")}  # type: ignore[list-item]
