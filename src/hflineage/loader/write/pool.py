"""Worker processes for the bulk path: JSON-lines files parsed and normalized in chunks.

A line file is cut at line ends into chunks of about ``CHUNK_BYTES``; each worker reads its own
chunk, parses and normalizes it (``model_rows``/``commit_rows``, so rejects and their line numbers
are the in-process ones) and, for models, renders every CSV row of each record into fragment
files of its own. The parent gets back, in file order, one small item per record: a
:class:`Prepared` (the model's key, version and organization, its dropped values) or the
commit rows or the reject. After the newest-record reduction, :func:`keep_fragment` (again in
the workers) drops the rows of records that left nothing and gathers the end nodes.
"""

from __future__ import annotations

import codecs
import csv
import multiprocessing
import os
import pickle
from array import array
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hflineage.errors import BulkWorkerError, HFLineageError
from hflineage.loader.normalize.ids import is_hub_username
from hflineage.loader.normalize.rows import Item, Rejected, commit_rows, model_rows
from hflineage.loader.normalize.rules import ModelRows, Row

CHUNK_BYTES = 4 << 20
ARRAY_DELIMITER = "\x1f"  # never in a tag or an id, unlike the default ';'
GATED_TYPES = {"boolean": bool, "string": str, "none": type(None)}
MODEL_PROPS = (
    ("id", ""), ("stub", "boolean"), ("recordVersion", ""), ("author", ""),
    ("createdAt", "datetime"), ("lastModified", "datetime"), ("downloads", "long"),
    ("likes", "long"), ("pipelineTag", ""), ("libraryName", ""), ("modelType", ""),
    ("gated", "?"), ("license", ""), ("tags", "string[]"), ("quantizedStorage", "boolean"),
    ("parameters", "long"),
    ("parametersSource", ""), ("architectureSource", ""), ("nameParameters", "long"),
    ("fileEvidence", "string[]"), ("cardHints", "string[]"), ("parametersFlag", ""),
)
# candidate tables a model record writes to, in this order
TABLES = ("models-boolean", "models-string", "models-none", "published", "has-architecture",
          "licensed-under", "trained-on", "derived-from")
END_KINDS = ("Architecture", "License", "Dataset", "Model")
Ends = dict[str, dict[str, Any]]


@dataclass
class Prepared(ModelRows):
    """A model record whose CSV rows a worker already wrote: ``model`` holds only what the
    reduction needs (key, version, id, orgKey, orgName)."""

    line: int = 0


def cell(value: Any) -> Any:
    """A value as the import tool reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(value)
    return value


def _iso(v: datetime | None) -> str | None:
    return None if v is None else v.isoformat()


def _join(v: list[str] | None) -> str | None:
    return None if v is None else ARRAY_DELIMITER.join(v)


def _flag(v: bool | None) -> str | None:
    return None if v is None else ("true" if v else "false")


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "datetime": _iso, "string[]": _join, "boolean": _flag, "?": cell}


_MODEL_CONVERT = [(i + 1, _CONVERT[kind]) for i, (_, kind) in enumerate(MODEL_PROPS)
                  if kind in _CONVERT]


def model_cells(row: list[Any]) -> list[Any]:
    """A model row (key first, then ``MODEL_PROPS``) as :func:`cell` gives it (None stays None:
    the csv module writes it empty), converting only the columns whose type needs it."""
    out = list(row)
    for i, convert in _MODEL_CONVERT:
        out[i] = convert(out[i])
    return out


def gated_group(value: object) -> str:
    return next(g for g, t in GATED_TYPES.items() if isinstance(value, t))


def model_props(m: Row) -> list[Any]:
    """The properties ``write/describe_models`` sets on a first description."""
    values = m | {
        "stub": False, "recordVersion": m["version"],
        "parametersSource": "safetensors" if m["parameters"] is not None else None,
        "architectureSource": "config" if m["hasArchitectures"] else None,
        "parametersFlag": parameters_flag(m["parameters"], m["nameParameters"]),
    }
    return [values[name] for name, _ in MODEL_PROPS]


def parameters_flag(count: int | None, named: int | None) -> str | None:
    """``write/flag_parameters`` on a new graph (no leaderboard count yet): why a parameter
    count is not to be trusted, or None."""
    if count is None:
        return None
    if count < 10_000_000:
        return "below-10M"
    if named is not None and (count > 10 * named or 10 * count < named):
        return "disagrees-with-name"
    return None


def record_rows(rows: ModelRows) -> list[tuple[str, list[Any]]]:
    """(table, row) of every candidate CSV row of one model record; the first two columns of a
    relationship row are the record's key and version."""
    m = rows.model
    key, version = m["key"], m["version"]
    out: list[tuple[str, list[Any]]] = [
        (f"models-{gated_group(m['gated'])}", [key, *model_props(m)])]
    if m["orgKey"] is not None:
        out.append(("published", [key, version, m["orgKey"], key]))
    out += [("has-architecture", [key, version, key, a["name"]]) for a in rows.architectures]
    out += [("licensed-under", [key, version, key, lic["id"], lic["category"]])
            for lic in rows.licenses]
    out += [("trained-on", [key, version, key, d["key"], d["id"]]) for d in rows.datasets]
    out += [("derived-from", [key, version, key, p["parentKey"], p["parentId"], p["relation"],
                              p["source"], p["relationSource"]]) for p in rows.parents]
    return out


