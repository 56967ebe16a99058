"""The bulk path for a first load: normalized rows → CSV files → ``neo4j-admin database import``.

For an EMPTY managed database only. The rows are the online loader's (``snapshot_stages`` and
the stage runner's batching), reduced offline to the graph the online writes leave behind:

- a model is described by its newest record (``version``); superseded records leave nothing;
- an organization is named by the newest record that described one of its models;
- a parent or a commit's model that no record describes is a stub, spelled as the smallest
  spelling that refers to it;
- a dataset keeps its smallest spelling; a contributor the spelling of its latest commit;
- ``COMMITTED_TO`` holds the distinct commit ids (sorted), their count and time range.

JSON-lines files go through worker processes (``pool``): they parse, normalize and write the
CSV rows of a chunk of records each; this process keeps only the reduction (the newest version
per model, organizations, commit groups), then the workers drop the rows of records that left
nothing. Other sources (Parquet) are written here, row by row, and filtered on a second read.

The server stops while the CSV files are written; ``neo4j-admin database import full`` replaces
the store, the server starts again, and the constraints, the schema version and a ``LoadRun``
are created as in an online load (``parametersFlag`` is computed with the rows: a new graph has
no leaderboard counts). Memory grows with the number of models and commits: one key and
version string per model, the lines of duplicate records, the end nodes, and the commit ids per
contributor and model, unlike the online loader.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import neo4j

from hflineage.db.lock import load_lock
from hflineage.db.runtime import ManagedNeo4j
from hflineage.db.schema import data_node_count, init_schema
from hflineage.errors import BulkLoadRefusedError, DatabaseError
from hflineage.loader.normalize.rows import Stage
from hflineage.loader.normalize.rules import CommitRow, ModelRows, Row
from hflineage.loader.sources.snapshot import snapshot_files, snapshot_stages
from hflineage.loader.write.online import (
    committed_to_rows,
    newest_per_key,
    organization_rows,
)
from hflineage.loader.write.pool import (
    ARRAY_DELIMITER,
    GATED_TYPES,
    MODEL_PROPS,
    TABLES,
    Ends,
    Pool,
    Prepared,
    cell,
    fragment_path,
    keep_fragment,
    merge_ends,
    new_ends,
    pooled_contributor_kind,
    pooled_items,
    record_rows,
)
from hflineage.loader.write.run import LoadRun, LoadSummary, Rejects, rejects_path
from hflineage.loader.write.stages import write_stage

FILTER = (":IGNORE", ":IGNORE")  # model key and version of the record a row came from
TABLE_GROUPS = {
    **{f"models-{g}": ("nodes", "Model") for g in GATED_TYPES},
    "published": ("relationships", "PUBLISHED"),
    "has-architecture": ("relationships", "HAS_ARCHITECTURE"),
    "licensed-under": ("relationships", "LICENSED_UNDER"),
    "trained-on": ("relationships", "TRAINED_ON"),
    "derived-from": ("relationships", "DERIVED_FROM"),
}


@dataclass
class BulkTimings:
    """Where the time of a bulk load went, in seconds."""

    csv: float = 0.0
    stop: float = 0.0  # the wait for the stop after the CSV stage (it runs alongside)
    stop_overlapped: float = 0.0  # the stop's own time, alongside the CSV stage
    admin_import: float = 0.0
    start: float = 0.0
    schema: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)


def _header(name: str, kind: str) -> str:
    return f"{name}:{kind}" if kind else name


class _Table:
    """One CSV file of nodes or relationships, header first."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        self.path = path
        self.header = list(header)
        self.rows = 0
        self.kept = 0
        self._fh: TextIO = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._fh)
        self._csv.writerow(self.header)

    def write(self, values: Iterable[Any]) -> None:
        self._csv.writerow([cell(v) for v in values])
        self.rows += 1

    def close(self) -> None:
        self._fh.close()


