"""Helpers shared by the live-Hub tests: fixture records, bulk records, a fast-retrying crawl."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from hflineage.loader.sources.crawl import Crawl, CrawlResult, read_jsonl
from hflineage.loader.sources.hub import CrawlSpec, HubClient
from tests.support.hubserver import LocalHub
from tests.support.paths import FIXTURES

HUB_FIXTURE = FIXTURES / "hub"
FAMILY_ROOT = "acme/base-7b"


def fixture_models() -> list[dict[str, Any]]:
    return list(read_jsonl(HUB_FIXTURE / "models.jsonl"))


def fixture_commits() -> list[dict[str, Any]]:
    return list(read_jsonl(HUB_FIXTURE / "commits.jsonl"))


def bulk_models(n: int, owner: str = "bulk") -> list[dict[str, Any]]:
    """``n`` plain models, one a day, each with one commit's worth of metadata."""
    return [{"id": f"{owner}/model-{i:05d}", "author": owner,
             "createdAt": f"2024-01-01T00:00:{i % 60:02d}.000Z",
             "lastModified": f"2024-{1 + i * 12 // max(n, 1):02d}-15T00:00:00.000Z",
             "downloads": i, "likes": i % 7, "tags": ["transformers", "license:mit"],
             "library_name": "transformers", "cardData": {"license": "mit"}}
            for i in range(n)]


def bulk_commits(models: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"model": m["id"], "commit_id": f"{i:040x}", "authors": [m["author"]],
             "created_at": m["lastModified"], "title": "initial commit"}
            for i, m in enumerate(models)]


def client(hub: LocalHub, **kw: Any) -> HubClient:
    """A client that retries fast, so fault tests take milliseconds, not the Hub's seconds."""
    options: dict[str, Any] = {"wait": (0.01, 0.02), "timeout": 5.0} | kw
    return HubClient(hub.url, **options)


def crawl(hub: LocalHub, spec: CrawlSpec, folder: Path, *, restart: bool = False,
          **kw: Any) -> CrawlResult:
    job = Crawl(client(hub, **kw), spec, folder)
    job.open(restart=restart)
    return job.run()


def ids(folder: Path, name: str = "models.jsonl") -> list[str]:
    key = "model" if name == "commits.jsonl" else "id"
    return [r[key] for r in read_jsonl(folder / name)]


def assert_once(values: list[str], expected: set[str]) -> None:
    """Every expected value exactly once (nothing lost, nothing duplicated), and nothing else."""
    dupes = {v: c for v, c in Counter(values).items() if c > 1}
    assert not dupes, f"duplicated: {dupes}"
    assert set(values) == expected


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
