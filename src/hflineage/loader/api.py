"""The loads: each composes a source, the normalizer and a writer in one LoadRun.

``rejects`` names the rejects file; without it a ``<source>-<time>.jsonl`` file is made in
``rejects_dir``, by default ``rejects/`` in hflineage's state folder (the CLI passes
``./hflineage-rejects``). ``lock`` is the managed server's load lock
(``Connection.load_lock``), held for the whole load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j

from hflineage.config import get_settings
from hflineage.errors import HubError
from hflineage.loader.normalize.rows import Rejected, Stage, commit_rows, model_rows
from hflineage.loader.normalize.rules import Row
from hflineage.loader.sources.crawl import Crawl, CrawlResult
from hflineage.loader.sources.hub import CrawlSpec, HubClient
from hflineage.loader.sources.leaderboard import best_rows, read_leaderboard, score_rows
from hflineage.loader.sources.snapshot import checked_kind, snapshot_stages
from hflineage.loader.write.events import last_crawl_start, load_crawl, stored_models
from hflineage.loader.write.run import LoadSummary, crawl_bar
from hflineage.loader.write.scores import write_scores
from hflineage.loader.write.stages import load_run, run_stages


def load_snapshot(  # noqa: PLR0913 (keyword-only load options, one per CLI option)
        driver: neo4j.Driver, path: Path | str, *, database: str = "neo4j",
        rejects: Path | str | None = None, rejects_dir: Path | None = None,
        batch_size: int = 5000, progress: bool = False,
        contributor_kind: str = "auto", lock: Path | None = None) -> LoadSummary:
    """Load a snapshot file, or a folder with ``models.jsonl`` and/or ``commits.jsonl``.

    ``contributor_kind`` says whether commit authors are Hub usernames (``hub``) or git display
    names (``git``); ``auto`` picks ``git`` when most authors cannot be Hub usernames.
    """
    stages = snapshot_stages(Path(path), contributor_kind)
    return run_stages(driver, stages, source="snapshot", input_=str(path), database=database,
                      rejects=rejects, rejects_dir=rejects_dir, batch_size=batch_size,
                      progress=progress, lock=lock)


def load_model_records(  # noqa: PLR0913 (keyword-only load options, one per CLI option)
        driver: neo4j.Driver, records: Iterable[dict[str, Any]], *, source: str,
        database: str = "neo4j", rejects: Path | str | None = None,
        rejects_dir: Path | None = None, batch_size: int = 5000,
        progress: bool = False, lock: Path | None = None) -> LoadSummary:
    """Load Hub-shaped model records from any iterable."""
    stage = Stage(source, "models", model_rows(records))
    return run_stages(driver, [stage], source=source, input_=source, database=database,
                      rejects=rejects, rejects_dir=rejects_dir, batch_size=batch_size,
                      progress=progress, lock=lock)


def load_commit_records(  # noqa: PLR0913 (keyword-only load options, one per CLI option)
        driver: neo4j.Driver, records: Iterable[dict[str, Any]], *, source: str,
        database: str = "neo4j", rejects: Path | str | None = None,
        rejects_dir: Path | None = None, batch_size: int = 5000,
        progress: bool = False, contributor_kind: str = "hub",
        lock: Path | None = None) -> LoadSummary:
    """Load commit records (``model``, ``commit_id``, ``authors``, ``created_at``, ``title``)."""
    stage = Stage(source, "commits", commit_rows(records),
                  contributor_kind=checked_kind(contributor_kind))
    return run_stages(driver, [stage], source=source, input_=source, database=database,
                      rejects=rejects, rejects_dir=rejects_dir, batch_size=batch_size,
                      progress=progress, lock=lock)


def load_leaderboard(driver: neo4j.Driver, path: Path | str, *, database: str = "neo4j",
                     rejects: Path | str | None = None, rejects_dir: Path | None = None,
                     batch_size: int = 5000, progress: bool = False,
                     lock: Path | None = None) -> LoadSummary:
    """Load a leaderboard CSV or Parquet file (v1 or v2, detected from its columns)."""
    path = Path(path)
    layout, records = read_leaderboard(path)
    with load_run(driver, database, f"leaderboard-{layout.version}", str(path), rejects,
                  lock, rejects_dir) as (summary, sink):
        rows: list[Row] = []
        for line, item in score_rows(records, layout):
            summary.records_in += 1
            if isinstance(item, Rejected):
                summary.rejected += 1
                sink.record(path.name, line, item.reason, item.raw)
            else:
                summary.loaded += 1
                rows.append(item)
        best = best_rows(rows)
        write_scores(driver, database, best, label=f"leaderboard {layout.version}",
                     batch_size=batch_size, progress=progress)
        summary.details = {"rows": summary.records_in, "models": len(best)}
    return summary


@dataclass(frozen=True)
class HubLoad:
    """What :func:`load_hub` did: the crawl and the load of what it fetched."""

    crawl: CrawlResult
    summary: LoadSummary


def resolve_since(driver: neo4j.Driver, database: str, value: str | None,
                  spec: CrawlSpec) -> str | None:
    """``--since`` as ISO-8601: a date, or ``last`` (the start of the crawl behind the last
    complete Hub load of the same scope)."""
    if value is None:
        return None
    if value == "last":
        found = last_crawl_start(driver, database, spec)
        if found is None:
            raise HubError(f"no complete Hub load of '{spec.scope()}' yet: give --since DATE")
        return found
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise HubError(f"--since wants an ISO date (2024-05-01) or 'last', got {value!r}") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).isoformat()


def load_hub(  # noqa: PLR0913 (keyword-only load options, one per CLI option)
        driver: neo4j.Driver, spec: CrawlSpec, client: HubClient, *,
        database: str = "neo4j", since: str | None = None, folder: Path | None = None,
        crawl_dir: Path | None = None, restart: bool = False,
        rejects: Path | str | None = None, batch_size: int = 5000,
        progress: bool = False, notify: Callable[[str], None] | None = None,
        lock: Path | None = None) -> HubLoad:
    """Crawl the Hub as ``spec`` says (resuming an unfinished crawl of the same options), then
    load what it fetched in one Hub LoadRun and apply its renames and deletions.

    ``since`` is a date or ``last`` (see :func:`resolve_since`); ``folder`` is the crawl folder,
    by default one named after the spec in ``crawl_dir`` (default: ``hub/`` in the state
    folder). The load's rejects go to ``rejects.jsonl`` there unless ``rejects`` names a file.
    ``notify`` receives one line when a crawl resumes and one when the fetching is done.
    """
    spec = replace(spec, since=resolve_since(driver, database, since, spec))
    folder = folder or (crawl_dir or get_settings().crawl_dir) / spec.key()
    say = notify or (lambda _line: None)
    with crawl_bar(progress, f"crawling {spec.describe()}") as advance:
        crawl = Crawl(client, spec, folder, progress=advance,
                      refresh_ids=lambda: stored_models(driver, database, spec.author,
                                                        spec.limit))
        state = crawl.open(restart)
        if crawl.resumed:
            say(f"resuming the crawl in {folder} ({state.models:,} models fetched)")
        result = crawl.run()
    say(f"fetched {result.models:,} models, {result.commits:,} commits "
        f"({result.renamed} renamed, {result.deleted} deleted) in {result.requests:,} "
        f"requests this run; crawl folder {folder}")
    summary = load_crawl(driver, crawl, database=database, rejects=rejects,
                         batch_size=batch_size, progress=progress, lock=lock)
    return HubLoad(result, summary)