class CsvTables:
    """Takes the online writer's batches and keeps what the online writes would leave.

    It is a :class:`~hflineage.loader.write.stages.Writer`, like the online writer, so the
    loader's own stage runner feeds it.
    """

    def __init__(self, folder: Path, pool: Pool | None = None) -> None:
        self.folder = folder
        self.pool = pool
        folder.mkdir(parents=True, exist_ok=True)
        self.best: dict[str, str] = {}
        self.superseded: set[tuple[str, str]] = set()
        self.skipped: set[int] = set()  # lines of prepared records that left nothing
        self.fragments: list[tuple[Path, int]] = []  # chunks whose rows the workers wrote
        self.orgs: dict[str, tuple[str, str]] = {}
        self.commit_models: dict[str, str] = {}
        self.contributors: dict[str, list[Any]] = {}
        self.committed: dict[tuple[str, str], list[Any]] = {}
        self.rows: dict[str, int] = {}
        model_header = [_header(n, k) for n, k in MODEL_PROPS]
        headers = {
            f"models-{g}": ["key:ID(Model)", *[
                h if not h.startswith("gated") else ("gated" if g == "string" else
                                                     "gated:boolean")
                for h in model_header]] for g in GATED_TYPES}
        headers |= {
            "published": [*FILTER, ":START_ID(Organization)", ":END_ID(Model)"],
            "has-architecture": [*FILTER, ":START_ID(Model)", ":END_ID(Architecture)"],
            "licensed-under": [*FILTER, ":START_ID(Model)", ":END_ID(License)",
                               "category:IGNORE"],
            "trained-on": [*FILTER, ":START_ID(Model)", ":END_ID(Dataset)", "id:IGNORE"],
            "derived-from": [*FILTER, ":START_ID(Model)", ":END_ID(Model)", "parentId:IGNORE",
                             "relation", "source", "relationSource"],
        }
        self.tables = {t: _Table(folder / f"{t}.candidate.csv", headers[t]) for t in TABLES}

    def add_fragments(self, folder: Path, index: int) -> None:
        """Chunk ``index`` of a model file: a worker wrote its rows in ``folder``."""
        self.fragments.append((folder, index))

    # --- the Writer interface ---------------------------------------------------------
    def models(self, batch: Sequence[ModelRows]) -> None:
        newest = newest_per_key(batch)
        if len(newest) < len(batch):
            chosen = {id(r) for r in newest}
            self.skipped.update(r.line for r in batch
                                if isinstance(r, Prepared) and id(r) not in chosen)
        for rows in newest:
            self._model(rows)

    def commits(self, batch: Sequence[CommitRow], kind: str) -> None:
        for row in committed_to_rows(batch, kind):
            self._commit_group(row)

    def wait(self) -> None:
        return None

    def close(self) -> None:
        return None

    # --- reduction --------------------------------------------------------------------
    def _model(self, rows: ModelRows) -> None:
        m = rows.model
        key, version = m["key"], m["version"]
        before = self.best.get(key)
        if before is not None and version <= before:
            if isinstance(rows, Prepared):
                self.skipped.add(rows.line)
            return
        if before is not None:
            self.superseded.add((key, before))
        self.best[key] = version
        if m["orgKey"] is not None:
            org = self.orgs.get(m["orgKey"])
            if org is None or version > org[0]:
                self.orgs[m["orgKey"]] = (version, m["orgName"])
        if isinstance(rows, Prepared):
            return
        for table, row in record_rows(rows):
            self.tables[table].write(row)

    def _commit_group(self, row: Row) -> None:
        known = self.commit_models.get(row["modelKey"])
        if known is None or row["modelId"] < known:
            self.commit_models[row["modelKey"]] = row["modelId"]
        ckey, last, name = row["contributorKey"], row["last"], row["name"]
        c = self.contributors.get(ckey)
        if c is None:
            self.contributors[ckey] = [name, row["kind"], row["isBot"], last]
        elif last is not None and ((c[3] is None or last > c[3])
                                   or (last == c[3] and name < c[0])):
            c[0], c[2], c[3] = name, row["isBot"], last
        edge = self.committed.get((ckey, row["modelKey"]))
        if edge is None:
            self.committed[(ckey, row["modelKey"])] = [
                dict.fromkeys(row["commitIds"]), row["first"], row["last"]]
            return
        edge[0].update(dict.fromkeys(row["commitIds"]))
        if row["first"] is not None and (edge[1] is None or row["first"] < edge[1]):
            edge[1] = row["first"]
        if row["last"] is not None and (edge[2] is None or row["last"] > edge[2]):
            edge[2] = row["last"]

    # --- final files ------------------------------------------------------------------
    def finish(self) -> list[str]:
        """Write the final CSV files; return the ``--nodes``/``--relationships`` arguments."""
        ends = new_ends()
        args = self._record_files(ends)
        args += self._nodes("Architecture", ["name:ID(Architecture)"],
                            ([k] for k in ends["Architecture"]))
        args += self._nodes("License", ["id:ID(License)", "category"],
                            ([k, c] for k, c in ends["License"].items()))
        args += self._nodes("Dataset", ["key:ID(Dataset)", "id"],
                            ([k, i] for k, i in ends["Dataset"].items()))
        stubs = {k: i for k, i in ends["Model"].items() if k not in self.best}
        for k, i in self.commit_models.items():
            if k not in self.best and (k not in stubs or i < stubs[k]):
                stubs[k] = i
        args += self._nodes("Model", ["key:ID(Model)", "id", "stub:boolean"],
                            ([k, i, True] for k, i in stubs.items()), name="stubs")
        stub_orgs = organization_rows(stubs.items())
        named: dict[str, str] = {}
        for row in stub_orgs:
            if row["orgKey"] not in self.orgs and (row["orgKey"] not in named
                                                   or row["orgName"] < named[row["orgKey"]]):
                named[row["orgKey"]] = row["orgName"]
        args += self._nodes("Organization", ["key:ID(Organization)", "name", "recordVersion"],
                            [*([k, n, v] for k, (v, n) in self.orgs.items()),
                             *([k, n, None] for k, n in named.items())])
        args += self._nodes("PUBLISHED", [":START_ID(Organization)", ":END_ID(Model)"],
                            ([r["orgKey"], r["key"]] for r in stub_orgs),
                            name="published-stubs", flag="relationships")
        args += self._nodes("Contributor", ["key:ID(Contributor)", "name", "kind",
                                            "isBot:boolean", "lastCommit:datetime"],
                            ([k, *c] for k, c in self.contributors.items()))
        args += self._nodes("COMMITTED_TO", [":START_ID(Contributor)", ":END_ID(Model)",
                                             "commitIds:string[]", "commits:long",
                                             "firstCommit:datetime", "lastCommit:datetime"],
                            ([c, m, sorted(ids), len(ids), first, last]
                             for (c, m), (ids, first, last) in self.committed.items()),
                            flag="relationships")
        return args

    def _record_files(self, ends: Ends) -> list[str]:
        """The candidate files and the workers' fragments without the rows of records that
        left nothing: a header file and the parts of each."""
        for table in self.tables.values():
            table.close()
        parts: dict[str, list[Path]] = {t: [] for t in TABLES}
        for t, table in self.tables.items():
            kept = self._keep(table, ends)
            if kept is not None:
                parts[t].append(kept)
        skipped, superseded = frozenset(self.skipped), frozenset(self.superseded)
        spans = [(f, i, skipped, superseded) for f, i in self.fragments]
        results = (self.pool.ordered(keep_fragment, iter(spans)) if self.pool is not None
                   else (keep_fragment(*a) for a in spans))
        counts = dict.fromkeys(TABLES, 0)
        for (folder, index, _, _), (found, kept_rows) in zip(spans, results, strict=True):
            merge_ends(ends, found)
            for t, n in kept_rows.items():
                counts[t] += n
                if n:
                    parts[t].append(fragment_path(folder, index, t))
        args: list[str] = []
        for t, table in self.tables.items():
            flag, label = TABLE_GROUPS[t]
            self.rows[label] = self.rows.get(label, 0) + table.kept + counts[t]
            if parts[t]:
                header = self.folder / f"{t}.header.csv"
                with header.open("w", encoding="utf-8", newline="") as fh:
                    csv.writer(fh).writerow(table.header)
                args.append(f"--{flag}={label}={','.join(str(f) for f in [header, *parts[t]])}")
        return args

    def _keep(self, table: _Table, ends: Ends) -> Path | None:
        """The rows of a candidate file (no header) without superseded records' rows; collects
        the end nodes its relationships name."""
        final = table.path.with_name(table.path.name.replace(".candidate", ""))
        label = TABLE_GROUPS[table.path.name.replace(".candidate.csv", "")][1]
        if not table.rows:
            table.path.unlink()
            return None
        with table.path.open(encoding="utf-8", newline="") as src, \
                final.open("w", encoding="utf-8", newline="") as dst:
            reader, writer = csv.reader(src), csv.writer(dst)
            next(reader)
            version_at = 3 if label == "Model" else 1
            for row in reader:
                if self.superseded and (row[0], row[version_at]) in self.superseded:
                    continue
                writer.writerow(row)
                table.kept += 1
                _collect_end(label, row, ends)
        table.path.unlink()
        return final if table.kept else None

    def _nodes(self, group: str, header: list[str], rows: Iterable[list[Any]],
               name: str | None = None, flag: str = "nodes") -> list[str]:
        """A final file written from the reduced state (``group``: label or type)."""
        table = _Table(self.folder / f"{(name or group).lower()}.csv", header)
        for row in rows:
            table.write(row)
        table.close()
        self.rows[group] = self.rows.get(group, 0) + table.rows
        return [f"--{flag}={group}={table.path}"] if table.rows else []