def record_ends(rows: ModelRows) -> tuple[Any, ...]:
    """The end nodes a record's relationships name, as the CSV files spell them."""
    return (tuple(a["name"] for a in rows.architectures),
            tuple((lic["id"], cell(lic["category"])) for lic in rows.licenses),
            tuple((d["key"], d["id"]) for d in rows.datasets),
            tuple((p["parentKey"], p["parentId"]) for p in rows.parents))


def add_ends(ends: Ends, found: tuple[Any, ...]) -> None:
    archs, licenses, datasets, parents = found
    for a in archs:
        ends["Architecture"][a] = None
    for lic, category in licenses:
        ends["License"][lic] = category
    for kind, pairs in (("Dataset", datasets), ("Model", parents)):
        known = ends[kind]
        for k, i in pairs:
            before = known.get(k)
            if before is None or i < before:
                known[k] = i


def merge_ends(into: Ends, more: Ends) -> None:
    into["Architecture"].update(more["Architecture"])
    into["License"].update(more["License"])
    for kind in ("Dataset", "Model"):
        known = into[kind]
        for k, i in more[kind].items():
            before = known.get(k)
            if before is None or i < before:
                known[k] = i


def new_ends() -> Ends:
    return {k: {} for k in END_KINDS}


# --- chunks of a line file -------------------------------------------------------------------
@dataclass(frozen=True)
class Chunk:
    """Bytes ``start:end`` of a line file, starting at line ``first_line``."""

    index: int
    path: Path
    start: int
    end: int
    first_line: int


def chunks(path: Path, size: int | None = None) -> Iterator[Chunk]:
    """The file cut at line ends into pieces of about ``size`` (``CHUNK_BYTES``) bytes."""
    size = size or CHUNK_BYTES
    with path.open("rb") as fh:
        start, line, index = 0, 1, 0
        while True:
            block = fh.read(size)
            if not block:
                return
            if not block.endswith(b"\n"):
                block += fh.readline()
            yield Chunk(index, path, start, start + len(block), line)
            start += len(block)
            line += block.count(b"\n")
            index += 1


def chunk_lines(chunk: Chunk) -> list[str]:
    """The lines of a chunk as ``read_lines`` gives them (``\\n`` kept, a leading BOM dropped,
    undecodable bytes as U+FFFD)."""
    with chunk.path.open("rb") as fh:
        fh.seek(chunk.start)
        data = fh.read(chunk.end - chunk.start)
    if chunk.start == 0 and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    parts = data.decode("utf-8", errors="replace").split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


class _Lines:
    """A csv writer target that keeps each row's text."""

    def __init__(self) -> None:
        self.rows: list[str] = []
        self.write = self.rows.append


def fragment_path(folder: Path, index: int, table: str) -> Path:
    return folder / f"{table}.part{index:05d}.csv"


def parse_chunk(kind: str, chunk: Chunk, folder: Path | None) -> list[Item]:
    """A chunk's records as ``model_rows``/``commit_rows`` give them. Models (with ``folder``)
    come back as :class:`Prepared`, their rows written to the chunk's fragments and their ends
    and positions to ``chunk-<index>.pickle``."""
    shift = chunk.first_line - 1
    lines = chunk_lines(chunk)
    if kind != "models" or folder is None:
        items = commit_rows(lines) if kind == "commits" else model_rows(lines)
        return [(line + shift, _shifted(item, shift)) for line, item in items]
    sinks = {t: _Lines() for t in TABLES}
    writers = {t: csv.writer(s) for t, s in sinks.items()}
    out: list[Item] = []
    facts: list[tuple[int, str, str, tuple[Any, ...], tuple[int, ...]]] = []
    for line, item in model_rows(lines):
        line += shift
        if isinstance(item, Rejected):
            out.append((line, _shifted(item, shift)))
            continue
        for table, row in record_rows(item):
            writers[table].writerow(model_cells(row) if table.startswith("models-")
                                    else row)
        m = item.model
        facts.append((line, m["key"], m["version"], record_ends(item),
                       tuple(len(sinks[t].rows) for t in TABLES)))
        out.append((line, Prepared(
            {k: m[k] for k in ("key", "version", "id", "orgKey", "orgName")},
            issues=item.issues, line=line)))
    sizes: dict[str, array[int]] = {}
    for table, sink in sinks.items():
        encoded = [r.encode("utf-8") for r in sink.rows]
        sizes[table] = array("q", (len(b) for b in encoded))
        if encoded:
            fragment_path(folder, chunk.index, table).write_bytes(b"".join(encoded))
    with (folder / f"chunk-{chunk.index:05d}.pickle").open("wb") as fh:
        pickle.dump((facts, sizes), fh, protocol=pickle.HIGHEST_PROTOCOL)
    return out


