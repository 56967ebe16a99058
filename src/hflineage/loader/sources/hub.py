"""The Hub's HTTP API: what to crawl (``CrawlSpec``) and the client that fetches it.

Requests go through huggingface_hub's transport (``http_backoff``: retries on 408/429/5xx, network
errors and timeouts, honouring ``Retry-After``; ``hf_raise_for_status``) with an ``HfApi``'s
endpoint and token. The Link cursor is followed by the crawl rather than by ``HfApi.list_models``
because that hides the cursor (no page-level resume), parses items into lossy ``ModelInfo``
objects and sends no timeout, so a stalled Hub would hang the crawl forever.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from typing import Any

import httpx2
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.utils import (  # type: ignore[attr-defined]  # lazily re-exported
    build_hf_headers,
    hf_raise_for_status,
    http_backoff,
)

from hflineage import __version__
from hflineage.errors import HubError, HubUnavailableError
from hflineage.loader.normalize.vocab import RELATIONS

#: The record fields hflineage stores: nothing else is requested.
EXPAND = ("author", "cardData", "config", "createdAt", "downloads", "gated", "lastModified",
          "library_name", "likes", "pipeline_tag", "safetensors", "siblings", "tags")


@dataclass(frozen=True)
class CrawlSpec:
    """What to crawl. Listing by author/search/limit/since, a family, or a refresh of ids."""

    author: str | None = None
    search: str | None = None
    limit: int | None = None
    family: str | None = None
    depth: int = 3
    relations: tuple[str, ...] = ()
    since: str | None = None
    with_commits: bool = False
    refresh: bool = False

    def __post_init__(self) -> None:
        unknown = sorted(set(self.relations) - set(RELATIONS))
        if unknown:
            raise HubError(f"unknown relation {', '.join(unknown)}; use {', '.join(RELATIONS)}")
        if self.family and self.since:
            raise HubError("--since does not apply to --family: a family is crawled whole")
        if self.refresh and (self.family or self.search or self.since):
            raise HubError("--refresh re-checks stored models; combine it only with --author "
                           "and --limit")

    @property
    def mode(self) -> str:
        return "refresh" if self.refresh else "family" if self.family else "listing"

    def key(self) -> str:
        """A short digest naming this crawl: same options, same crawl (and resume)."""
        blob = json.dumps(asdict(self), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]

    def describe(self, skip: tuple[str, ...] = ()) -> str:
        """The options in words, e.g. ``hub author=alice with_commits=True``."""
        parts = [f"{k}={v}" for k, v in asdict(self).items()
                 if v not in (None, False, ()) and k != "depth" and k not in skip]
        if self.family:
            parts.append(f"depth={self.depth}")
        return "hub " + (" ".join(parts) or "all models")

    def scope(self) -> str:
        """The options but ``since``: ``--since last`` continues the last crawl of this scope."""
        return self.describe(skip=("since",))


class HubClient:
    """GETs against one Hub endpoint through huggingface_hub's retrying transport."""

    def __init__(self, endpoint: str | None = None, token: str | None = None, *,
                 timeout: float = 30.0, retries: int = 5, wait: tuple[float, float] = (1.0, 8.0),
                 json_retries: int = 3) -> None:
        self.api = HfApi(endpoint=endpoint, token=token, library_name="hflineage",
                         library_version=__version__)
        self.endpoint = self.api.endpoint.rstrip("/")
        self._headers = build_hf_headers(token=token, library_name="hflineage",
                                         library_version=__version__)
        self.timeout = timeout
        self.retries = retries
        self.wait = wait
        self.json_retries = json_retries
        self.requests = 0

    def get(self, url: str, params: list[tuple[str, Any]] | None = None
            ) -> tuple[Any, str | None]:
        """JSON body and ``rel="next"`` link; a truncated body is fetched again."""
        for attempt in range(self.json_retries + 1):
            self.requests += 1
            try:
                r = http_backoff("GET", url, params=params, headers=self._headers,
                                 timeout=self.timeout, max_retries=self.retries,
                                 base_wait_time=self.wait[0], max_wait_time=self.wait[1])
                hf_raise_for_status(r)
            except RepositoryNotFoundError:
                raise
            except HfHubHTTPError as e:
                status = e.response.status_code if e.response is not None else 0
                why = (f"after {self.retries} retries" if status in (408, 429) or status >= 500
                       else "(check HF_TOKEN)" if status in (401, 403) else "(not retried)")
                raise HubUnavailableError(
                    f"the Hub answered {status} for {_short(url)} {why}") from e
            except httpx2.HTTPError as e:
                raise HubUnavailableError(
                    f"{type(e).__name__} on {_short(url)} after {self.retries} retries") from e
            try:
                return r.json(), r.links.get("next", {}).get("url")
            except ValueError as e:
                if attempt == self.json_retries:
                    raise HubUnavailableError(
                        f"invalid JSON from {_short(url)} {attempt + 1} times") from e
                time.sleep(self.wait[0])
        raise AssertionError("unreachable")

    def models_url(self) -> str:
        return f"{self.endpoint}/api/models"

    def model(self, model_id: str, expand: tuple[str, ...] = EXPAND) -> dict[str, Any] | None:
        """One model's record (following a rename), or None when the Hub says it is gone."""
        try:
            body, _ = self.get(f"{self.endpoint}/api/models/{model_id}",
                               [("expand", e) for e in expand])
        except RepositoryNotFoundError:
            return None
        return dict(body)

    def commits(self, model_id: str) -> list[dict[str, Any]] | None:
        """Every commit of a model in snapshot shape, or None when the Hub says it is gone."""
        out: list[dict[str, Any]] = []
        url: str | None = f"{self.endpoint}/api/models/{model_id}/commits/main"
        try:
            while url is not None:
                page, url = self.get(url)
                out.extend({"model": model_id, "commit_id": c["id"],
                            "authors": [a["user"] for a in c.get("authors", []) if "user" in a],
                            "created_at": c.get("date"), "title": c.get("title", "")}
                           for c in page)
        except RepositoryNotFoundError:
            return None
        return out


def _short(url: str) -> str:
    return url.split("?", 1)[0]