def _collect_end(rel_type: str, row: list[str], ends: dict[str, dict[str, Any]]) -> None:
    end = row[3]
    if rel_type == "HAS_ARCHITECTURE":
        ends["Architecture"][end] = None
    elif rel_type == "LICENSED_UNDER":
        ends["License"][end] = row[4]
    elif rel_type == "TRAINED_ON":
        known = ends["Dataset"].get(end)
        ends["Dataset"][end] = row[4] if known is None or row[4] < known else known
    elif rel_type == "DERIVED_FROM":
        known = ends["Model"].get(end)
        ends["Model"][end] = row[4] if known is None or row[4] < known else known


def _line_file(path: Path, stage: Stage) -> Path | None:
    """The JSON-lines file a snapshot stage reads, if it reads one."""
    f = path if path.is_file() else path / stage.where
    if f.name != stage.where or not f.is_file():
        return None
    with f.open("rb") as fh:
        return None if fh.read(4) == b"PAR1" else f


def write_snapshot(
        tables: CsvTables, path: Path, contributor_kind: str, summary: LoadSummary,
        sink: Rejects, batch_size: int, progress: bool) -> None:
    """Every stage of a snapshot into ``tables``: JSON-lines files through the tables' pool
    (if any), other sources in this process."""
    auto = contributor_kind == "auto"
    stages = snapshot_stages(path, "hub" if auto and tables.pool else contributor_kind)
    lines = {id(s): f for s in stages if (f := _line_file(path, s)) is not None}
    if tables.pool is None or (auto and any(s.kind == "commits" and id(s) not in lines
                                            for s in stages)):
        stages = snapshot_stages(path, contributor_kind) if tables.pool else stages
        lines = {}
    for n, stage in enumerate(stages):
        f = lines.get(id(stage))
        folder = tables.folder / f"stage{n}"
        if f is not None and tables.pool is not None:
            if auto and stage.kind == "commits":
                stage.contributor_kind = pooled_contributor_kind(tables.pool, f)
            stage.items = pooled_items(tables.pool, stage.kind, f, folder)
        write_stage(tables, stage, summary, sink, batch_size, progress)
        if f is not None and stage.kind == "models":
            for side in sorted(folder.glob("chunk-*.pickle")):
                tables.add_fragments(folder, int(side.stem.split("-")[1]))