def _shifted(item: Any, shift: int) -> Any:
    if isinstance(item, Rejected) and shift:
        return Rejected(item.line + shift, item.reason, item.raw)
    return item


def keep_fragment(folder: Path, index: int, skipped: frozenset[int],
                  superseded: frozenset[tuple[str, str]]) -> tuple[Ends, dict[str, int]]:
    """Drop the rows of the chunk's records that leave nothing (``skipped`` lines, superseded
    (key, version) pairs); return the end nodes and row counts of what is kept."""
    side = folder / f"chunk-{index:05d}.pickle"
    with side.open("rb") as fh:
        facts, sizes = pickle.load(fh)
    side.unlink()
    ends = new_ends()
    dropped: list[tuple[int, tuple[int, ...]]] = []
    kept_rows = dict.fromkeys(TABLES, 0)
    before = tuple(0 for _ in TABLES)
    for n, (line, key, version, found, upto) in enumerate(facts):
        if line in skipped or (key, version) in superseded:
            dropped.append((n, before))
        else:
            add_ends(ends, found)
            for t, a, b in zip(TABLES, before, upto, strict=True):
                kept_rows[t] += b - a
        before = upto
    if dropped:
        starts = {n: lo for n, lo in dropped}
        for ti, table in enumerate(TABLES):
            gone = [(starts[n], facts[n][4][ti]) for n, _ in dropped
                    if facts[n][4][ti] > starts[n][ti]]
            if not gone:
                continue
            path = fragment_path(folder, index, table)
            offsets = [0]
            for size in sizes[table]:
                offsets.append(offsets[-1] + size)
            data = path.read_bytes()
            pieces, at = [], 0
            for lo, hi in gone:
                pieces.append(data[offsets[at]:offsets[lo[ti]]])
                at = hi
            pieces.append(data[offsets[at]:])
            path.write_bytes(b"".join(pieces))
    return ends, kept_rows


# --- the pool --------------------------------------------------------------------------------
def workers() -> int:
    """Worker processes: one per core."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def _ready() -> int:
    return os.getpid()


class Pool:
    """Worker processes, forked at once (before the caller starts progress threads; ``spawn``
    where there is no ``fork``). Errors in a worker surface as one-line
    :class:`BulkWorkerError`; leaving the block ends every worker."""

    def __init__(self, processes: int | None = None) -> None:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.processes = processes or workers()
        self._ex = ProcessPoolExecutor(self.processes, mp_context=ctx)
        try:
            _result(self._ex.submit(_ready))
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._ex.shutdown(wait=True, cancel_futures=True)

    def ordered(self, fn: Callable[..., Any], args: Iterator[tuple[Any, ...]]) -> Iterator[Any]:
        """``fn(*a)`` for each ``a``, in order, at most two tasks per worker ahead."""
        window: list[Future[Any]] = []
        ahead = 2 * self.processes
        try:
            for a in args:
                window.append(self._ex.submit(fn, *a))
                if len(window) > ahead:
                    yield _result(window.pop(0))
            while window:
                yield _result(window.pop(0))
        finally:
            for f in window:
                f.cancel()


def _result(future: Future[Any]) -> Any:
    try:
        return future.result()
    except HFLineageError:
        raise
    except Exception as e:  # the worker's own error, whatever it was
        text = str(e).splitlines()[0] if str(e) else ""
        raise BulkWorkerError(f"a bulk-load worker failed: {type(e).__name__}: {text}") from None


def pooled_items(pool: Pool, kind: str, path: Path, folder: Path | None,
                 size: int | None = None) -> Iterator[Item]:
    """The items of a line file of ``kind`` records, parsed by the pool, in file order (models
    as :class:`Prepared`, their rows in ``folder``)."""
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    args = ((kind, c, folder) for c in chunks(path, size))
    for items in pool.ordered(parse_chunk, args):
        yield from items


def chunk_authors(chunk: Chunk) -> set[str]:
    """The distinct commit authors of a chunk of a commits file."""
    return {c.author for _, item in commit_rows(chunk_lines(chunk)) if isinstance(item, list)
            for c in item}


def pooled_contributor_kind(pool: Pool, path: Path) -> str:
    """``detect_contributor_kind`` of a commits file, by the pool."""
    names: set[str] = set()
    for found in pool.ordered(chunk_authors, ((c,) for c in chunks(path))):
        names |= found
    not_users = sum(not is_hub_username(n) for n in names)
    return "git" if names and not_users * 2 > len(names) else "hub"
