"""``models.parquet``: one model per row, the columns the snapshot records' top-level keys.

Read a batch at a time (``ParquetFile.iter_batches``), so memory stays flat. Each row becomes
the record its JSON line would be:

- ``config``, ``cardData``, ``safetensors`` and ``siblings`` may be structs (lists, maps) or JSON
  text; malformed text rejects the row. Empty text is an absent value.
- a null is an absent key: struct columns unify their rows' schemas, so a row lacking a field
  gets a null there. Nulls are dropped from the row and from structs and maps at any depth
  (list elements are kept). The loader reads a null and an absent key alike.
- timestamps (any unit; naive ones are UTC) become the Hub API's text,
  ``2024-01-02T03:04:05.000Z`` (microseconds when the value has them); dates become
  ``2024-01-02``.
- a text ``gated`` column's ``false``/``true`` become booleans, and float ``downloads`` and
  ``likes`` with whole values become integers (pandas writes integers with nulls as floats).

A row's line is its 1-based row number; a rejected row's raw is the row as above.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from hflineage.errors import InputError
from hflineage.loader.normalize.rows import Item, Rejected, Stage, model_rows

SUFFIXES = (".parquet", ".pq")
JSON_COLUMNS = ("config", "cardData", "safetensors", "siblings")
COUNT_COLUMNS = ("downloads", "likes")
ID_COLUMNS = ("id", "modelId")
BATCH_ROWS = 4096
_HUB_TIME = "%Y-%m-%dT%H:%M:%SZ"  # %S carries the fraction of the column's unit

Convert = Callable[[Any], Any]


class RowError(ValueError):
    """A row that cannot become a record; the message is the reject reason."""


def is_parquet(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    line = text.splitlines()[0] if text else type(error).__name__
    return "".join(c if c.isprintable() else "?" for c in line)


def open_parquet(path: Path) -> pq.ParquetFile:
    """The file, checked: Parquet, with an ``id`` column; InputError otherwise."""
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as e:
        raise InputError(f"{path} is not a Parquet file: {_first_line(e)}") from None
    if not set(ID_COLUMNS) & set(pf.schema_arrow.names):
        raise InputError(f"{path} has no id column (columns: "
                         f"{', '.join(pf.schema_arrow.names) or 'none'})")
    return pf


def parquet_stage(path: Path) -> Stage:
    """The models of ``path`` as a stage; ``total`` is the row count the file's footer states."""
    if Path(path).name.lower().startswith("commits"):
        raise InputError(f"{path}: commits are read from JSON lines (commits.jsonl) only")
    pf = open_parquet(path)
    return Stage(Path(path).name, "models", parquet_model_rows(pf, where=str(path)),
                 pf.metadata.num_rows)


def parquet_model_rows(pf: pq.ParquetFile, batch_rows: int | None = None,
                       where: str = "Parquet file") -> Iterator[Item]:
    """(row number, rows) for each row, as :func:`model_rows` gives them for JSON lines; a
    file unreadable part-way is an InputError naming ``where``."""
    for line, record in enumerate(parquet_records(pf, batch_rows, where), start=1):
        if isinstance(record, Rejected):
            yield line, replace(record, line=line)
            continue
        for _, item in model_rows((record,)):
            yield line, replace(item, line=line) if isinstance(item, Rejected) else item


def parquet_records(pf: pq.ParquetFile, batch_rows: int | None = None,
                    where: str = "Parquet file") -> Iterator[dict[str, Any] | Rejected]:
    """Each row as its snapshot record, or a Rejected (line 0: the caller numbers rows);
    ``batch_rows`` rows at a time (default ``BATCH_ROWS``)."""
    names = pf.schema_arrow.names
    converters = [_converter(f.name, f.type) for f in pf.schema_arrow]
    maps = [_holds(f.type, pa.types.is_map) for f in pf.schema_arrow]
    done = 0
    batches = pf.iter_batches(batch_size=batch_rows or BATCH_ROWS)
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError) as e:
            raise InputError(f"{where}: unreadable after row {done:,}: {_first_line(e)}") from None
        if batch is None:
            return
        done += batch.num_rows
        batch = _arrow_prepared(batch)
        # by column, and maps_as_pydicts only where needed: each is many times faster
        columns = [c.to_pylist(maps_as_pydicts="lossy") if has_map else c.to_pylist()
                   for c, has_map in zip(batch.columns, maps, strict=True)]
        for values in zip(*columns, strict=True):
            yield _record(names, values, converters)