def _driver(instance: ManagedNeo4j) -> neo4j.Driver:
    return instance.driver()


def bulk_load(  # noqa: PLR0913 (keyword-only load and import options)
        instance: ManagedNeo4j, path: Path | str, *, database: str = "neo4j",
        rejects: Path | str | None = None, rejects_dir: Path | None = None,
        workdir: Path | None = None,
        max_off_heap: str = "2G", admin_heap: str = "1g", batch_size: int = 5000,
        progress: bool = False, contributor_kind: str = "auto",
        start_timeout: float = 600.0, timings: BulkTimings | None = None,
        replace: bool = False) -> LoadSummary:
    """First load of a snapshot into the EMPTY database of a managed server, offline.

    Refuses (``BulkLoadRefusedError``) when the database holds anything but the schema node,
    unless ``replace`` says to throw the whole store away (the benchmark does; the CLI never).
    Rejects go to ``rejects``, else to a new file in ``rejects_dir`` (as in an online load).
    The server is running afterwards, whatever happened.
    """
    timings = timings if timings is not None else BulkTimings()
    with load_lock(instance.load_lock_file):
        began = time.monotonic()
        instance.start(timeout=start_timeout)
        with _driver(instance) as drv:
            held = 0 if replace else data_node_count(drv, database)
        if held:
            raise BulkLoadRefusedError(
                f"database {database!r} already holds {held:,} nodes: the bulk path replaces the "
                "whole store, so it only runs on an empty database. Load without --bulk to add "
                "to it (the online loader merges).")
        snapshot_files(Path(path))  # a typo is an error before the server stops
        summary = LoadSummary(source="snapshot", run_id="")
        sink = Rejects(Path(rejects) if rejects
                       else rejects_path(f"snapshot-{Path(path).name}", rejects_dir))
        work = Path(tempfile.mkdtemp(prefix="bulk-", dir=workdir or instance.home / "import"))
        stopping = _Stopping(instance)
        try:
            t0 = time.monotonic()
            with Pool() as pool:
                stopping.start()  # the server stops while the CSV files are written
                tables = CsvTables(work, pool)
                write_snapshot(tables, Path(path), contributor_kind, summary, sink,
                               batch_size, progress)
                import_args = tables.finish()
            timings.rows = tables.rows
            summary.rejects_path = sink.close()
            summary.issues = sink.issues
            timings.csv = time.monotonic() - t0
            _import(instance, stopping, database, import_args, max_off_heap, admin_heap,
                    timings)
        finally:
            sink.close()
            try:
                stopping.wait()
            finally:
                shutil.rmtree(work, ignore_errors=True)
                if not instance.pid():
                    t0 = time.monotonic()
                    instance.start(timeout=start_timeout)
                    timings.start = time.monotonic() - t0
        t0 = time.monotonic()
        with _driver(instance) as drv:
            init_schema(drv, database)
            run = LoadRun(drv, database, "snapshot", str(path))
            summary.run_id = run.id
            run.finish(summary)
        summary.seconds = time.monotonic() - began
        timings.schema = time.monotonic() - t0
        return summary


