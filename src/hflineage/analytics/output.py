"""Query results: a rich table for the terminal, CSV, JSON (a list of row objects), Parquet."""

from __future__ import annotations

import io
import json
import math
import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from hflineage.errors import HFLineageError, OutputFormatError

FORMATS = ("table", "csv", "json", "parquet")
SUFFIXES = {".csv": "csv", ".json": "json", ".parquet": "parquet", ".txt": "table",
            ".table": "table"}


def plain(value: Any) -> Any:
    """A JSON-ready value: nodes and relationships as property maps, temporals as ISO text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if isinstance(value, neo4j.graph.Node | neo4j.graph.Relationship | neo4j.graph.Path):
        return _plain_graph(value)
    return _plain_other(value)


def _plain_graph(value: neo4j.graph.Node | neo4j.graph.Relationship | neo4j.graph.Path) -> Any:
    """A node or relationship as its property map (with labels or type), a path as its nodes."""
    if isinstance(value, neo4j.graph.Node):
        return {"_labels": sorted(value.labels), **plain(dict(value))}
    if isinstance(value, neo4j.graph.Relationship):
        return {"_type": value.type, **plain(dict(value))}
    return [plain(n) for n in value.nodes]


def _plain_other(value: Any) -> Any:
    """Maps and sequences item by item, neo4j temporals as ISO text, numpy scalars as Python."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if hasattr(value, "item"):
        return plain(value.item())
    return str(value)


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts (the JSON format)."""
    return [{str(k): plain(v) for k, v in row.items()} for row in df.to_dict("records")]


def cell(value: Any) -> str:
    """One value as terminal text."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1e6 else f"{value:.4g}"
    if isinstance(value, list):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def flat(df: pd.DataFrame) -> pd.DataFrame:
    """Lists and maps as JSON text, other values as they are (for CSV)."""
    out = pd.DataFrame({c: [plain(v) for v in df[c]] for c in df.columns}, columns=df.columns)
    for c in out.columns:
        if any(isinstance(v, list | dict) for v in out[c]):
            out[c] = [json.dumps(v, ensure_ascii=False) if v is not None else None
                      for v in out[c]]
    return out


def table(df: pd.DataFrame, title: str | None = None) -> Table:
    """A rich table; Hub strings are Text, so brackets in them are never markup."""
    t = Table(title=title, show_lines=False, header_style="bold")
    for i, c in enumerate(df.columns):
        numeric = pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        t.add_column(str(c), justify="right" if numeric else "left", overflow="fold",
                     no_wrap=i == 0)
    for row in df.itertuples(index=False):
        t.add_row(*(Text(cell(v)) for v in row))
    return t


def show(console: Console, df: pd.DataFrame, title: str) -> None:
    """Print a table, or one key/value block per row when the table would not fit the width."""
    wide = table(df, title)
    unlimited = console.options.update_width(1_000_000)
    if Measurement.get(console, unlimited, wide).maximum <= console.width:
        console.print(wide)
        return
    console.print(Text(title, style="bold"))
    for i, row in enumerate(records(df), 1):
        block = Table(show_header=False, title=f"row {i}", title_justify="left", box=None)
        block.add_column(style="bold", no_wrap=True)
        block.add_column(overflow="fold")
        for key, value in row.items():
            block.add_row(Text(key), Text(cell(value)))
        console.print(block)


def _parquet(df: pd.DataFrame, out: Path) -> None:
    data = {}
    for c in df.columns:
        if df[c].dtype != object:
            data[str(c)] = pa.array(df[c])  # numbers, booleans and timestamps keep their types
            continue
        values = [plain(v) for v in df[c]]
        try:
            data[str(c)] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            data[str(c)] = pa.array([json.dumps(v, ensure_ascii=False) if v is not None
                                     else None for v in values])
    pq.write_table(pa.table(data), out)


def render(df: pd.DataFrame, fmt: str, title: str | None = None, width: int = 200) -> str:
    """The text of a table, CSV or JSON rendering."""
    if fmt == "json":
        return json.dumps(records(df), ensure_ascii=False, indent=2)
    if fmt == "csv":
        return flat(df).to_csv(index=False)
    if fmt == "table":
        buf = io.StringIO()
        Console(file=buf, width=width, no_color=True).print(table(df, title))
        return buf.getvalue()
    raise HFLineageError(f"format {fmt!r} cannot be printed; choose from {', '.join(FORMATS)}")


def write(df: pd.DataFrame, fmt: str, out: Path, title: str | None = None) -> None:
    """Write a result to a file in one of FORMATS."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        _parquet(df, out)
    else:
        out.write_text(render(df, fmt, title), encoding="utf-8")


def write_text_atomically(path: Path, text: str, label: str = "") -> None:
    """Write all or nothing: a temporary file beside ``path`` (its folder made), given an
    ordinary new file's permissions and renamed over it; nothing is left behind on failure. An
    OSError is an ``OutputFormatError`` naming ``label`` and the path."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            mask = os.umask(0o022)
            os.umask(mask)
            os.chmod(tmp, 0o666 & ~mask)  # as an ordinary new file, not mkstemp's 0600
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise OutputFormatError(f"cannot write {label}{path}: {e.strerror}") from None


def format_for(out: Path | None, fmt: str | None) -> str:
    """The format asked for, else the one the output file's suffix names (an unknown suffix is
    an error, never a silent text table), else a table for the terminal."""
    if fmt:
        return fmt
    if out is None:
        return "table"
    if out.suffix.lower() not in SUFFIXES:
        raise OutputFormatError(
            f"cannot tell the format of {out.name!r} from its suffix: name it "
            f"{', '.join(SUFFIXES)} or give --format {'|'.join(FORMATS)}")
    return SUFFIXES[out.suffix.lower()]
