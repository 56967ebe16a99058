"""The stage runner every source uses: stages of normalized rows → a writer, inside one LoadRun."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import neo4j

from hflineage.db.lock import load_lock
from hflineage.db.schema import init_schema, settle_schema_version
from hflineage.errors import DatabaseError, HFLineageError
from hflineage.loader.normalize.rows import Rejected, Stage
from hflineage.loader.normalize.rules import CommitRow, ModelRows
from hflineage.loader.write.online import OnlineWriter
from hflineage.loader.write.run import LoadRun, LoadSummary, Rejects, progress_bar, rejects_path


class Writer(Protocol):
    """What a stage is written to: the online writer (Neo4j) or the bulk one (CSV files)."""

    def models(self, batch: Sequence[ModelRows]) -> None:
        """Write a batch of described models (the newest record of a model wins)."""

    def commits(self, batch: Sequence[CommitRow], kind: str) -> None:
        """Write a batch of commits by ``hub`` usernames or ``git`` display names."""

    def wait(self) -> None:
        """Block until what was handed over is written; re-raise its error."""

    def close(self) -> None:
        """Finish writing and release what the writer holds."""


@contextlib.contextmanager
def load_run(driver: neo4j.Driver, database: str, source: str, input_: str,
             rejects: Path | str | None, lock: Path | None = None,
             rejects_dir: Path | None = None) -> Iterator[tuple[LoadSummary, Rejects]]:
    """The load lock, schema, a LoadRun node and a rejects file around a load; Neo4j failures
    become DatabaseError and mark the run ``failed``. Rejects go to ``rejects``, else to a new
    file in ``rejects_dir`` (see :func:`~hflineage.loader.write.run.rejects_path`)."""
    with load_lock(lock):
        sink = Rejects(Path(rejects) if rejects
                       else rejects_path(f"{source}-{Path(input_).name}", rejects_dir))
        yield from _load_run(driver, database, source, input_, sink)


def _load_run(driver: neo4j.Driver, database: str, source: str, input_: str,
              sink: Rejects) -> Iterator[tuple[LoadSummary, Rejects]]:
    try:
        init_schema(driver, database)
        run = LoadRun(driver, database, source, input_)
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as e:
        raise DatabaseError(f"Neo4j failed before the load started: {e}") from e
    summary = LoadSummary(source=source, run_id=run.id)
    try:
        yield summary, sink
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as e:
        with contextlib.suppress(neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError):
            run.finish(summary, "failed")
        raise DatabaseError(f"Neo4j failed during the load (run {run.id}): {e}") from e
    except HFLineageError:
        with contextlib.suppress(neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError):
            run.finish(summary, "failed")
        raise
    finally:
        summary.rejects_path = sink.close()
        summary.issues = sink.issues
    run.finish(summary)
    summary.stale_models = settle_schema_version(driver, database)


def write_stage(writer: Writer, stage: Stage, summary: LoadSummary, sink: Rejects,
                batch_size: int, progress: bool) -> None:
    """Count every record of ``stage`` in ``summary``, rejected ones into ``sink``, and hand the
    rest to ``writer`` in batches."""
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


def run_stages(  # noqa: PLR0913 (keyword-only load options of each load)
        driver: neo4j.Driver, stages: Iterable[Stage], *, source: str, input_: str,
        database: str, rejects: Path | str | None, batch_size: int,
        progress: bool, lock: Path | None = None,
        rejects_dir: Path | None = None) -> LoadSummary:
    """Write every stage in order inside one LoadRun, through the online writer."""
    with load_run(driver, database, source, input_, rejects, lock,
                  rejects_dir) as (summary, sink):
        writer = OnlineWriter(driver, database)
        try:
            for stage in stages:
                write_stage(writer, stage, summary, sink, batch_size, progress)
        finally:
            writer.close()
    return summary