class _Stopping:
    """The server's stop, in a thread, so it overlaps the CSV stage."""

    def __init__(self, instance: ManagedNeo4j) -> None:
        self.instance = instance
        self.error: BaseException | None = None
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, name="bulk-stop", daemon=True)

    def _run(self) -> None:
        t0 = time.monotonic()
        try:
            self.instance.stop()
        except BaseException as e:  # re-raised by wait()
            self.error = e
        self.seconds = time.monotonic() - t0

    def start(self) -> None:
        self._thread.start()

    def wait(self) -> None:
        """Block until the server is stopped (if the stop was started); re-raise its error."""
        if self._thread.is_alive() or self._thread.ident is not None:
            self._thread.join()
        if self.error is not None:
            error, self.error = self.error, None
            raise error


def _import(instance: ManagedNeo4j, stopping: _Stopping, database: str, args: list[str],
            max_off_heap: str, admin_heap: str, timings: BulkTimings) -> None:
    t0 = time.monotonic()
    stopping.wait()
    timings.stop = time.monotonic() - t0
    timings.stop_overlapped = stopping.seconds
    t0 = time.monotonic()
    proc = instance.admin(
        "database", "import", "full", *args, "--id-type=string",
        f"--array-delimiter={ARRAY_DELIMITER}", "--multiline-fields=true",
        "--overwrite-destination=true", f"--max-off-heap-memory={max_off_heap}",
        f"--report-file={instance.home / 'logs' / 'import.report'}", database,
        heap=admin_heap)
    timings.admin_import = time.monotonic() - t0
    if proc.returncode != 0:
        raise DatabaseError(
            f"neo4j-admin database import failed (exit {proc.returncode}):\n"
            + "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:]))
