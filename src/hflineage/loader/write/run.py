"""Bookkeeping of a load: the LoadRun node, the rejects file, the summary and the progress bars."""

from __future__ import annotations

import contextlib
import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import neo4j
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from hflineage.config import get_settings
from hflineage.cypher import statement


@dataclass
class LoadSummary:
    """What a load did. ``records_in == loaded + rejected`` always holds."""

    source: str
    run_id: str
    records_in: int = 0
    loaded: int = 0
    rejected: int = 0
    issues: int = 0
    rejects_path: Path | None = None
    seconds: float = 0.0
    details: dict[str, int] = field(default_factory=dict)
    stale_models: int = 0

    def line(self) -> str:
        rate = self.records_in / self.seconds if self.seconds else 0.0
        text = (f"{self.source}: {self.records_in:,} records in, {self.loaded:,} loaded, "
                f"{self.rejected:,} rejected, {self.issues:,} values dropped "
                f"in {self.seconds:.1f}s ({rate:,.0f} records/s)")
        where = f"rejects: {self.rejects_path}" if self.rejects_path else "no rejects"
        if self.stale_models:
            where += (f"\nnote: {self.stale_models:,} models of this graph were loaded under older "
                      "normalization rules: reload their sources to bring the graph up to date")
        return f"{text}\n{where}"


def default_rejects_dir() -> Path:
    """Where a load's rejects go when the caller names neither a file nor a folder: ``rejects/``
    in hflineage's state folder (``HFLINEAGE_HOME``, else ``$XDG_STATE_HOME/hflineage``). The
    CLI names ``./hflineage-rejects/`` instead; hflineage never deletes either."""
    return get_settings().state_dir / "rejects"


def rejects_path(source: str, folder: Path | None = None) -> Path:
    """``<folder>/<source>-<timestamp>.jsonl`` (folder: :func:`default_rejects_dir`): never
    next to the (read-only) input."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", source).strip("-") or "load"
    return (folder or default_rejects_dir()) / f"{safe}-{stamp}.jsonl"


class Rejects:
    """The JSONL rejects file, created on the first reject."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records = 0
        self.issues = 0
        self._fh: IO[str] | None = None

    def _write(self, entry: dict[str, Any]) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("w", encoding="utf-8", errors="backslashreplace")
        self._fh.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")

    def record(self, where: str, line: int | None, reason: str, raw: Any) -> None:
        """A whole record that could not be loaded."""
        self.records += 1
        self._write({"kind": "record", "file": where, "line": line, "reason": reason, "raw": raw})

    def value(self, where: str, line: int | None, model_id: str, field_name: str,
              value: Any, reason: str) -> None:
        """A value dropped from a record that did load (a junk parent, a bad dataset id)."""
        self.issues += 1
        self._write({"kind": "value", "file": where, "line": line, "id": model_id,
                     "field": field_name, "value": value, "reason": reason})

    def close(self) -> Path | None:
        if self._fh is not None:
            self._fh.close()
            return self.path
        return None


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:,.0f} records/s", style="progress.data.speed")


class Advance:
    """Counts progress and forwards it to a rich task when there is one."""

    def __init__(self, bar: Progress | None = None, task: TaskID | None = None) -> None:
        self.done = 0
        self._bar = bar
        self._task = task

    def __call__(self, n: int) -> None:
        self.done += n
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, n)


@contextlib.contextmanager
def progress_bar(enabled: bool, label: str, total: int | None) -> Iterator[Advance]:
    """An ``Advance`` counter, shown as a rich bar with records/s when enabled."""
    if not enabled:
        yield Advance()
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  MofNCompleteColumn(), _Rate(), TimeRemainingColumn()) as bar:
        yield Advance(bar, bar.add_task(label, total=total))


@contextlib.contextmanager
def crawl_bar(enabled: bool, label: str) -> Iterator[Callable[[int, int], None]]:
    """A ``(models, requests)`` callback for a crawl, shown as a transient rich line when
    enabled."""
    with Progress(SpinnerColumn(), TextColumn("{task.description}"),
                  TextColumn("{task.completed:,.0f} models, {task.fields[requests]:,} requests"),
                  TimeElapsedColumn(), disable=not enabled, transient=True) as bar:
        task = bar.add_task(label, total=None, requests=0)
        yield lambda n, r: bar.update(task, completed=n, requests=r)


class LoadRun:
    """A ``(:LoadRun)`` node: ``running`` at the start, ``complete`` (or ``failed``) at the end."""

    def __init__(self, driver: neo4j.Driver, database: str, source: str, input_: str) -> None:
        self.driver = driver
        self.database = database
        self.id = str(uuid.uuid4())
        self.started = time.monotonic()
        driver.execute_query(statement("write/start_run"),
                             {"id": self.id, "source": source, "input": input_},
                             database_=database)

    def finish(self, summary: LoadSummary, status: str = "complete") -> None:
        summary.seconds = time.monotonic() - self.started
        self.driver.execute_query(
            statement("write/finish_run"),
            {"id": self.id, "status": status, "recordsIn": summary.records_in,
             "loaded": summary.loaded, "rejected": summary.rejected, "issues": summary.issues},
            database_=self.database)
