"""Open LLM Leaderboard files (v1 archive or v2 ``open-llm-leaderboard/contents``) → score rows.

The version is detected from the benchmark columns. Per model (``fullname``, case-insensitive)
and leaderboard, the row with the best Average is kept, as the paper did. v1's ``Merged``,
``MoE`` and ``Flagged`` are inverted upstream and are negated here. v2's ``Base Model`` names
the root ancestor: it becomes ``rootModel`` (without `` (Merge)``; ``Removed`` is dropped), never
a DERIVED_FROM edge.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from hflineage import RULES_TAG
from hflineage.errors import InputError, LeaderboardFormatError
from hflineage.loader.normalize.ids import key_of, parse_id
from hflineage.loader.normalize.rows import Rejected
from hflineage.loader.normalize.rules import RecordError, Row, name_parameters, parse_time

BENCHMARKS = {
    "v1": ("ARC", "HellaSwag", "MMLU", "TruthfulQA", "Winogrande", "GSM8K"),
    "v2": ("IFEval", "BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO"),
}
AVERAGE_COLUMNS = ("Average ⬆️", "Average")
DATE_COLUMNS = {"v1": "date", "v2": "Submission Date"}
_NO_ARCHITECTURE = frozenset({"", "?", "unknown", "none"})


@dataclass(frozen=True)
class Layout:
    """The version of a leaderboard file and the names of its columns."""

    version: str
    average: str


def detect_layout(columns: list[str]) -> Layout:
    """v1 or v2 from the benchmark columns; LeaderboardFormatError names what is missing."""
    have = set(columns)
    average = next((c for c in AVERAGE_COLUMNS if c in have), None)
    for version, names in BENCHMARKS.items():
        if set(names) <= have and average and "fullname" in have:
            return Layout(version, average)
    known = {"fullname", *AVERAGE_COLUMNS, *BENCHMARKS["v1"], *BENCHMARKS["v2"]}
    closest = max(BENCHMARKS, key=lambda v: len(set(BENCHMARKS[v]) & have))
    missing = [c for c in ("fullname", "Average ⬆️", *BENCHMARKS[closest])
               if c not in have and not (c == "Average ⬆️" and average)]
    unknown = sorted(have - known)
    raise LeaderboardFormatError(
        f"not an Open LLM Leaderboard file: missing {', '.join(missing)} "
        f"(for {closest}); columns not recognised: {', '.join(unknown[:20]) or 'none'}")


def read_table(path: Path) -> pd.DataFrame:
    """A leaderboard file (CSV or Parquet) as strings and native values."""
    try:
        if path.suffix.lower() in {".parquet", ".pq"}:
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read leaderboard {path}: {e}") from e


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return {"true": True, "false": False, "1": True, "0": False}.get(text)


def _date(value: Any) -> datetime | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    try:
        return parse_time(text, "date")
    except RecordError:
        return None


def _rank(average: float, submitted: datetime | None, precision: str, sha: str) -> str:
    """A comparable string: the rules version, the best Average, then the latest submission
    (undated oldest), precision, sha. The rules version makes a reload replace ranks that
    older rules chose."""
    when = submitted.isoformat() if submitted else "0000"
    return f"{RULES_TAG}|{average + 1000.0:015.6f}|{when}|{precision}|{sha}"


def row_of(raw: dict[str, Any], layout: Layout) -> Row:
    """One leaderboard row as a flat score row; raises RecordError for an unusable row."""
    parsed = parse_id(raw.get("fullname"), allow_ownerless=True)
    if parsed.id is None:
        raise RecordError(f"invalid fullname {raw.get('fullname')!r}: {parsed.reason}")
    average = _number(raw.get(layout.average))
    if average is None:
        raise RecordError(f"no {layout.average} value")
    v1 = layout.version == "v1"
    submitted = _date(raw.get(DATE_COLUMNS[layout.version]))
    precision = str(raw.get("Precision") or "")
    scores = [{"name": "Average", "score": average}]
    scores += [{"name": b, "score": s} for b in BENCHMARKS[layout.version]
               if (s := _number(raw.get(b))) is not None]
    params = _number(raw.get("#Params (B)"))
    arch = str(raw.get("Architecture") or "").strip()
    flags = {name.lower(): (None if (f := _flag(raw.get(name))) is None else f != v1)
             for name in ("Merged", "MoE", "Flagged")}
    rank = _rank(average, submitted, precision, str(raw.get("Model sha") or ""))
    return {
        "key": key_of(parsed.id), "id": parsed.id, "leaderboard": layout.version,
        "rank": rank, "modelRank": f"{layout.version}|{rank}",
        "precision": precision or None, "submittedAt": submitted, "scores": scores,
        "parameters": round(params * 1e9) if params and params > 0 else None,
        "nameParameters": name_parameters(parsed.id),
        "architecture": None if arch.lower() in _NO_ARCHITECTURE else arch,
        "rootModel": None if v1 else _root_model(raw.get("Base Model")),
        **flags,
    }


def _root_model(value: Any) -> str | None:
    text = str(value or "").strip().removesuffix("(Merge)").strip()
    if text.lower() == "removed":
        return None
    return parse_id(text, allow_ownerless=True).id


def best_rows(rows: list[Row]) -> list[Row]:
    """The best-Average row of each model."""
    best: dict[str, Row] = {}
    for row in rows:
        if row["key"] not in best or row["rank"] > best[row["key"]]["rank"]:
            best[row["key"]] = row
    return list(best.values())


def read_leaderboard(path: Path) -> tuple[Layout, list[dict[str, Any]]]:
    """A leaderboard file's layout and raw rows; InputError when there is no such file."""
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    frame = read_table(path)
    layout = detect_layout([str(c) for c in frame.columns])
    records: list[dict[str, Any]] = frame.to_dict("records")  # type: ignore[assignment]  # str keys
    return layout, records


def score_rows(records: list[dict[str, Any]], layout: Layout
               ) -> Iterator[tuple[int, Row | Rejected]]:
    """(line, score row) for each row of a leaderboard file (its header is line 1)."""
    for line, raw in enumerate(records, start=2):
        try:
            yield line, row_of(raw, layout)
        except RecordError as e:
            yield line, Rejected(line, str(e), {k: str(v) for k, v in raw.items()})
