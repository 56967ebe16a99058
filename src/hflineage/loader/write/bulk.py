"""The bulk path for a first load: normalized rows → CSV files → ``neo4j-admin database import``.

For an EMPTY managed database only. The rows are the online loader's (``snapshot_stages`` and
the stage runner's batching), reduced offline to the graph the online writes leave behind:

- a model is described by its newest record (``version``); superseded records leave nothing;
- an organization is named by the newest record that described one of its models;
- a parent or a commit's model that no record describes is a stub, spelled as the smallest
  spelling that refers to it;
- a dataset keeps its smallest spelling; a contributor the spelling of its latest commit;
- ``COMMITTED_TO`` holds the distinct commit ids (sorted), their count and time range.

Then the server is stopped, ``neo4j-admin database import full`` replaces the store, the server
starts again, and the constraints, the schema version and a ``LoadRun`` are created as in an
online load. Memory grows with the number of models and commits (it keeps one version string
per model and the commit ids per contributor and model), unlike the online loader.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import neo4j

from hflineage.cypher import statement
from hflineage.db.lock import load_lock
from hflineage.db.runtime import ManagedNeo4j
from hflineage.db.schema import data_node_count, init_schema
from hflineage.errors import BulkLoadRefusedError, DatabaseError
from hflineage.loader.normalize.rules import CommitRow, ModelRows, Row
from hflineage.loader.sources.snapshot import snapshot_stages
from hflineage.loader.write.online import (
    batched,
    committed_to_rows,
    newest_per_key,
    organization_rows,
)
from hflineage.loader.write.run import LoadRun, LoadSummary, Rejects, rejects_path
from hflineage.loader.write.stages import write_stage

ARRAY_DELIMITER = "\x1f"  # never in a tag or an id, unlike the default ';'
FILTER = (":IGNORE", ":IGNORE")  # model key and version of the record a row came from

MODEL_PROPS = (
    ("id", ""), ("stub", "boolean"), ("recordVersion", ""), ("author", ""),
    ("createdAt", "datetime"), ("lastModified", "datetime"), ("downloads", "long"),
    ("likes", "long"), ("pipelineTag", ""), ("libraryName", ""), ("modelType", ""),
    ("gated", "?"), ("license", ""), ("tags", "string[]"), ("quantizedStorage", "boolean"),
    ("parameters", "long"),
    ("parametersSource", ""), ("architectureSource", ""), ("nameParameters", "long"),
    ("fileEvidence", "string[]"),
)
GATED_TYPES = {"boolean": bool, "string": str, "none": type(None)}


@dataclass
class BulkTimings:
    """Where the time of a bulk load went, in seconds."""

    csv: float = 0.0
    stop: float = 0.0
    admin_import: float = 0.0
    start: float = 0.0
    schema: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(value)
    return value


def _header(name: str, kind: str) -> str:
    return f"{name}:{kind}" if kind else name


class _Table:
    """One CSV file of nodes or relationships, header first."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        self.path = path
        self.header = list(header)
        self.rows = 0
        self._fh: TextIO = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._fh)
        self._csv.writerow(self.header)

    def write(self, values: Iterable[Any]) -> None:
        self._csv.writerow([_cell(v) for v in values])
        self.rows += 1

    def close(self) -> None:
        self._fh.close()


