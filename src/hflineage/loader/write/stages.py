"""Loads of model and commit records: snapshot files, or records handed over by another source."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j

from hflineage.db.lock import load_lock
from hflineage.db.schema import init_schema, settle_schema_version
from hflineage.errors import DatabaseError, InputError
from hflineage.loader.normalize.rows import (
    Rejected,
    commit_rows,
    count_lines,
    detect_contributor_kind,
    model_rows,
    read_lines,
)
from hflineage.loader.normalize.rules import CommitRow, ModelRows
from hflineage.loader.write.online import CONTRIBUTOR_KINDS, Writer
from hflineage.loader.write.run import (
    LoadRun,
    LoadSummary,
    Rejects,
    default_rejects_path,
    progress_bar,
)

Item = tuple[int, ModelRows | list[CommitRow] | Rejected]


@dataclass
class Stage:
    """One stream of records of one kind (``models`` or ``commits``) from one place."""

    where: str
    kind: str
    items: Iterator[Item]
    total: int | None = None
    contributor_kind: str = "hub"


@contextlib.contextmanager
def load_run(driver: neo4j.Driver, database: str, source: str, input_: str,
             rejects: Path | str | None, lock: Path | None = None
             ) -> Iterator[tuple[LoadSummary, Rejects]]:
    """The load lock, schema, a LoadRun node and a rejects file around a load; Neo4j failures
    become DatabaseError and mark the run ``failed``."""
    with load_lock(lock):
        yield from _load_run(driver, database, source, input_, rejects)


def _load_run(driver: neo4j.Driver, database: str, source: str, input_: str,
              rejects: Path | str | None) -> Iterator[tuple[LoadSummary, Rejects]]:
    try:
        init_schema(driver, database)
        run = LoadRun(driver, database, source, input_)
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as e:
        raise DatabaseError(f"Neo4j failed before the load started: {e}") from e
    summary = LoadSummary(source=source, run_id=run.id)
    sink = Rejects(Path(rejects) if rejects
                   else default_rejects_path(f"{source}-{Path(input_).name}"))
    try:
        yield summary, sink
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as e:
        with contextlib.suppress(neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError):
            run.finish(summary, "failed")
        raise DatabaseError(f"Neo4j failed during the load (run {run.id}): {e}") from e
    finally:
        summary.rejects_path = sink.close()
        summary.issues = sink.issues
    run.finish(summary)
    summary.stale_models = settle_schema_version(driver, database)


def _write_stage(writer: Writer, stage: Stage, summary: LoadSummary, sink: Rejects,
                 batch_size: int, progress: bool) -> None:
    batch: list[Any] = []
    flush = (writer.models if stage.kind == "models"
             else lambda b: writer.commits(b, stage.contributor_kind))
    before = summary.records_in
    with progress_bar(progress, f"{stage.kind} {stage.where}", stage.total) as advance:
        for line, item in stage.items:
            summary.records_in += 1
            if isinstance(item, Rejected):
                summary.rejected += 1
                sink.record(stage.where, line, item.reason, item.raw)
            elif isinstance(item, ModelRows):
                summary.loaded += 1
                for issue in item.issues:
                    sink.value(stage.where, line, item.model["id"], issue.field, issue.value,
                               issue.reason)
                batch.append(item)
            else:
                summary.loaded += 1
                batch.extend(item)
            if len(batch) >= batch_size:
                flush(batch)
                batch = []
                advance(summary.records_in - before - advance.done)
        if batch:
            flush(batch)
        writer.wait()
        advance(summary.records_in - before - advance.done)
    summary.details[f"{stage.kind}:{stage.where}"] = summary.records_in - before


def run_stages(driver: neo4j.Driver, stages: Iterable[Stage], *, source: str, input_: str,
               database: str, rejects: Path | str | None, batch_size: int,
               progress: bool, lock: Path | None = None) -> LoadSummary:
    """Write every stage in order inside one LoadRun."""
    with load_run(driver, database, source, input_, rejects, lock) as (summary, sink):
        writer = Writer(driver, database)
        try:
            for stage in stages:
                _write_stage(writer, stage, summary, sink, batch_size, progress)
        finally:
            writer.close()
    return summary


def snapshot_stages(path: Path, contributor_kind: str = "auto") -> list[Stage]:
    """The files of a snapshot: ``path`` itself, or ``models.jsonl`` then ``commits.jsonl``."""
    path = Path(path)
    if path.is_dir():
        files = [p for p in (path / "models.jsonl", path / "commits.jsonl") if p.exists()]
        if not files:
            raise InputError(f"{path} has neither models.jsonl nor commits.jsonl")
    elif path.is_file():
        files = [path]
    else:
        raise InputError(f"no such file or folder: {path}")
    stages = []
    for f in files:
        kind = "commits" if f.name.startswith("commits") else "models"
        items: Iterator[Item] = (model_rows(read_lines(f)) if kind == "models"
                                 else commit_rows(read_lines(f)))
        stage = Stage(f.name, kind, items, count_lines(f))
        if kind == "commits":
            stage.contributor_kind = (detect_contributor_kind(f) if contributor_kind == "auto"
                                      else _checked_kind(contributor_kind))
        stages.append(stage)
    return stages


def _checked_kind(kind: str) -> str:
    if kind not in CONTRIBUTOR_KINDS:
        raise InputError(f"contributor kind must be one of {', '.join(CONTRIBUTOR_KINDS)} or auto, "
                         f"got {kind!r}")
    return kind


def load_snapshot(driver: neo4j.Driver, path: Path | str, *, database: str = "neo4j",
                  rejects: Path | str | None = None, batch_size: int = 5000,
                  progress: bool = False, contributor_kind: str = "auto",
                  lock: Path | None = None) -> LoadSummary:
    """Load a snapshot file, or a folder with ``models.jsonl`` and/or ``commits.jsonl``.

    ``contributor_kind`` says whether commit authors are Hub usernames (``hub``) or git display
    names (``git``); ``auto`` picks ``git`` when most authors cannot be Hub usernames. ``lock``
    is the managed server's load lock (``Connection.load_lock``), held for the whole load.
    """
    stages = snapshot_stages(Path(path), contributor_kind)
    return run_stages(driver, stages, source="snapshot", input_=str(path), database=database,
                      rejects=rejects, batch_size=batch_size, progress=progress, lock=lock)


def load_model_records(driver: neo4j.Driver, records: Iterable[dict[str, Any]], *, source: str,
                       database: str = "neo4j", rejects: Path | str | None = None,
                       batch_size: int = 5000, progress: bool = False,
                       lock: Path | None = None) -> LoadSummary:
    """Load Hub-shaped model records from any iterable (the live Hub crawler feeds these)."""
    stage = Stage(source, "models", model_rows(records))
    return run_stages(driver, [stage], source=source, input_=source, database=database,
                      rejects=rejects, batch_size=batch_size, progress=progress, lock=lock)


def load_commit_records(driver: neo4j.Driver, records: Iterable[dict[str, Any]], *, source: str,
                        database: str = "neo4j", rejects: Path | str | None = None,
                        batch_size: int = 5000, progress: bool = False,
                        contributor_kind: str = "hub", lock: Path | None = None
                        ) -> LoadSummary:
    """Load commit records (``model``, ``commit_id``, ``authors``, ``created_at``, ``title``)."""
    stage = Stage(source, "commits", commit_rows(records),
                  contributor_kind=_checked_kind(contributor_kind))
    return run_stages(driver, [stage], source=source, input_=source, database=database,
                      rejects=rejects, batch_size=batch_size, progress=progress, lock=lock)
