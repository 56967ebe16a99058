"""Own your graph: empty it (``db reset``), keep it in one file (``db dump``), bring it back
(``db restore``).

A dump FILE is an uncompressed tar holding ``manifest.json`` first (schema, Neo4j and hflineage
versions, counts, fingerprint, the dump's size and SHA-256) and then Neo4j's own archive from
``neo4j-admin database dump`` (already compressed). Dumps and restores work on the managed
server only: they stop it, run ``neo4j-admin``, and start it again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j

from hflineage import SCHEMA_VERSION, __version__
from hflineage.config import Settings
from hflineage.cypher import statement
from hflineage.db.connection import ensure_restored
from hflineage.db.fingerprint import fingerprint
from hflineage.db.lock import no_load_running
from hflineage.db.runtime import ManagedNeo4j, user_instance
from hflineage.db.schema import (
    data_node_count,
    init_schema,
    node_count,
    schema_versions,
    wipe_database,
)
from hflineage.db.version import bump_epoch, graph_version
from hflineage.errors import (
    ConfigError,
    DatabaseError,
    DumpFileError,
    NotConfirmedError,
    RestoreIncompleteError,
    SchemaVersionError,
)

MANIFEST = "manifest.json"
DUMP = "neo4j.dump"
FORMAT = "hflineage-dump"
FORMAT_VERSION = 1
CHUNK = 1 << 20

#: Asked before data is deleted; returns whether to go on.
Confirm = Callable[[str], bool]


@dataclass(frozen=True)
class Manifest:
    """What a dump FILE holds, written beside Neo4j's archive."""

    database: str
    created: str
    schema_version: int | None
    hflineage_version: str
    neo4j_version: str
    counts: dict[str, int]
    fingerprint: dict[str, Any]
    dump_bytes: int = 0
    dump_sha256: str = ""

    def to_json(self) -> bytes:
        return json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION, **asdict(self)},
                          indent=2).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        if data.pop("format", None) != FORMAT or data.pop("format_version", None) != FORMAT_VERSION:
            raise ValueError(f"not a {FORMAT} version {FORMAT_VERSION} manifest")
        return cls(**data)


@dataclass(frozen=True)
class ResetResult:
    """What ``db reset`` removed and the user's files it left alone."""

    database: str
    nodes: int
    checkpoints: list[Path]
    rejects: list[Path]

    def lines(self) -> list[str]:
        out = [f"deleted {self.nodes:,} nodes of database {self.database!r}; schema ready",
               f"removed {len(self.checkpoints)} crawl checkpoint(s)"
               + "".join(f"\n  {p}" for p in self.checkpoints)]
        if self.rejects:
            out.append("kept rejects (your files; delete them yourself if unwanted):"
                       + "".join(f"\n  {p}" for p in self.rejects))
        return out


@dataclass(frozen=True)
class DumpResult:
    """A written dump FILE."""

    path: Path
    bytes: int
    seconds: float
    manifest: Manifest

    def lines(self) -> list[str]:
        c = self.manifest.counts
        return [f"dumped {c['nodes']:,} nodes and {c['relationships']:,} relationships to "
                f"{self.path} ({self.bytes / 1e6:,.1f} MB) in {self.seconds:.1f}s"]


@dataclass(frozen=True)
class RestoreResult:
    """A restored graph, and what to do when its schema is older than this hflineage's."""

    path: Path
    seconds: float
    manifest: Manifest

    def lines(self) -> list[str]:
        c, m = self.manifest.counts, self.manifest
        out = [f"restored {c['nodes']:,} nodes and {c['relationships']:,} relationships from "
               f"{self.path} (dumped {m.created} by hflineage {m.hflineage_version}) "
               f"in {self.seconds:.1f}s"]
        if m.schema_version is not None and m.schema_version < SCHEMA_VERSION:
            out.append(
                f"note: this graph has schema version {m.schema_version}, older than this "
                f"hflineage's {SCHEMA_VERSION}: queries refuse it until you reload its sources "
                "(`hflineage load snapshot|leaderboard|hub ...` re-describes every record), or "
                f"query it with hflineage {m.hflineage_version}, which made it")
        return out


def managed_instance(settings: Settings, doing: str) -> ManagedNeo4j:
    """The managed server; a server named by ``NEO4J_URI`` is refused, naming its own tools."""
    if settings.neo4j_uri:
        raise ConfigError(
            f"`db {doing}` works on the managed server only; for the server at "
            f"{settings.neo4j_uri} use its own tools (`neo4j-admin database dump|load` with the "
            "server stopped, or snapshots on Aura), or unset NEO4J_URI")
    return user_instance(settings)


def database_to_reset(settings: Settings, database: str | None) -> str:
    """``--database``, else ``NEO4J_DATABASE``; on a ``NEO4J_URI`` server it must be named."""
    if database:
        return database
    if settings.neo4j_uri and "neo4j_database" not in settings.model_fields_set:
        raise ConfigError(
            f"NEO4J_URI points to a server hflineage did not start ({settings.neo4j_uri}): name "
            "the database to empty with --database NAME or NEO4J_DATABASE")
    return settings.neo4j_database


