"""The Hub crawler against the local Hub server: pages, families, commits, faults, resume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hflineage.errors import CrawlStateError, HubError, HubUnavailableError
from hflineage.loader.sources.crawl import Crawl, read_jsonl
from hflineage.loader.sources.hub import EXPAND, CrawlSpec
from tests.support.hub import (
    FAMILY_ROOT,
    assert_once,
    bulk_commits,
    bulk_models,
    client,
    crawl,
    fixture_commits,
    fixture_models,
    ids,
)
from tests.support.hubserver import LocalHub

FAMILY = {"acme/base-7b", "alice/base-7b-chat", "bob/base-7b-gguf", "carol/base-7b-lora",
          "erin/legacy-ft", "alice/chat-v2", "dave/merge-7b", "bob/chat-v2-gguf"}
BULK = 2500


@pytest.fixture
def family_hub() -> Any:
    with LocalHub(fixture_models(), fixture_commits()) as hub:
        yield hub


@pytest.fixture(scope="module")
def bulk() -> list[dict[str, Any]]:
    return bulk_models(BULK)


@pytest.fixture
def bulk_hub(bulk: list[dict[str, Any]]) -> Any:
    with LocalHub(bulk, bulk_commits(bulk[:50])) as hub:
        yield hub


def bulk_ids(bulk: list[dict[str, Any]]) -> set[str]:
    return {m["id"] for m in bulk}


def test_listing_follows_link_pages_through_a_429_and_a_500(bulk_hub: LocalHub, bulk: list,
                                                            tmp_path: Path) -> None:
    bulk_hub.fault("list", status=429, retry_after=0, skip=1)
    bulk_hub.fault("list", status=500, skip=2)
    result = crawl(bulk_hub, CrawlSpec(), tmp_path)
    assert_once(ids(tmp_path), bulk_ids(bulk))
    statuses = [r.status for r in bulk_hub.requests]
    assert statuses == [200, 429, 200, 500, 200]
    assert [r.query.count("cursor=") for r in bulk_hub.requests] == [0, 1, 1, 1, 1]
    assert result.models == BULK and not result.resumed


def test_only_stored_fields_are_requested(bulk_hub: LocalHub, tmp_path: Path) -> None:
    crawl(bulk_hub, CrawlSpec(limit=5), tmp_path)
    first = bulk_hub.requests[0].query
    assert sorted(p.split("=")[1] for p in first.split("&") if p.startswith("expand=")) == \
        sorted(EXPAND)
    record = next(read_jsonl(tmp_path / "models.jsonl"))
    assert set(record) <= {*EXPAND, "id", "_id"}


def test_metadata_crawl_costs_at_most_two_requests_per_thousand_models(
        bulk_hub: LocalHub, tmp_path: Path) -> None:
    result = crawl(bulk_hub, CrawlSpec(), tmp_path)
    per_thousand = bulk_hub.count() / result.models * 1000
    assert bulk_hub.count() == 3  # 2,500 models at 1,000 a page
    assert per_thousand <= 2


def test_author_search_and_limit_select_models(family_hub: LocalHub, bulk_hub: LocalHub,
                                               tmp_path: Path) -> None:
    crawl(family_hub, CrawlSpec(author="alice"), tmp_path / "a")
    assert_once(ids(tmp_path / "a"), {"alice/base-7b-chat", "alice/chat-v2", "alice/tiny-bert"})
    crawl(family_hub, CrawlSpec(search="gguf"), tmp_path / "s")
    assert_once(ids(tmp_path / "s"), {"bob/base-7b-gguf", "bob/chat-v2-gguf"})
    crawl(bulk_hub, CrawlSpec(limit=1500), tmp_path / "l")
    assert len(set(ids(tmp_path / "l"))) == 1500
    assert bulk_hub.count("list") == 2


def test_since_fetches_recent_models_and_stops_paging(bulk_hub: LocalHub, bulk: list,
                                                      tmp_path: Path) -> None:
    since = "2024-11-01T00:00:00Z"
    crawl(bulk_hub, CrawlSpec(since=since), tmp_path)
    recent = {m["id"] for m in bulk if m["lastModified"] >= "2024-11-01"}
    assert 0 < len(recent) < 1000
    assert_once(ids(tmp_path), recent)
    assert bulk_hub.count("list") == 1
    assert "sort=lastModified" in bulk_hub.requests[0].query


@pytest.mark.parametrize(("depth", "expected", "requests"), [
    (1, {FAMILY_ROOT, "alice/base-7b-chat", "bob/base-7b-gguf", "carol/base-7b-lora",
         "erin/legacy-ft"}, 2),
    (2, FAMILY - {"bob/chat-v2-gguf"}, 3),
    (5, FAMILY, 4),
])
def test_family_crawl_is_breadth_first_to_depth(family_hub: LocalHub, tmp_path: Path, depth: int,
                                                expected: set[str], requests: int) -> None:
    crawl(family_hub, CrawlSpec(family=FAMILY_ROOT, depth=depth), tmp_path)
    got = ids(tmp_path)
    assert_once(got, expected)
    assert got[0] == FAMILY_ROOT
    # one detail for the root, then one filter query per model that has children
    assert family_hub.count() == requests


def test_family_crawl_by_relation_uses_typed_filters(family_hub: LocalHub, tmp_path: Path) -> None:
    crawl(family_hub, CrawlSpec(family=FAMILY_ROOT, relations=("finetune",)), tmp_path)
    assert_once(ids(tmp_path), {FAMILY_ROOT, "alice/base-7b-chat", "alice/chat-v2"})
    filters = [r.query for r in family_hub.requests if r.endpoint == "list"]
    assert all("filter=base_model%3Afinetune%3A" in q for q in filters)


def test_family_crawl_follows_a_renamed_root(family_hub: LocalHub, tmp_path: Path) -> None:
    family_hub.rename(FAMILY_ROOT, "acme/base-7b-v1")
    family_hub.upsert({**fixture_models()[1], "tags": ["base_model:acme/base-7b-v1"]})
    result = crawl(family_hub, CrawlSpec(family=FAMILY_ROOT, depth=1), tmp_path)
    assert ids(tmp_path)[0] == "acme/base-7b-v1"
    assert result.renamed == 1
    with pytest.raises(HubError, match="not on the Hub"):
        crawl(family_hub, CrawlSpec(family="nobody/nothing"), tmp_path / "missing")


def test_commits_are_fetched_for_every_crawled_model(family_hub: LocalHub, tmp_path: Path) -> None:
    result = crawl(family_hub, CrawlSpec(family=FAMILY_ROOT, with_commits=True), tmp_path)
    want = {c["commit_id"] for c in fixture_commits() if c["model"] in FAMILY}
    got = [c["commit_id"] for c in read_jsonl(tmp_path / "commits.jsonl")]
    assert_once(got, want)
    assert result.commits == len(want)
    sample = next(c for c in read_jsonl(tmp_path / "commits.jsonl")
                  if c["commit_id"].startswith("a") and c["commit_id"].endswith("3"))
    assert sample == {"model": FAMILY_ROOT, "commit_id": sample["commit_id"],
                      "authors": ["SFconvertbot"], "created_at": "2024-01-12T10:00:00.000Z",
                      "title": "Adding `safetensors` variant of this model"}
    assert family_hub.count("commits") == len(FAMILY)


def test_commits_follow_their_own_pages(tmp_path: Path) -> None:
    models = bulk_models(1)
    commits = [{"model": models[0]["id"], "commit_id": f"{i:040x}", "authors": ["u"],
                "created_at": f"2024-01-01T00:{i // 60:02d}:{i % 60:02d}.000Z", "title": "c"}
               for i in range(120)]
    with LocalHub(models, commits) as hub:
        crawl(hub, CrawlSpec(with_commits=True), tmp_path)
        assert hub.count("commits") == 3
    got = list(read_jsonl(tmp_path / "commits.jsonl"))
    assert_once([c["commit_id"] for c in got], {c["commit_id"] for c in commits})


# Issue 7: each Hub fault. The crawl completes, nothing lost, nothing duplicated.
LIST_FAULTS = {
    "429 with Retry-After": {"status": 429, "retry_after": 0},
    "500": {"status": 500},
    "503": {"status": 503, "times": 2},
    "timeout": {"kind": "slow", "seconds": 1.5},
    "truncated JSON page": {"kind": "truncate"},
    "page served twice": {"kind": "repeat"},
}


@pytest.mark.parametrize("fault", LIST_FAULTS.values(), ids=LIST_FAULTS.keys())
def test_listing_survives_fault(bulk_hub: LocalHub, bulk: list, tmp_path: Path,
                                fault: dict[str, Any]) -> None:
    bulk_hub.fault("list", skip=1, **fault)
    crawl(bulk_hub, CrawlSpec(), tmp_path, timeout=0.5)
    assert_once(ids(tmp_path), bulk_ids(bulk))
    assert bulk_hub.count("list") > 3


@pytest.mark.parametrize("endpoint", ["detail", "commits"])
@pytest.mark.parametrize("fault", [{"status": 503}, {"kind": "slow", "seconds": 1.5},
                                   {"kind": "truncate"}], ids=["503", "timeout", "truncated"])
def test_family_and_commits_survive_fault(family_hub: LocalHub, tmp_path: Path, endpoint: str,
                                          fault: dict[str, Any]) -> None:
    family_hub.fault(endpoint, **fault)  # type: ignore[arg-type]
    crawl(family_hub, CrawlSpec(family=FAMILY_ROOT, with_commits=True), tmp_path, timeout=0.5)
    assert_once(ids(tmp_path), FAMILY)
    want = {c["commit_id"] for c in fixture_commits() if c["model"] in FAMILY}
    assert_once([c["commit_id"] for c in read_jsonl(tmp_path / "commits.jsonl")], want)


def test_model_gone_between_listing_and_detail_is_kept_and_marked(family_hub: LocalHub,
                                                                  tmp_path: Path) -> None:
    family_hub.vanish("alice/chat-v2")
    result = crawl(family_hub, CrawlSpec(family=FAMILY_ROOT, with_commits=True), tmp_path)
    assert_once(ids(tmp_path), FAMILY)
    events = list(read_jsonl(tmp_path / "events.jsonl"))
    assert [(e["event"], e["id"]) for e in events] == [("deleted", "alice/chat-v2")]
    assert result.deleted == 1
    assert "alice/chat-v2" not in ids(tmp_path, "commits.jsonl")


def test_persistent_failure_stops_resumably_and_resume_fetches_no_page_twice(
        bulk_hub: LocalHub, bulk: list, tmp_path: Path) -> None:
    bulk_hub.fault("list", status=503, times=100, skip=1)
    with pytest.raises(HubUnavailableError) as err:
        crawl(bulk_hub, CrawlSpec(), tmp_path, retries=2)
    message = str(err.value)
    assert "503" in message and "\n" not in message
    assert len(ids(tmp_path)) == 1000
    bulk_hub.clear_faults()
    before = bulk_hub.count("list")
    result = crawl(bulk_hub, CrawlSpec(), tmp_path)
    assert result.resumed
    assert bulk_hub.count("list") - before == 2  # pages 2 and 3 only
    assert_once(ids(tmp_path), bulk_ids(bulk))


def test_crash_mid_page_resumes_exactly_once(bulk_hub: LocalHub, bulk: list,
                                             tmp_path: Path) -> None:
    def die(models: int, requests: int) -> None:
        if models == 1500:
            raise KeyboardInterrupt

    job = Crawl(client(bulk_hub), CrawlSpec(), tmp_path, progress=die)
    job.open()
    with pytest.raises(KeyboardInterrupt):
        job.run()
    assert len(ids(tmp_path)) == 1500  # written past the checkpoint at 1,000
    before = bulk_hub.count("list")
    crawl(bulk_hub, CrawlSpec(), tmp_path)
    assert bulk_hub.count("list") - before == 2  # page 2 again (it was not checkpointed), page 3
    assert_once(ids(tmp_path), bulk_ids(bulk))


def test_family_resume_skips_finished_queries(family_hub: LocalHub, tmp_path: Path) -> None:
    family_hub.fault("list", status=500, times=100, skip=1)
    with pytest.raises(HubUnavailableError):
        crawl(family_hub, CrawlSpec(family=FAMILY_ROOT, with_commits=True), tmp_path, retries=1)
    family_hub.clear_faults()
    seen = len(family_hub.requests)
    crawl(family_hub, CrawlSpec(family=FAMILY_ROOT, with_commits=True), tmp_path)
    again = [r for r in family_hub.requests[seen:] if r.endpoint != "commits"]
    assert [r.endpoint for r in again] == ["list", "list"]  # no root detail, no root query
    assert_once(ids(tmp_path), FAMILY)


def test_commits_resume_after_the_last_finished_model(family_hub: LocalHub, tmp_path: Path
                                                      ) -> None:
    family_hub.fault("commits", status=500, times=100, skip=3)
    with pytest.raises(HubUnavailableError):
        crawl(family_hub, CrawlSpec(family=FAMILY_ROOT, with_commits=True), tmp_path, retries=1)
    family_hub.clear_faults()
    seen = len(family_hub.requests)
    crawl(family_hub, CrawlSpec(family=FAMILY_ROOT, with_commits=True), tmp_path)
    assert [r.endpoint for r in family_hub.requests[seen:]] == ["commits"] * (len(FAMILY) - 3)
    want = {c["commit_id"] for c in fixture_commits() if c["model"] in FAMILY}
    assert_once([c["commit_id"] for c in read_jsonl(tmp_path / "commits.jsonl")], want)


def test_refresh_records_renames_and_deletions(family_hub: LocalHub, tmp_path: Path) -> None:
    family_hub.rename("alice/chat-v2", "alice/chat-v2-renamed")
    family_hub.delete("carol/base-7b-lora")
    stored = [FAMILY_ROOT, "alice/chat-v2", "carol/base-7b-lora"]
    job = Crawl(client(family_hub), CrawlSpec(refresh=True), tmp_path,
                refresh_ids=lambda: stored)
    job.open()
    result = job.run()
    events = [{k: v for k, v in e.items() if k != "at"} for e in read_jsonl(tmp_path /
                                                                             "events.jsonl")]
    assert events == [{"event": "renamed", "from": "alice/chat-v2", "to": "alice/chat-v2-renamed"},
                      {"event": "deleted", "id": "carol/base-7b-lora"}]
    assert_once(ids(tmp_path), {FAMILY_ROOT, "alice/chat-v2-renamed"})
    assert (result.renamed, result.deleted) == (1, 1)
    assert any(r.status == 307 for r in family_hub.requests)


def test_a_folder_resumes_only_the_same_crawl(family_hub: LocalHub, tmp_path: Path) -> None:
    family_hub.fault("list", status=500, times=100)
    with pytest.raises(HubUnavailableError):
        crawl(family_hub, CrawlSpec(author="alice"), tmp_path, retries=0)
    family_hub.clear_faults()
    with pytest.raises(CrawlStateError, match="author=alice"):
        crawl(family_hub, CrawlSpec(author="bob"), tmp_path)
    crawl(family_hub, CrawlSpec(author="bob"), tmp_path, restart=True)
    assert_once(ids(tmp_path), {"bob/base-7b-gguf", "bob/chat-v2-gguf"})


def test_token_is_sent_but_never_written(family_hub: LocalHub, tmp_path: Path) -> None:
    secret = "hf_recognisableSecret0123456789"
    family_hub.fault("list", status=503, times=100, skip=1)
    with pytest.raises(HubUnavailableError) as err:
        crawl(family_hub, CrawlSpec(family=FAMILY_ROOT), tmp_path, token=secret, retries=0)
    assert {r.token for r in family_hub.requests} == {secret}
    assert secret not in str(err.value)
    for path in tmp_path.iterdir():
        assert secret not in path.read_text(encoding="utf-8")


def test_spec_rejects_combinations_it_cannot_honour() -> None:
    with pytest.raises(HubError, match="relation"):
        CrawlSpec(family=FAMILY_ROOT, relations=("cousin",))
    with pytest.raises(HubError, match="--since"):
        CrawlSpec(family=FAMILY_ROOT, since="2024-01-01")


def test_a_fetched_crawl_is_not_fetched_again(family_hub: LocalHub, tmp_path: Path) -> None:
    crawl(family_hub, CrawlSpec(family=FAMILY_ROOT, with_commits=True), tmp_path)
    seen = len(family_hub.requests)
    job = Crawl(client(family_hub), CrawlSpec(family=FAMILY_ROOT, with_commits=True), tmp_path)
    state = job.open()
    result = job.run()
    assert job.resumed and state.status == "fetched"
    assert len(family_hub.requests) == seen  # the load (not done here) is what remains
    assert result.models == len(FAMILY)
    job.mark("loaded")
    again = Crawl(client(family_hub), CrawlSpec(family=FAMILY_ROOT), tmp_path)
    again.open()  # a loaded crawl is finished: another crawl may use the folder
    assert not again.resumed and ids(tmp_path) == []


def test_family_filters_use_the_hubs_spelling_of_each_id(tmp_path: Path) -> None:
    models = [{"id": "Org/Base-Model", "tags": []},
              {"id": "u/Child", "tags": ["base_model:Org/Base-Model"]},
              {"id": "u/Grandchild", "tags": ["base_model:finetune:u/Child"]}]
    with LocalHub(models) as hub:
        crawl(hub, CrawlSpec(family="org/base-model"), tmp_path)
        filters = [r.query.split("&")[0] for r in hub.requests if r.endpoint == "list"]
    assert filters == ["filter=base_model%3AOrg%2FBase-Model", "filter=base_model%3Au%2FChild"]
    assert ids(tmp_path) == ["Org/Base-Model", "u/Child", "u/Grandchild"]


def test_a_refused_request_is_not_called_retried(family_hub: LocalHub, tmp_path: Path) -> None:
    family_hub.fault("detail", status=401)
    with pytest.raises(HubUnavailableError, match=r"401 .*check HF_TOKEN"):
        crawl(family_hub, CrawlSpec(family=FAMILY_ROOT), tmp_path)
    assert family_hub.count("detail") == 1