class CsvTables:
    """Takes the online writer's batches and keeps what the online writes would leave.

    It is a :class:`~hflineage.loader.write.stages.Writer`, like the online writer, so the
    loader's own stage runner feeds it.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.best: dict[str, str] = {}
        self.superseded: set[tuple[str, str]] = set()
        self.orgs: dict[str, tuple[str, str]] = {}
        self.commit_models: dict[str, str] = {}
        self.contributors: dict[str, list[Any]] = {}
        self.committed: dict[tuple[str, str], list[Any]] = {}
        self.rows: dict[str, int] = {}
        model_header = [_header(n, k) for n, k in MODEL_PROPS]
        self.model_tables = {
            g: self._candidate(f"models-{g}", ["key:ID(Model)", *[
                h if not h.startswith("gated") else ("gated" if g == "string" else
                                                     "gated:boolean")
                for h in model_header]]) for g in GATED_TYPES}
        self.rels = {
            "PUBLISHED": self._candidate("published", [*FILTER, ":START_ID(Organization)",
                                                      ":END_ID(Model)"]),
            "HAS_ARCHITECTURE": self._candidate("has-architecture", [
                *FILTER, ":START_ID(Model)", ":END_ID(Architecture)"]),
            "LICENSED_UNDER": self._candidate("licensed-under", [
                *FILTER, ":START_ID(Model)", ":END_ID(License)", "category:IGNORE"]),
            "TRAINED_ON": self._candidate("trained-on", [
                *FILTER, ":START_ID(Model)", ":END_ID(Dataset)", "id:IGNORE"]),
            "DERIVED_FROM": self._candidate("derived-from", [
                *FILTER, ":START_ID(Model)", ":END_ID(Model)", "parentId:IGNORE", "relation",
                "source", "relationSource"]),
        }

    def _candidate(self, name: str, header: list[str]) -> _Table:
        return _Table(self.folder / f"{name}.candidate.csv", header)

    # --- the Writer interface ---------------------------------------------------------
    def models(self, batch: Sequence[ModelRows]) -> None:
        for rows in newest_per_key(batch):
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
            return
        if before is not None:
            self.superseded.add((key, before))
        self.best[key] = version
        props = _model_props(m)
        self.model_tables[_gated_group(m["gated"])].write([key, *props])
        if m["orgKey"] is not None:
            org = self.orgs.get(m["orgKey"])
            if org is None or version > org[0]:
                self.orgs[m["orgKey"]] = (version, m["orgName"])
            self.rels["PUBLISHED"].write([key, version, m["orgKey"], key])
        for a in rows.architectures:
            self.rels["HAS_ARCHITECTURE"].write([key, version, key, a["name"]])
        for lic in rows.licenses:
            self.rels["LICENSED_UNDER"].write([key, version, key, lic["id"], lic["category"]])
        for d in rows.datasets:
            self.rels["TRAINED_ON"].write([key, version, key, d["key"], d["id"]])
        for p in rows.parents:
            self.rels["DERIVED_FROM"].write([key, version, key, p["parentKey"], p["parentId"],
                                             p["relation"], p["source"], p["relationSource"]])

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
        for table in [*self.model_tables.values(), *self.rels.values()]:
            table.close()
        args: list[str] = []
        for table in self.model_tables.values():
            args += self._keep(table, "nodes", "Model", by_model=True)
        ends: dict[str, dict[str, Any]] = {"Architecture": {}, "License": {}, "Dataset": {},
                                          "Model": {}}
        for rel_type, table in self.rels.items():
            args += self._keep(table, "relationships", rel_type, ends=ends)
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

    def _keep(self, table: _Table, flag: str, label: str, *, by_model: bool = False,
              ends: dict[str, dict[str, Any]] | None = None) -> list[str]:
        """Drop the rows of superseded records; collect the end nodes relationships name."""
        final = table.path.with_name(table.path.name.replace(".candidate", ""))
        kept = 0
        with table.path.open(encoding="utf-8", newline="") as src, \
                final.open("w", encoding="utf-8", newline="") as dst:
            reader, writer = csv.reader(src), csv.writer(dst)
            writer.writerow(next(reader))
            version_at = 3 if by_model else 1
            for row in reader:
                if self.superseded and (row[0], row[version_at]) in self.superseded:
                    continue
                writer.writerow(row)
                kept += 1
                if ends is not None:
                    _collect_end(label, row, ends)
        table.path.unlink()
        self.rows[label] = self.rows.get(label, 0) + kept
        return [f"--{flag}={label}={final}"] if kept else []

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


def _gated_group(value: object) -> str:
    return next(g for g, t in GATED_TYPES.items() if isinstance(value, t))


def _model_props(m: Row) -> list[Any]:
    """The properties ``write/describe_models`` sets on a first description."""
    values = m | {
        "stub": False, "recordVersion": m["version"],
        "parametersSource": "safetensors" if m["parameters"] is not None else None,
        "architectureSource": "config" if m["hasArchitectures"] else None,
    }
    return [values[name] for name, _ in MODEL_PROPS]


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
        stages = snapshot_stages(Path(path), contributor_kind)
        summary = LoadSummary(source="snapshot", run_id="")
        sink = Rejects(Path(rejects) if rejects
                       else rejects_path(f"snapshot-{Path(path).name}", rejects_dir))
        work = Path(tempfile.mkdtemp(prefix="bulk-", dir=workdir or instance.home / "import"))
        try:
            t0 = time.monotonic()
            tables = CsvTables(work)
            for stage in stages:
                write_stage(tables, stage, summary, sink, batch_size, progress)
            import_args = tables.finish()
            timings.rows = tables.rows
            summary.rejects_path = sink.close()
            summary.issues = sink.issues
            timings.csv = time.monotonic() - t0
            _import(instance, database, import_args, max_off_heap, admin_heap, timings)
        finally:
            sink.close()
            if not instance.pid():
                t0 = time.monotonic()
                instance.start(timeout=start_timeout)
                timings.start = time.monotonic() - t0
        shutil.rmtree(work, ignore_errors=True)
        t0 = time.monotonic()
        with _driver(instance) as drv:
            init_schema(drv, database)
            for keys in batched(tables.best, batch_size):
                drv.execute_query(statement("write/flag_parameters"), {"keys": keys},
                                  database_=database)
            run = LoadRun(drv, database, "snapshot", str(path))
            summary.run_id = run.id
            run.finish(summary)
        summary.seconds = time.monotonic() - began
        timings.schema = time.monotonic() - t0
        return summary


def _import(instance: ManagedNeo4j, database: str, args: list[str], max_off_heap: str,
            admin_heap: str, timings: BulkTimings) -> None:
    t0 = time.monotonic()
    instance.stop()
    timings.stop = time.monotonic() - t0
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