def graph_counts(driver: neo4j.Driver, database: str) -> dict[str, int]:
    """All nodes and relationships, bookkeeping included."""
    records, _, _ = driver.execute_query(statement("read/count_graph"), database_=database,
                                         routing_=neo4j.RoutingControl.READ)
    return {"nodes": int(records[0]["nodes"]), "relationships": int(records[0]["relationships"])}


def crawl_checkpoints(crawl_dir: Path) -> list[Path]:
    """The crawl folders ``load hub`` keeps in the state folder (those holding a checkpoint)."""
    if not crawl_dir.is_dir():
        return []
    return sorted(p for p in crawl_dir.iterdir() if (p / "crawl.json").exists())


def _is_rejects(path: Path) -> bool:
    return path.name.startswith("rejects") and path.suffix == ".jsonl"


def _remove_checkpoint(folder: Path) -> None:
    """Everything of a crawl folder but its rejects files (the folder goes when empty)."""
    for path in folder.iterdir():
        if path.is_dir():
            shutil.rmtree(path)
        elif not _is_rejects(path):
            path.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()


def known_rejects(crawl_dir: Path, rejects_dirs: Sequence[Path]) -> list[Path]:
    """Folders holding rejects files hflineage wrote: listed to the user, never deleted."""
    found = [d for d in rejects_dirs if d.is_dir()]
    if crawl_dir.is_dir():
        found += [d for d in sorted(crawl_dir.iterdir())
                  if d.is_dir() and any(_is_rejects(p) for p in d.iterdir())]
    return found


def reset_graph(driver: neo4j.Driver, database: str, *, crawl_dir: Path,
                rejects_dirs: Sequence[Path], confirm: Confirm,
                instance: ManagedNeo4j | None = None) -> ResetResult:
    """Delete every node (LoadRuns included), run ``db init``, bump the graph epoch past the one
    read before the wipe, and remove the crawl checkpoints in ``crawl_dir``; rejects files stay.
    ``instance`` (the managed server) adds its load lock and clears an interrupted restore.
    Nothing changes unless ``confirm`` says yes."""
    guard = (no_load_running(instance.load_lock_file, "reset") if instance
             else contextlib.nullcontext())
    with guard:
        nodes = node_count(driver, database)
        checkpoints = crawl_checkpoints(crawl_dir)
        if not confirm(f"Delete all {nodes:,} nodes of database {database!r} (LoadRuns "
                       f"included) and {len(checkpoints)} crawl checkpoint(s)?"):
            raise NotConfirmedError("nothing was changed")
        epoch = graph_version(driver, database).epoch
        wipe_database(driver, database)
        init_schema(driver, database)
        bump_epoch(driver, database, at_least=epoch)
        for folder in checkpoints:
            _remove_checkpoint(folder)
        if instance is not None:
            instance.restore_marker.unlink(missing_ok=True)
    return ResetResult(database, nodes, checkpoints, known_rejects(crawl_dir, rejects_dirs))


def describe_graph(driver: neo4j.Driver, database: str, neo4j_version: str) -> Manifest:
    """The manifest of the graph as it is now (before its archive is added)."""
    versions = schema_versions(driver, database)
    return Manifest(database=database, created=datetime.now(UTC).isoformat(timespec="seconds"),
                    schema_version=max(versions) if versions else None,
                    hflineage_version=__version__, neo4j_version=neo4j_version,
                    counts=graph_counts(driver, database),
                    fingerprint=fingerprint(driver, database).as_dict())


def dump_graph(instance: ManagedNeo4j, file: Path, *, database: str = "neo4j",
               force: bool = False, start_timeout: float = 600.0) -> DumpResult:
    """Write the managed graph to FILE (refused if FILE exists, unless ``force``). Refused while
    a load runs. FILE appears whole or not at all; the server is running afterwards."""
    file = Path(file)
    if file.is_dir() or (file.exists() and not force):
        raise DumpFileError(f"{file} exists: pass --force to overwrite it"
                            if not file.is_dir() else f"{file} is a folder; name a file")
    began = time.monotonic()
    with no_load_running(instance.load_lock_file, "dump"):
        ensure_restored(instance)
        instance.start(timeout=start_timeout)
        with instance.driver() as drv:
            manifest = describe_graph(drv, database, instance.status().version)
        with _workdir(instance) as work:
            _offline(instance, start_timeout, "database", "dump", database,
                     f"--to-path={work}", "--overwrite-destination=true")
            archive = work / f"{database}.dump"
            size, digest = archive.stat().st_size, _sha256(archive)
            manifest = Manifest(**(asdict(manifest) | {"dump_bytes": size,
                                                       "dump_sha256": digest}))
            _write_file(file, manifest, archive)
    return DumpResult(file, file.stat().st_size, time.monotonic() - began, manifest)


