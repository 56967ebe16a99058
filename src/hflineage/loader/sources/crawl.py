"""Crawl the live Hub into snapshot files, resumably.

A crawl writes what it fetches to a folder (``models.jsonl``, ``commits.jsonl`` in the snapshot
format, ``events.jsonl`` for renames and deletions) and checkpoints in ``crawl.json`` after every
page, and at most once a second while fetching model details or commit histories. Files are cut
back to the checkpoint on resume, so a record is written exactly once however often the crawl is
interrupted. The requests go through :class:`~hflineage.loader.sources.hub.HubClient`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from hflineage.errors import CrawlStateError, HubError, HubUnavailableError
from hflineage.loader.normalize.ids import key_of
from hflineage.loader.sources.hub import EXPAND, CrawlSpec, HubClient

PAGE_SIZE = 1000
STATE_VERSION = 1
CHECKPOINT_SECONDS = 1.0
FILES = ("models.jsonl", "commits.jsonl", "events.jsonl")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass
class CrawlState:
    """The checkpoint: enough to resume without fetching again what was written."""

    key: str
    spec: dict[str, Any]
    status: str = "crawling"  # crawling | fetched | loaded
    phase: str = "models"  # models | commits | done
    started_at: str = field(default_factory=_now)
    sizes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FILES, 0))
    models: int = 0
    cursor: str | None = None
    position: int = 0
    query: int = 0
    levels: list[int] = field(default_factory=list)
    commits_offset: int = 0
    requests: int = 0


@dataclass
class CrawlResult:
    """What a finished crawl holds."""

    folder: Path
    models: int
    commits: int
    deleted: int
    renamed: int
    requests: int
    resumed: bool


Progress = Callable[[int, int], None]


class Crawl:
    """One resumable crawl into ``folder``."""

    def __init__(self, client: HubClient, spec: CrawlSpec, folder: Path, *,
                 refresh_ids: Callable[[], list[str]] | None = None,
                 progress: Progress | None = None) -> None:
        self.client = client
        self.spec = spec
        self.folder = folder
        self.refresh_ids = refresh_ids
        self.progress = progress
        self.state = CrawlState(spec.key(), asdict(spec))
        self.resumed = False
        self._seen: set[str] = set()
        self._nodes: list[tuple[str, int | None]] = []  # family: id, childrenModelCount
        self._out: dict[str, IO[str]] = {}
        self._saved = 0.0

    # folder and checkpoint
    @property
    def state_file(self) -> Path:
        return self.folder / "crawl.json"

    def open(self, restart: bool = False) -> CrawlState:
        """Start, or resume the unfinished crawl of the same options found in the folder."""
        self.folder.mkdir(parents=True, exist_ok=True)
        old = self._read_state()
        if old is not None and not restart and old.status != "loaded":
            if old.key != self.state.key:
                raise CrawlStateError(
                    f"{self.folder} holds an unfinished crawl with other options "
                    f"({CrawlSpec(**old.spec).describe()}); rerun it with those options to "
                    "resume, or pass --restart")
            self.state = old
            self.resumed = True
        for name in FILES:
            path = self.folder / name
            with path.open("a", encoding="utf-8") as f:
                f.truncate(self.state.sizes[name])
        if self.state.status == "crawling" and self.spec.refresh and not self.resumed:
            ids = self.refresh_ids() if self.refresh_ids else []
            (self.folder / "refresh.txt").write_text("".join(f"{i}\n" for i in ids),
                                                     encoding="utf-8")
        self._save()
        return self.state

    def _read_state(self) -> CrawlState | None:
        if not self.state_file.exists():
            return None
        try:
            raw = json.loads(self.state_file.read_text(encoding="utf-8"))
            if raw.pop("version", None) != STATE_VERSION:
                raise ValueError("unknown version")
            return CrawlState(**raw)
        except (ValueError, TypeError) as e:
            raise CrawlStateError(f"{self.state_file} is not a crawl checkpoint ({e}); "
                                  "pass --restart to start over") from e

    def _save(self) -> None:
        for name, f in self._out.items():
            f.flush()
            self.state.sizes[name] = f.tell()
        self.state.requests = self.client.requests
        self._saved = time.monotonic()
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": STATE_VERSION, **asdict(self.state)}, indent=1),
                       encoding="utf-8")
        os.replace(tmp, self.state_file)

    def _checkpoint(self) -> None:
        """Save at most once a second (one model per request would otherwise mean one save
        each); what is written after the last save is cut and fetched again on resume."""
        if time.monotonic() - self._saved >= CHECKPOINT_SECONDS:
            self._save()

    def mark(self, status: str) -> None:
        self.state.status = status
        self._save()

    # writing
    def _write(self, name: str, record: dict[str, Any]) -> None:
        f = self._out.get(name)
        if f is None:
            f = self._out[name] = (self.folder / name).open("a", encoding="utf-8")
        f.write(json.dumps(record, ensure_ascii=False) + "\n")

    def _add_model(self, record: dict[str, Any]) -> bool:
        key = key_of(str(record.get("id", "")))
        if not key or key in self._seen:
            return False
        self._seen.add(key)
        self._write("models.jsonl", record)
        self._node(record)
        self.state.models += 1
        if self.progress:
            self.progress(self.state.models, self.client.requests)
        return True

    def _event(self, event: str, **fields: str) -> None:
        self._write("events.jsonl", {"event": event, **fields, "at": _now()})

    def _replay(self) -> None:
        path = self.folder / "models.jsonl"
        if not path.exists():
            return
        with path.open(encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                self._seen.add(key_of(record["id"]))
                self._node(record)

    def _node(self, record: dict[str, Any]) -> None:
        if self.spec.family:  # filters need the Hub's own spelling of the id
            self._nodes.append((record["id"], record.get("childrenModelCount")))

    # the crawl
    def run(self) -> CrawlResult:
        """Fetch everything the spec asks for; raises HubError, leaving a resumable checkpoint."""
        if self.state.status == "crawling":
            self._replay()
            try:
                if self.state.phase == "models":
                    {"listing": self._listing, "family": self._family,
                     "refresh": self._refresh}[self.spec.mode]()
                    self.state.phase = "commits" if self.spec.with_commits else "done"
                    self._save()
                if self.state.phase == "commits":
                    self._commits()
                    self.state.phase = "done"
                self.state.status = "fetched"
                self._save()
            except HubUnavailableError as e:
                # Raised by a request, before anything of its unit is written: a consistent point.
                self._save()
                raise HubUnavailableError(
                    f"{e}; the crawl stopped at a checkpoint in {self.folder}: run the same "
                    "command again to resume") from e
            finally:
                # Only consistent points are saved; anything written after one is cut on resume.
                for f in self._out.values():
                    f.close()
                self._out.clear()
        return self.result()

    def result(self) -> CrawlResult:
        counts = {name: _count_lines(self.folder / name) for name in FILES}
        events = list(read_jsonl(self.folder / "events.jsonl"))
        return CrawlResult(self.folder, counts["models.jsonl"], counts["commits.jsonl"],
                           sum(e["event"] == "deleted" for e in events),
                           sum(e["event"] == "renamed" for e in events),
                           self.state.requests, self.resumed)

    def _pages(self, params: list[tuple[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        """Pages of one listing query, from the saved cursor; the caller saves after each."""
        url = self.state.cursor or self.client.models_url()
        query = None if self.state.cursor else params
        while True:
            page, nxt = self.client.get(url, query)
            self.state.cursor = nxt
            yield page
            if nxt is None:
                return
            url, query = nxt, None

    def _listing(self) -> None:
        spec = self.spec
        params: list[tuple[str, Any]] = [("expand", e) for e in EXPAND]
        params += [(k, v) for k, v in (("author", spec.author), ("search", spec.search)) if v]
        if spec.since:
            params += [("sort", "lastModified"), ("direction", "-1")]
        if spec.limit:
            params.append(("limit", min(spec.limit, PAGE_SIZE)))
        since = _parse_time(spec.since) if spec.since else None
        for page in self._pages(params):
            for item in page:
                if self._listing_done(item, since):
                    self.state.cursor = None
                    break
                self._add_model(item)
            self._save()
            if self.state.cursor is None or (spec.limit and self.state.models >= spec.limit):
                break
        self.state.cursor = None
        self._save()

    def _listing_done(self, item: dict[str, Any], since: datetime | None) -> bool:
        if self.spec.limit and self.state.models >= self.spec.limit:
            return True
        modified = item.get("lastModified")
        return bool(since and modified and _parse_time(modified) < since)

    def _family_queries(self, model_id: str) -> list[str]:
        if not self.spec.relations:
            return [f"base_model:{model_id}"]
        return [f"base_model:{r}:{model_id}" for r in self.spec.relations]

    def _family_root(self) -> None:
        """Fetch the family's root model as level 0 (on a fresh crawl, not on a resumed one)."""
        family = self.spec.family
        assert family
        root = self.client.model(family, (*EXPAND, "childrenModelCount"))
        if root is None:
            raise HubError(f"{family} is not on the Hub (404)")
        if key_of(root["id"]) != key_of(family):
            self._event("renamed", **{"from": family, "to": root["id"]})
        self._add_model(root)
        self.state.levels = [0]
        self._save()

    def _family(self) -> None:
        spec = self.spec
        assert spec.family
        if not self.state.levels:
            self._family_root()
        expand = [("expand", e) for e in (*EXPAND, "childrenModelCount")]
        while self.state.position < len(self._nodes):
            level = sum(1 for start in self.state.levels if start <= self.state.position) - 1
            if level >= spec.depth:
                break
            parent, children = self._nodes[self.state.position]
            queries = self._family_queries(parent) if children != 0 else []
            while self.state.query < len(queries):
                params = [("filter", queries[self.state.query]), *expand]
                for page in self._pages(params):
                    for item in page:
                        if self._add_model(item) and len(self.state.levels) == level + 1:
                            self.state.levels.append(len(self._nodes) - 1)
                    self._save()
                self.state.query += 1
                self.state.cursor = None
                self._save()
            self.state.position += 1
            self.state.query = 0
            if queries:
                self._save()
        self._save()

    def _refresh(self) -> None:
        ids = (self.folder / "refresh.txt").read_text(encoding="utf-8").split()
        while self.state.position < len(ids):
            stored = ids[self.state.position]
            record = self.client.model(stored)
            if record is None:
                self._event("deleted", id=stored)
            else:
                if key_of(record["id"]) != key_of(stored):
                    self._event("renamed", **{"from": stored, "to": record["id"]})
                self._add_model(record)
            self.state.position += 1
            self._checkpoint()

    def _commits(self) -> None:
        path = self.folder / "models.jsonl"
        with path.open("rb") as f:
            f.seek(self.state.commits_offset)
            for line in iter(f.readline, b""):
                model_id = json.loads(line)["id"]
                commits = self.client.commits(model_id)
                if commits is None:
                    self._event("deleted", id=model_id)
                for commit in commits or []:
                    self._write("commits.jsonl", commit)
                self.state.commits_offset = f.tell()
                self._checkpoint()


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a crawl file, one per line (none if the file is absent)."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as f:
        return sum(1 for _ in f)