def _record(names: list[str], values: tuple[Any, ...], converters: list[Convert | None]
            ) -> dict[str, Any] | Rejected:
    record: dict[str, Any] = {}
    reasons = []
    for name, value, convert in zip(names, values, converters, strict=True):
        if value is None:
            continue
        if convert is not None:
            try:
                value = convert(value)
            except RowError as e:
                reasons.append(str(e))
            if value is None:
                continue
        record[name] = value
    return Rejected(0, "; ".join(reasons), record) if reasons else record


def _arrow_prepared(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Top-level timestamps and dates as text, computed by Arrow (vectorized)."""
    columns = []
    changed = False
    for column in batch.columns:
        if pa.types.is_timestamp(column.type):
            column = _time_text(column)
            changed = True
        elif pa.types.is_date(column.type):
            column = column.cast(pa.string())
            changed = True
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names) if changed else batch


def _time_text(column: pa.Array) -> pa.Array:
    column = column.cast(pa.timestamp(column.type.unit))  # Arrow stores UTC: a relabel
    for unit in ("ms", "us"):
        try:
            exact = column.cast(pa.timestamp(unit), safe=True)
        except pa.ArrowInvalid:
            continue
        return pc.strftime(exact, format=_HUB_TIME)
    return pc.strftime(column.cast(pa.timestamp("us"), safe=False), format=_HUB_TIME)


def _converter(name: str, kind: pa.DataType) -> Convert | None:
    """How a column's Python value becomes the record's; None when it is taken as it is."""
    if name in JSON_COLUMNS and (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return lambda text: _json_text(name, text)
    if name == "gated" and (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return _gated
    if name in COUNT_COLUMNS and pa.types.is_floating(kind):
        return _count
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return None  # text already, made by Arrow
    return _plain if _holds(kind, _walked) else None


def _walked(kind: pa.DataType) -> bool:
    """Values that can hold nulls to drop, or that are no JSON value: times, bytes, decimals."""
    return bool(pa.types.is_struct(kind) or pa.types.is_map(kind)
                or pa.types.is_temporal(kind) or pa.types.is_binary(kind)
                or pa.types.is_large_binary(kind) or pa.types.is_decimal(kind))


def _holds(kind: pa.DataType, test: Callable[[pa.DataType], bool]) -> bool:
    """Whether ``kind`` or a type nested in it passes ``test``."""
    return test(kind) or any(_holds(kind.field(i).type, test) for i in range(kind.num_fields))


def _plain(value: Any) -> Any:
    """A struct-derived value: nulls dropped from dicts, times as Hub text, bytes as text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return _leaf(value)


def _leaf(value: Any) -> Any:
    if isinstance(value, datetime):
        return _hub_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return float(value) if isinstance(value, Decimal) else value


def _hub_time(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    spec = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
    return value.isoformat(timespec=spec) + "Z"


def _json_text(name: str, text: str) -> Any:
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise RowError(f"malformed JSON in {name}: {e.msg} at column {e.colno}") from None
    except RecursionError:
        raise RowError(f"malformed JSON in {name}: nested too deeply") from None


def _gated(value: str) -> bool | str:
    lowered = value.strip().lower()
    return {"false": False, "true": True}.get(lowered, value)


def _count(value: float) -> int | float:
    return int(value) if value.is_integer() else value