def read_manifest(file: Path) -> Manifest:
    """The manifest of a dump FILE, or a one-line ``DumpFileError``."""
    try:
        with tarfile.open(file, "r:") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return Manifest.from_json(member.read())
    except FileNotFoundError:
        raise DumpFileError(f"no such dump file: {file}") from None
    except (tarfile.TarError, KeyError, ValueError, TypeError, OSError) as e:
        raise DumpFileError(f"{file} is not an hflineage dump ({e})") from e


def restore_graph(instance: ManagedNeo4j, file: Path, *, database: str = "neo4j",
                  confirm: Confirm, start_timeout: float = 600.0) -> RestoreResult:
    """Replace the managed graph with FILE's. Asks ``confirm`` when the graph holds data; refused
    while a load runs and for a schema newer than this hflineage's. From the server's stop until
    the restored counts match the manifest, a marker makes every command refuse the graph, so an
    interrupted restore never reads as complete; FILE is only read. A complete restore bumps the
    graph epoch past both the replaced graph's and the restored one's."""
    file = Path(file)
    manifest = read_manifest(file)
    if manifest.schema_version is not None and manifest.schema_version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{file} holds a graph of schema version {manifest.schema_version}, newer than this "
            f"hflineage's ({SCHEMA_VERSION}): restore it with hflineage "
            f"{manifest.hflineage_version} or later")
    began = time.monotonic()
    with no_load_running(instance.load_lock_file, "restore"):
        instance.start(timeout=start_timeout)
        held, epoch = _data_nodes(instance, database)
        question = (f"Replace the graph of database {database!r} ({held:,} nodes) with "
                    f"{file}'s?" if held is not None else
                    f"Database {database!r} cannot be read; replace it with {file}'s graph?")
        if held != 0 and not confirm(question):
            raise NotConfirmedError("nothing was changed")
        with _workdir(instance) as work:
            _extract(file, manifest, work / f"{database}.dump")
            _write_atomically(instance.restore_marker, json.dumps(
                {"file": str(file.resolve()), "started": datetime.now(UTC).isoformat()}).encode())
            _offline(instance, start_timeout, "database", "load", database,
                     f"--from-path={work}", "--overwrite-destination=true")
        with instance.driver() as drv:
            counts = graph_counts(drv, database)
            if counts != manifest.counts:
                raise RestoreIncompleteError(
                    f"the restored graph holds {counts['nodes']:,} nodes and "
                    f"{counts['relationships']:,} relationships, the dump's manifest "
                    f"{manifest.counts['nodes']:,} and {manifest.counts['relationships']:,}; "
                    f"{file} is unchanged: restore it again")
            bump_epoch(drv, database, at_least=epoch)
        instance.restore_marker.unlink()
    return RestoreResult(file, time.monotonic() - began, manifest)


def _data_nodes(instance: ManagedNeo4j, database: str) -> tuple[int | None, int]:
    """Nodes other than the schema and epoch nodes, and the graph epoch; (None, 0) when the
    database cannot be read (the token a bump draws still keeps the next version new)."""
    try:
        with instance.driver() as drv:
            return data_node_count(drv, database), graph_version(drv, database).epoch
    except (DatabaseError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError):
        return None, 0


def _offline(instance: ManagedNeo4j, start_timeout: float, *args: str) -> None:
    """Run ``neo4j-admin <args>`` with the server stopped, and start it again whatever happens."""
    instance.stop()
    try:
        proc = instance.admin(*args)
        if proc.returncode != 0:
            raise DatabaseError(
                f"neo4j-admin {' '.join(args[:2])} failed (exit {proc.returncode}):\n"
                + "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-10:]))
    finally:
        instance.start(timeout=start_timeout)


@contextlib.contextmanager
def _workdir(instance: ManagedNeo4j) -> Iterator[Path]:
    """A scratch folder beside the store (same disk), removed afterwards."""
    (instance.home / "run").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="dump-", dir=instance.home / "run"))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".partial")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _write_file(file: Path, manifest: Manifest, archive: Path) -> None:
    """The tar (manifest first), written beside FILE and renamed over it when complete."""
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(file.name + ".partial")
    try:
        with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
            raw = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(raw), int(time.time()), 0o644
            tar.addfile(info, io.BytesIO(raw))
            tar.add(archive, arcname=DUMP, recursive=False)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, file)
    finally:
        tmp.unlink(missing_ok=True)


def _extract(file: Path, manifest: Manifest, target: Path) -> None:
    """Neo4j's archive out of FILE, checked against the manifest's size and SHA-256."""
    digest = hashlib.sha256()
    try:
        with tarfile.open(file, "r:") as tar:
            member = tar.extractfile(DUMP)
            if member is None:
                raise KeyError(DUMP)
            with target.open("wb") as out:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
    except (tarfile.TarError, KeyError, OSError) as e:
        raise DumpFileError(f"{file} is damaged: {e}") from e
    if target.stat().st_size != manifest.dump_bytes or digest.hexdigest() != manifest.dump_sha256:
        raise DumpFileError(f"{file} is damaged: its Neo4j archive does not match the manifest's "
                            "size and checksum; nothing was changed")
