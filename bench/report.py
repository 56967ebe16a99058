"""Render benchmark results as the README's Performance tables (markdown, to stdout).

``.venv/bin/python bench/report.py bench/results/bench-*.json`` (several runs are merged per size):
load rates, the bulk path's parts, memory, named queries with their growth against the graph's,
``hflineage report``, ``hflineage infer``, the crawl, and a verdict for every issue-17 target and
the issue-18 ones of ``infer``.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Issue 17: ratio -> (minimum, sizes it applies at).
TARGETS: dict[str, tuple[float, tuple[int, ...]]] = {
    "c/a": (0.8, (100_000, 1_000_000)),
    "c/b": (50.0, (10_000, 100_000, 1_000_000)),
    "d/c": (1.5, (300_000,)),
}
RATIOS = ("c/a", "c/b", "d/c")
RATIO_PARTS = {"c/a": ("online", "raw"), "c/b": ("online", "naive"), "d/c": ("bulk", "online")}
BULK_RATE, BULK_SIZE = 15_000.0, 1_000_000  # bulk end to end, records/s
IMPORT_FACTOR = 2.5  # bulk end to end within this many times neo4j-admin import alone
LARGEST = 3_000_000  # online and bulk both complete at this size
MEMORY_FACTOR, MEMORY_BASE = 1.5, 100_000  # loader peak RSS at LARGEST vs MEMORY_BASE
ANCHORED_FACTOR = 3.0
REPORT_SIZES = (10_000, 100_000, 1_000_000)
NAMED = ("org_flows", "size_ratio_to_root")  # aggregations the issue names
ON_GRAPH = ("graph", "queries", "viz", "report")  # measured on the graph the online load left
INFER_RATIO, INFER_SIZE = 1.5, 1_000_000  # infer seconds ÷ online load seconds, same run
INFER_MEMORY_STEP = 1.0  # infer peak RSS growth ÷ model growth, per step between sizes
INFER_FLAT_MB = 10.0  # "flat": at most this much more peak RSS per extra 100k models
Point = float | str | None  # a time; why it counts as too slow ("timed out at 3M"); not run


def _n(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:g}M"
    return f"{n / 1000:g}k" if n >= 1000 else str(n)


def _meets(value: float, limit: float, at_least: bool) -> bool:
    return value >= limit if at_least else value <= limit


def _num(value: float, limit: float, *, at_least: bool, digits: int = 2, sep: str = "") -> str:
    """``value`` with ``digits`` decimals, or more where fewer would put it on the wrong side of
    ``limit`` (0.7951 against ≥ 0.8 shows as 0.795, not 0.80); compare raw values, not this."""
    text = ""
    for d in range(digits, digits + 8):
        text = f"{value:{sep}.{d}f}"
        if _meets(float(text.replace(",", "")), limit, at_least) == _meets(value, limit, at_least):
            break
    return text


def _ratio_cell(s: dict[str, Any], name: str, dagger: bool = True) -> str:
    """A ratio with its marks: parts from different runs, naive borrowed, online partial."""
    if name not in s.get("ratios", {}):
        return "—"
    text = _num(s["ratios"][name], TARGETS[name][0], at_least=True)
    if marks := s.get("ratio_marks", {}).get(name):
        text += f" ({'; '.join(marks)})"
    return text + (" †" if dagger and name in s.get("ratio_run", {}) else "")


def _partial(s: dict[str, Any], field: str) -> int | None:
    """Models loaded when ``field`` was measured on the graph of a stopped (partial) online load."""
    value = s.get("partial_graph", {}).get(field)
    return None if value is None else int(value)


def _rate(part: dict[str, Any] | None) -> str:
    if not part or "rate" not in part:
        return "—" if not part else "error"
    return f"{part['rate']:,.0f}"


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} MB"


def _online_time(online: dict[str, Any], models: int) -> str:
    if "seconds" not in online:
        return "—"
    text = f"{online['seconds'] / 60:.1f} min"
    if online.get("partial"):
        text += f" (stopped at {online['records']:,} of {models:,})"
    return text


def load_table(sizes: list[dict[str, Any]]) -> list[str]:
    rows = ["| models | (a) raw CREATE | (b) naive | (c) online | (d) bulk | c/a | c/b | d/c "
            "| online time | bulk time | loader peak RSS | commits/s |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in sizes:
        online, bulk = s.get("online", {}), s.get("bulk", {})
        rows.append(" | ".join([
            f"| {_n(s['models'])}", _rate(s.get("raw")), _rate(s.get("naive")), _rate(online),
            _rate(bulk), *(_ratio_cell(s, k) for k in RATIOS),
            _online_time(online, s["models"]),
            f"{bulk['seconds'] / 60:.1f} min" if "seconds" in bulk else "—",
            _mb(online.get("peak_rss_mb")), _rate(s.get("commits")) + " |"]))
    return rows + _one_run_note(sizes)


def _one_run_note(sizes: list[dict[str, Any]]) -> list[str]:
    runs: dict[tuple[str, str], list[str]] = {}
    for s in sizes:
        for name, label in s.get("ratio_run", {}).items():
            runs.setdefault((label, name), []).append(_n(s["models"]))
    grouped: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for (label, name), at in runs.items():
        grouped.setdefault((label, tuple(at)), []).append(name)
    if not grouped:
        return []
    return ["", "† taken within one run, not from the rates shown beside it (a later run "
            "supplied one of those): " + "; ".join(
                f"{', '.join(names)} at {', '.join(at)} from {label}"
                for (label, at), names in grouped.items()) + "."]


def import_alone(bulk: dict[str, Any]) -> float | None:
    """Records per second of ``neo4j-admin database import`` alone."""
    seconds = bulk.get("parts", {}).get("admin_import")
    return bulk["records"] / seconds if seconds and "records" in bulk else None


def bulk_table(sizes: list[dict[str, Any]]) -> list[str]:
    """The bulk path's parts (whatever ``BulkTimings`` recorded), per size."""
    have = [s for s in sizes if "parts" in s.get("bulk", {})]
    if not have:
        return []
    keys: list[str] = []
    for s in have:
        keys += [k for k in s["bulk"]["parts"] if k not in keys]
    rows = ["| models | " + " | ".join(f"{k} (s)" for k in keys)
            + " | end to end (s) | end to end (records/s) | import alone (records/s) "
              "| end to end ÷ import alone | d/c |",
            "|---|" + "---|" * (len(keys) + 5)]
    for s in have:
        bulk, parts = s["bulk"], s["bulk"]["parts"]
        alone = import_alone(bulk)
        rows.append(f"| {_n(s['models'])} | "
                    + " | ".join(f"{parts[k]:,.1f}" if k in parts else "—" for k in keys)
                    + f" | {bulk['seconds']:,.1f} | {_rate(bulk)} | "
                    + (f"{alone:,.0f} | "
                       f"{_num(alone / bulk['rate'], IMPORT_FACTOR, at_least=False)}×"
                       if alone else "— | —") + f" | {_ratio_cell(s, 'd/c')} |")
    return rows


def _sampled(part: dict[str, Any], key: str) -> float | None:
    value = part.get("sampled", {}).get(f"{key}_peak_rss_mb")
    return float(value) if value is not None else None


def bulk_loader_mb(bulk: dict[str, Any]) -> float | None:
    """The bulk loader's own memory: its Python process plus any workers at the same instant,
    in proportional set size when sampled (forked workers share pages with their parent)."""
    pss = bulk.get("sampled", {}).get("loader_pss_peak_mb")
    values = [v for v in (bulk.get("peak_rss_mb"), pss if pss is not None
                          else _sampled(bulk, "loader")) if v is not None]
    return max(values) if values else None


def memory_table(sizes: list[dict[str, Any]]) -> list[str]:
    rows = ["| models | online loader | bulk: Python loader | bulk: workers (RSS sum) "
            "| bulk: loader and workers (PSS) | bulk: neo4j-admin import JVM | bulk: all at once "
            "(RSS) | `hflineage report` |", "|---|---|---|---|---|---|---|---|"]
    for s in sizes:
        online, bulk, rep = s.get("online", {}), s.get("bulk", {}), s.get("report", {})
        jvm = _sampled(bulk, "admin_import")
        rows.append(" | ".join([
            f"| {_n(s['models'])}", _mb(online.get("peak_rss_mb")), _mb(bulk.get("peak_rss_mb")),
            _mb(_sampled(bulk, "workers")), _mb(bulk.get("sampled", {}).get("loader_pss_peak_mb")),
            _mb(jvm) if jvm is not None else _mb(bulk.get("children_max_rss_mb")),
            _mb(_sampled(bulk, "total")), _mb(rep.get("peak_rss_mb")) + " |"]))
    return rows


def graph_units(s: dict[str, Any]) -> int:
    """Nodes plus relationships of a size whose graph size was recorded."""
    return int(s["graph"]["nodes"] + s["graph"]["relationships"])


def units(s0: dict[str, Any], s1: dict[str, Any]) -> tuple[int, int]:
    """Two sizes in one unit: graph size when both have it recorded, else model counts for both."""
    if "graph" in s0 and "graph" in s1:
        return graph_units(s0), graph_units(s1)
    return int(s0["models"]), int(s1["models"])


def _pairs(items: list[Any]) -> list[tuple[Any, Any]]:
    """Consecutive pairs, then first to last."""
    pairs = [*itertools.pairwise(items)]
    return [*pairs, (items[0], items[-1])] if len(items) > 2 else pairs


def _step(a: tuple[dict[str, Any], Point], b: tuple[dict[str, Any], Point]) -> Point:
    (s0, t0), (s1, t1) = a, b
    for t in (t1, t0):
        if isinstance(t, str):
            return t
    if not isinstance(t0, float | int) or not isinstance(t1, float | int):
        return None
    u0, u1 = units(s0, s1)
    return (t1 / max(t0, 0.01)) / (u1 / u0)


def per_step(points: list[tuple[dict[str, Any], Point]]) -> list[Point]:
    """Time growth over graph growth between consecutive sizes, then first to last; a step with
    a too-slow end is that end's reason, one with an end not run is None."""
    return [_step(a, b) for a, b in _pairs(points)]


def _units_note(have: list[dict[str, Any]]) -> str:
    mixed = [f"{_n(a['models'])}→{_n(b['models'])}" for a, b in _pairs(have)
             if "graph" not in a or "graph" not in b]
    if not mixed:
        return ""
    missing = ", ".join(_n(s["models"]) for s in have if "graph" not in s)
    return (f"graph growth is model-count growth for {', '.join(mixed)} "
            f"(no graph size recorded at {missing})")


def _partial_note(sizes: list[dict[str, Any]], field: str) -> str:
    left = [f"{_n(s['models'])} ({p:,} of {s['models']:,} models loaded)" for s in sizes
            if (p := _partial(s, field)) is not None]
    return (f"left out of the growth verdicts: {', '.join(left)}, measured on a partial graph "
            "(the online load was stopped at its deadline)") if left else ""


def _step_text(x: Point) -> str:
    return "—" if x is None else x if isinstance(x, str) else _num(x, 1.0, at_least=False)


def _steps_text(ratios: list[Point]) -> str:
    if not ratios:
        return "—"
    shown = [_step_text(r) for r in ratios]
    return " · ".join(shown[:-1]) + f" (all {shown[-1]})" if len(shown) > 1 else shown[0]


def _linear(steps: list[Point]) -> str:
    slow = sorted({x for x in steps if isinstance(x, str)})
    if slow:
        return f"missed ({', '.join(slow)})"
    if any(x > 1.0 for x in steps if isinstance(x, float)):
        return "missed"
    return "not measured at every size" if not steps or None in steps else "met"


def _query_cells(sizes: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    have = [s for s in sizes if isinstance(s.get("queries"), dict)
            and "error" not in s["queries"]]
    names: list[str] = []
    for s in have:
        names += [q for q in s["queries"] if q not in names]
    anchored = {q for s in have for q, c in s["queries"].items() if c.get("anchored")}
    return have, sorted(names, key=lambda q: (q not in anchored, q))


def _whole(have: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sizes whose queries ran on a whole graph (the ones growth is taken over)."""
    return [s for s in have if _partial(s, "queries") is None]


def _too_slow(cell: dict[str, Any]) -> str | None:
    """Why a query counts as too slow: it timed out (or failed), or the time budget ran out."""
    if "error" in cell:
        code = str(cell["error"])
        return "timed out" if "TimedOut" in code or "Timeout" in code else f"error {code}"
    if "budget" in str(cell.get("skipped", "")):
        return "skipped for the time budget"
    return None


def _point(s: dict[str, Any], q: str) -> Point:
    cell = s["queries"].get(q, {})
    if "median_ms" in cell:
        return float(cell["median_ms"])
    why = _too_slow(cell)
    return f"{why} at {_n(s['models'])}" if why else None


def _anchored(points: list[tuple[dict[str, Any], Point]]) -> tuple[float | None, list[str]]:
    """Growth smallest to largest, and where the query was too slow."""
    ms = [p for _, p in points]
    growth = ms[-1] / max(ms[0], 0.01) if len(ms) > 1 and isinstance(ms[0], float) \
        and isinstance(ms[-1], float) else None
    return growth, [p for p in ms if isinstance(p, str)]


def _anchored_verdict(growth: float | None, slow: list[str]) -> str:
    if slow:
        return f"missed ({', '.join(slow)})"
    if growth is None:
        return "not measured"
    return "met" if growth <= ANCHORED_FACTOR else "missed"


def _ms(cell: dict[str, Any]) -> str:
    if "median_ms" in cell:
        return f"{cell['median_ms']:,.1f}" + (" (cold)" if cell.get("runs") == 0 else "")
    if "skipped" in cell:
        return f"skipped: {cell['skipped']}"
    if "error" in cell:
        return "timed out" if _too_slow(cell) == "timed out" else f"error: {cell['error']}"
    return "not run"


def _query_row(q: str, have: list[dict[str, Any]], whole: list[dict[str, Any]]) -> str:
    cells = [s["queries"].get(q, {}) for s in have]
    anchored = any(c.get("anchored") for c in cells)
    points = [(s, _point(s, q)) for s in whole]
    if anchored:
        growth, slow = _anchored(points)
        shown = "—" if growth is None else \
            _num(growth, ANCHORED_FACTOR, at_least=False, digits=1, sep=",") + "×"
        verdict, steps = f"≤ {ANCHORED_FACTOR:g}×: {_anchored_verdict(growth, slow)}", "—"
    else:
        ms = [p for _, p in points]
        shown = f"{ms[-1] / max(ms[0], 0.01):,.1f}×" if len(ms) > 1 and isinstance(ms[0], float) \
            and isinstance(ms[-1], float) else "—"
        step = per_step(points)
        verdict, steps = f"≤ linear: {_linear(step)}", _steps_text(step)
    return (f"| `{q}` | {'anchored' if anchored else 'aggregation'} | "
            + " | ".join(_ms(c) for c in cells) + f" | {shown} | {steps} | {verdict} |")


def query_table(sizes: list[dict[str, Any]]) -> list[str]:
    have, names = _query_cells(sizes)
    if not have:
        return []
    whole = _whole(have)
    span = f"{_n(whole[0]['models'])}→{_n(whole[-1]['models'])}" if whole else "—"
    rows = ["| query | kind | " + " | ".join(
        f"{_n(s['models'])} (ms{'' if s in whole else ', partial graph'})" for s in have)
            + f" | growth {span} | time growth ÷ graph growth, per step | verdict |",
            "|---|---|" + "---|" * (len(have) + 3)]
    rows += [_query_row(q, have, whole) for q in names]
    notes = [n for n in (_units_note(whole), _partial_note(have, "queries")) if n]
    return rows + ([""] + [f"Note: {n}." for n in notes] if notes else [])


def graph_table(sizes: list[dict[str, Any]]) -> list[str]:
    have = [s for s in sizes if "graph" in s]
    if not have:
        return []
    rows = ["| models | nodes | relationships | nodes + relationships | growth from previous |",
            "|---|---|---|---|---|"]
    prev = None
    for s in have:
        g = s["graph"]
        growth = "—" if prev is None else f"{graph_units(s) / graph_units(prev):.2f}×"
        mark = "" if _partial(s, "graph") is None else " (partial graph)"
        rows.append(f"| {_n(s['models'])}{mark} | {g['nodes']:,} | {g['relationships']:,} "
                    f"| {graph_units(s):,} | {growth} |")
        prev = s
    return rows


def report_table(sizes: list[dict[str, Any]]) -> list[str]:
    have = [s for s in sizes if "report" in s]
    if not have:
        return []
    rows = ["| models | `hflineage report` | peak RSS | files | time growth ÷ graph growth |",
            "|---|---|---|---|---|"]
    prev: dict[str, Any] | None = None
    for s in have:
        r = s["report"]
        if "seconds" not in r:
            rows.append(f"| {_n(s['models'])} | {r.get('skipped') or r.get('error') or '—'} "
                        "| — | — | — |")
            continue
        partial = _partial(s, "report")
        step = "— (partial graph)" if partial is not None else _steps_text(
            per_step([(prev, prev["report"]["seconds"]), (s, r["seconds"])]) if prev else [])
        on = "" if partial is None else f" (on a partial graph: {partial:,} models)"
        rows.append(f"| {_n(s['models'])} | {r['seconds']:,.1f} s{on} "
                    f"| {_mb(r.get('peak_rss_mb'))} | {r.get('files', '—')} | {step} |")
        prev = s if partial is None else prev
    return rows


def _infer_ratio(i: dict[str, Any]) -> str:
    vs = i.get("vs_online", {})
    if vs.get("ratio") is None:
        return f"— ({vs.get('why', 'no online load in this run')})"
    return _num(vs["ratio"], INFER_RATIO, at_least=False)


def _infers(sizes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sizes where infer ran to the end."""
    return [s for s in sizes if "seconds" in s.get("infer", {}) and not s["infer"].get("stopped")]


def _stopped(sizes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sizes where infer was stopped (deadline, low memory) before it ended."""
    return [s for s in sizes if s.get("infer", {}).get("stopped")]


def _stopped_text(i: dict[str, Any]) -> str:
    at_least = i.get("vs_online", {}).get("ratio_at_least")
    return (f"stopped after {i['seconds']:,.1f} s ({i['stopped']})"
            + ("" if at_least is None else
               f", ratio ≥ {_num(at_least, INFER_RATIO, at_least=False)}"))


def _infer_partial(s: dict[str, Any]) -> bool:
    """Infer ran on the graph of a stopped (partial) load."""
    return "partial" in str(s["infer"].get("graph_loaded_by", ""))


def _infer_vs(i: dict[str, Any]) -> str:
    vs = i.get("vs_online", {})
    ratio = _infer_ratio(i)
    if vs.get("ratio") is None:
        return ratio
    return f"{ratio} ({i['seconds']:,.1f} s ÷ {vs['online_seconds']:,.1f} s)"


def _extra_mb(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Extra peak RSS of infer per extra 100k models from size ``a`` to size ``b``."""
    mb = b["infer"]["peak_rss_mb"] - a["infer"]["peak_rss_mb"]
    return float(mb / (b["models"] - a["models"]) * 100_000)


def infer_table(sizes: list[dict[str, Any]]) -> list[str]:
    """``hflineage infer`` per size: work done, time by phase, its time over the online load of
    the same size in the same run, and peak RSS of the infer process."""
    have = [s for s in sizes if "seconds" in s.get("infer", {})]
    if not have:
        return []
    rows = ["| models | models read | undeclared | edges written | infer (s) | read / train "
            "/ predict and write (s) | models/s | online load (s) | infer ÷ online | peak RSS "
            "| MB per 100k models | graph loaded by |", "|---|" + "---|" * 11]
    for s in have:
        i = s["infer"]
        p = i.get("parts", {})
        online = i.get("vs_online", {}).get("online_seconds")
        partial = " (partial graph)" if _infer_partial(s) else ""
        if i.get("stopped"):
            rows.append(f"| {_n(s['models'])}{partial} | {_stopped_text(i)} | — | — | — | — | — "
                        f"| {'—' if online is None else f'{online:,.1f}'} | — "
                        f"| at least {_mb(i.get('peak_rss_mb'))} | — "
                        f"| {i.get('graph_loaded_by', '—')} |")
            continue
        rows.append(" | ".join([
            f"| {_n(s['models'])}{partial}", f"{i['models']:,}", f"{i['undeclared']:,}",
            f"{i['edges']:,}", f"{i['seconds']:,.1f}",
            " / ".join(f"{p[k]:,.1f}" if k in p else "—"
                       for k in ("read", "train", "predict_write")),
            f"{i['models_per_s']:,.0f}", "—" if online is None else f"{online:,.1f}",
            _infer_ratio(i), _mb(i.get("peak_rss_mb")),
            f"{i['rss_mb_per_100k_models']:,.1f}", f"{i.get('graph_loaded_by', '—')} |"]))
    return rows


# --- verdicts ---------------------------------------------------------------------------
def _by_size(sizes: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {int(s["models"]): s for s in sizes}


def _ratio_target(name: str, at: dict[int, dict[str, Any]]) -> tuple[str, str, str]:
    least, where = TARGETS[name]
    got = {n: at.get(n, {}).get("ratios", {}).get(name) for n in where}
    measured = ", ".join(f"{_ratio_cell(at.get(n, {}), name, dagger=False)} at {_n(n)}"
                         for n in where)
    missing = [_n(n) for n, v in got.items() if v is None]
    low = [_n(n) for n, v in got.items() if v is not None and v < least]
    marked = [f"{'; '.join(m)} at {_n(n)}" for n in where
              if (m := at.get(n, {}).get("ratio_marks", {}).get(name))]
    verdict = "; ".join([*(["missed at " + ", ".join(low)] if low else []),
                         *(["not measured at " + ", ".join(missing)] if missing else [])]) \
        or "met"
    if marked:
        verdict += f" ({'; '.join(marked)})"
    sizes = ", ".join(_n(n) for n in where)
    return f"{name} ≥ {least:g} at {sizes}", measured, verdict


def _bulk_targets(at: dict[int, dict[str, Any]]) -> list[tuple[str, str, str]]:
    bulk = at.get(BULK_SIZE, {}).get("bulk", {})
    where = _n(BULK_SIZE)
    if "rate" not in bulk:
        return [(f"bulk end to end ≥ {BULK_RATE:,.0f} records/s at {where}", "—",
                 f"not measured at {where}"),
                (f"bulk end to end ≤ {IMPORT_FACTOR:g}× import alone at {where}", "—",
                 f"not measured at {where}")]
    d_c = _ratio_cell(at[BULK_SIZE], "d/c", dagger=False)
    alone = import_alone(bulk)
    rate = (f"{_num(bulk['rate'], BULK_RATE, at_least=True, digits=0, sep=',')} records/s "
            f"({bulk['records']:,} in {bulk['seconds']:,.1f} s)"
            + ("" if d_c == "—" else f"; d/c {d_c}"))
    rows = [(f"bulk end to end ≥ {BULK_RATE:,.0f} records/s at {where}", rate,
             "met" if bulk["rate"] >= BULK_RATE else "missed")]
    if alone is None:
        rows.append((f"bulk end to end ≤ {IMPORT_FACTOR:g}× import alone at {where}", "—",
                     "not measured (no admin_import part)"))
    else:
        factor = alone / bulk["rate"]
        rows.append((f"bulk end to end ≤ {IMPORT_FACTOR:g}× import alone at {where}",
                     f"import alone {alone:,.0f} records/s "
                     f"({bulk['parts']['admin_import']:,.1f} s): end to end "
                     f"{_num(factor, IMPORT_FACTOR, at_least=False)}×",
                     "met" if factor <= IMPORT_FACTOR else "missed"))
    return rows


def _complete(part: dict[str, Any]) -> bool:
    return "rate" in part and not part.get("partial")


def _largest_target(at: dict[int, dict[str, Any]]) -> tuple[str, str, str]:
    s = at.get(LARGEST, {})
    parts = []
    for label in ("online", "bulk"):
        p = s.get(label, {})
        if "rate" in p:
            parts.append(f"{label} {_online_time(p, LARGEST)}, {p['rate']:,.0f} records/s")
        else:
            parts.append(f"{label} {'failed' if 'error' in p else 'not run'}")
    ok = all(_complete(s.get(k, {})) for k in ("online", "bulk"))
    return (f"{_n(LARGEST)} synthetic models: online and bulk both complete", "; ".join(parts),
            "met" if ok else ("missed" if s else f"not measured at {_n(LARGEST)}"))


def _memory_targets(at: dict[int, dict[str, Any]]) -> list[tuple[str, str, str]]:
    big, base = at.get(LARGEST, {}), at.get(MEMORY_BASE, {})
    label = f"{_n(LARGEST)} vs {_n(MEMORY_BASE)}"

    def compare(get: Callable[[dict[str, Any]], float | None]) -> tuple[str, str]:
        a, b = get(big), get(base)
        if a is None or b is None:
            return "—", f"not measured at {_n(LARGEST) if a is None else _n(MEMORY_BASE)}"
        ratio = a / b
        return (f"{a:,.0f} MB vs {b:,.0f} MB: {_num(ratio, MEMORY_FACTOR, at_least=False)}×",
                "met" if ratio <= MEMORY_FACTOR else "missed")

    online = compare(lambda s: s.get("online", {}).get("peak_rss_mb"))
    if big.get("online", {}).get("partial"):
        online = (online[0], f"not measured: the {_n(LARGEST)} online load was stopped")
    bulk = compare(lambda s: bulk_loader_mb(s.get("bulk", {})))
    jvm = [(n, _sampled(s.get("bulk", {}), "admin_import")) for n, s in sorted(at.items())]
    stated = ", ".join(f"{v:,.0f} MB at {_n(n)}" for n, v in jvm if v is not None)
    extra = f"; neo4j-admin import JVM (heap 2g, off-heap at most 4G): {stated}" if stated else ""
    return [(f"online loader peak RSS {label} ≤ {MEMORY_FACTOR:g}×", *online),
            (f"bulk loader (Python and workers) peak RSS {label} ≤ {MEMORY_FACTOR:g}×, "
             "import JVM stated", bulk[0] + extra, bulk[1])]


def _anchored_target(span: str, grows: dict[str, tuple[float | None, list[str]]]
                     ) -> tuple[str, str, str]:
    known = {q: g for q, (g, why) in grows.items() if g is not None and not why}
    slow = [f"`{q}` ({', '.join(why)})" for q, (_, why) in grows.items() if why]
    above = [f"`{q}`" for q, g in known.items() if g > ANCHORED_FACTOR]
    unmeasured = [q for q, (g, why) in grows.items() if g is None and not why]
    worst = max(known, key=lambda q: known[q]) if known else None
    most = "" if worst is None else _num(known[worst], ANCHORED_FACTOR, at_least=False, digits=1)
    measured = "; ".join([
        *([f"{min(known.values()):.1f}–{most}× (most: `{worst}`)"] if worst else []),
        *([f"above {ANCHORED_FACTOR:g}×: {', '.join(above)}"] if above else []),
        *([f"too slow: {', '.join(slow)}"] if slow else []),
        *([f"not measured: {', '.join(unmeasured)}"] if unmeasured else [])]) or "—"
    verdict = "missed" if slow or above else "not measured" if not known else (
        f"met where measured ({len(unmeasured)} not measured)" if unmeasured else "met")
    return f"anchored queries ≤ {ANCHORED_FACTOR:g}× {span}", measured, verdict


def _aggregation_target(whole: list[dict[str, Any]], steps: dict[str, list[Point]],
                        notes: list[str]) -> tuple[str, str, str]:
    labels = [f"{_n(a['models'])}→{_n(b['models'])}" for a, b in itertools.pairwise(whole)]
    worst_steps = []
    for i, label in enumerate(labels):
        col = {q: x for q, r in steps.items() if isinstance(x := r[i], float)}
        if col:
            q = max(col, key=lambda k: col[k])
            worst_steps.append(f"{label} {_step_text(col[q])} (`{q}`)")
    over = sorted(q for q, r in steps.items() if any(isinstance(x, float) and x > 1.0 for x in r))
    slow = sorted(f"`{q}` ({', '.join(sorted({x for x in r if isinstance(x, str)}))})"
                  for q, r in steps.items() if any(isinstance(x, str) for x in r))
    gaps = sorted(q for q, r in steps.items() if None in r)
    named = "; ".join(f"`{q}` {_steps_text(steps[q])}" for q in NAMED if q in steps)
    measured = "; ".join([
        "highest time growth ÷ graph growth per step: " + (", ".join(worst_steps) or "—"),
        *([named] if named else []), *([f"above linear: {', '.join(over)}"] if over else []),
        *([f"too slow: {', '.join(slow)}"] if slow else []),
        *([f"not measured at every size: {', '.join(gaps)}"] if gaps else []), *notes])
    verdict = "missed" if over or slow else (
        "met" if not gaps else f"met where measured ({len(gaps)} not measured at every size)")
    return "whole-graph aggregations ≤ linear in graph size at every step", measured, verdict


def _query_targets(sizes: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    have, names = _query_cells(sizes)
    whole = _whole(have)
    notes = [n for n in (_units_note(whole), _partial_note(have, "queries")) if n]
    if len(whole) < 2:  # growth needs two sizes
        why = "; ".join(notes) or "—"
        return [(f"anchored queries ≤ {ANCHORED_FACTOR:g}× smallest to largest", why,
                 "not measured"),
                ("whole-graph aggregations ≤ linear at every step", why, "not measured")]
    span = f"{_n(whole[0]['models'])}→{_n(whole[-1]['models'])}"
    grows: dict[str, tuple[float | None, list[str]]] = {}
    steps: dict[str, list[Point]] = {}
    for q in names:
        points = [(s, _point(s, q)) for s in whole]
        if any(s["queries"].get(q, {}).get("anchored") for s in have):
            grows[q] = _anchored(points)
        else:
            steps[q] = per_step(points)
    partial = _partial_note(have, "queries")
    anchored = _anchored_target(span, grows)
    if partial:
        anchored = (anchored[0], f"{anchored[1]}; {partial}", anchored[2])
    return [anchored, _aggregation_target(whole, steps, notes)]


def _report_target(at: dict[int, dict[str, Any]]) -> tuple[str, str, str]:
    timed: list[tuple[dict[str, Any], Point]] = [
        (s, float(t)) for _, s in sorted(at.items())
        if (t := s.get("report", {}).get("seconds")) is not None and _partial(s, "report") is None]
    missing = [n for n in REPORT_SIZES if at.get(n, {}).get("report", {}).get("seconds") is None
               or _partial(at[n], "report") is not None]
    measured = ", ".join(f"{t:,.1f} s at {_n(s['models'])}" for s, t in timed) or "—"
    steps = per_step(timed)
    if len(timed) > 1:
        measured += f"; time growth ÷ graph growth {_steps_text(steps)}"
    notes = [n for n in (_units_note([s for s, _ in timed]),
                         _partial_note(list(at.values()), "report")) if n]
    measured = "; ".join([measured, *notes])
    parts = (["missed"] if len(timed) > 1 and _linear(steps).startswith("missed") else []) \
        + (["not measured at " + ", ".join(_n(n) for n in missing)] if missing else [])
    sizes = ", ".join(_n(n) for n in REPORT_SIZES)
    return (f"`hflineage report` timed at {sizes}, growth ≤ linear", measured,
            "; ".join(parts) or "met")


def _infer_time_target(sizes: list[dict[str, Any]]) -> tuple[str, str, str]:
    """Infer seconds over the online load seconds of the same size in the same run, at every
    size measured; the verdict is at INFER_SIZE."""
    have = _infers(sizes)
    target = (f"infer time comparable to online load (ratio ≤ {INFER_RATIO:g}) at "
              f"{_n(INFER_SIZE)} (issue 18)")
    measured = "; ".join([*(f"{_infer_vs(s['infer'])} at {_n(s['models'])}" for s in have),
                          *(f"{_stopped_text(s['infer'])} at {_n(s['models'])}"
                            for s in _stopped(sizes))]) or "—"
    at = {int(s["models"]): s["infer"] for s in have}
    ratio = at.get(INFER_SIZE, {}).get("vs_online", {}).get("ratio")
    stopped = {int(s["models"]): s["infer"] for s in _stopped(sizes)}.get(INFER_SIZE, {})
    floor = stopped.get("vs_online", {}).get("ratio_at_least")
    if floor is not None and floor > INFER_RATIO:
        verdict = f"missed (stopped at {_n(INFER_SIZE)} already past {INFER_RATIO:g})"
    elif ratio is None:
        others = [f"{'met' if v <= INFER_RATIO else 'missed'} at {_n(n)}" for n, i in at.items()
                  if (v := i.get("vs_online", {}).get("ratio")) is not None]
        verdict = f"not measured at {_n(INFER_SIZE)}" + (f" ({', '.join(others)})"
                                                         if others else "")
    else:
        verdict = "met" if ratio <= INFER_RATIO else "missed"
        if _infer_partial(_by_size(sizes)[INFER_SIZE]):
            verdict = f"not measured at {_n(INFER_SIZE)} (partial graph)"
    return target, measured, verdict


def _infer_memory_target(sizes: list[dict[str, Any]]) -> tuple[str, str, str]:
    """Peak RSS of the infer process per 100k models at each size, and its growth over model
    growth between consecutive sizes (≤ 1: memory bounded per model, no worse than linear)."""
    have = [s for s in _infers(sizes) if "peak_rss_mb" in s["infer"]
            and not _infer_partial(s)]
    target = (f"infer memory: flat (≤ {INFER_FLAT_MB:g} MB more per extra 100k models), at "
              f"least bounded per model (peak RSS growth ÷ model growth ≤ "
              f"{INFER_MEMORY_STEP:g} per step), MB per 100k models stated (issue 18)")
    stopped = "".join(f"; at least {s['infer']['peak_rss_mb']:,.0f} MB at {_n(s['models'])} "
                      f"(infer {_stopped_text(s['infer'])})" for s in _stopped(sizes))
    low = [_n(s["models"]) for s in _stopped(sizes) if "memory" in str(s["infer"]["stopped"])]
    short = f"missed (stopped for lack of memory at {', '.join(low)})" if low else ""
    if not have:
        return target, stopped.removeprefix("; ") or "—", short or "not measured"
    measured = ", ".join(f"{s['infer']['peak_rss_mb']:,.0f} MB at {_n(s['models'])} "
                         f"({s['infer']['rss_mb_per_100k_models']:,.1f} MB per 100k models)"
                         for s in have)
    steps = [(a, b, (b["infer"]["peak_rss_mb"] / a["infer"]["peak_rss_mb"])
              / (b["models"] / a["models"])) for a, b in itertools.pairwise(have)]
    if steps:
        measured += "; growth ÷ model growth " + ", ".join(
            f"{_n(a['models'])}→{_n(b['models'])} "
            f"{_num(x, INFER_MEMORY_STEP, at_least=False)} "
            f"({_extra_mb(a, b):,.1f} MB per extra 100k models"
            f"{'' if a['from'].get('infer') == b['from'].get('infer') else '; runs differ'})"
            for a, b, x in steps)
    measured += stopped
    if short:
        return target, measured, short
    gaps = "".join(f"; not measured at {_n(s['models'])} (stopped)" for s in _stopped(sizes))
    if not steps:
        return target, measured, "not measured (one size)" + gaps
    if all(_extra_mb(a, b) <= INFER_FLAT_MB for a, b, _ in steps):
        verdict = "met (flat)"
    elif all(x <= INFER_MEMORY_STEP for *_, x in steps):
        verdict = "missed: bounded per model, not flat"
    else:
        verdict = "missed"
    return target, measured, verdict + gaps


def target_table(sizes: list[dict[str, Any]]) -> list[str]:
    at = _by_size(sizes)
    rows = [_ratio_target("c/a", at), _ratio_target("c/b", at), *_bulk_targets(at),
            _ratio_target("d/c", at), _largest_target(at), *_memory_targets(at),
            *_query_targets(sizes), _report_target(at), _infer_time_target(sizes),
            _infer_memory_target(sizes)]
    return ["| target (issues 17, 18) | measured | verdict |", "|---|---|---|",
            *(f"| {t} | {m} | {v} |" for t, m, v in rows)]


# --- merging runs -----------------------------------------------------------------------
Runs = list[tuple[str, dict[int, dict[str, Any]]]]  # (file stem, sizes by model count) per file


def _usable(part: Any) -> bool:
    return isinstance(part, dict) and "error" not in part


def _rate_in(s: dict[str, Any], key: str) -> float | None:
    part = s.get(key)
    return part.get("rate") if isinstance(part, dict) and "error" not in part else None


def _take(into: dict[str, Any], s: dict[str, Any], label: str) -> None:
    """One run's measurements of a size: they replace earlier runs' (a failed step replaces
    nothing); the graph size goes with the queries it was measured for; what was measured on the
    graph of a stopped online load is marked so."""
    kept = {k: v for k, v in s.items() if k not in ("models", "ratios")
            and not (isinstance(v, dict) and "error" in v)}
    if "queries" in kept and "graph" not in kept:
        into.pop("graph", None)
        into["from"].pop("graph", None)
        into.get("partial_graph", {}).pop("graph", None)
    into.update(kept)
    into["from"].update(dict.fromkeys(kept, label))
    online = s.get("online") or {}
    stopped = online.get("records") if _usable(online) and online.get("partial") else None
    marks = into.setdefault("partial_graph", {})
    for key in ON_GRAPH:
        if key in kept and stopped is None:
            marks.pop(key, None)
        elif key in kept:
            marks[key] = stopped


def _one_run(name: str, n: int, runs: Runs) -> tuple[float, str, list[str], Any] | None:
    """A ratio at size ``n`` from the latest run with both its parts: the run's own ``ratios``,
    else its two rates; for c/b, else a run's online rate over its naive rate at its nearest
    size (naive starts from an empty database: size-independent), marked."""
    top, bottom = RATIO_PARTS[name]
    for label, per in reversed(runs):
        s = per.get(n, {})
        value = s.get("ratios", {}).get(name)
        if value is None and (t := _rate_in(s, top)) and (b := _rate_in(s, bottom)):
            value = t / b
        if value is not None:
            return float(value), label, [], s.get("online")
    if bottom != "naive":
        return None
    for label, per in reversed(runs):
        others = sorted((m for m in per if m != n and _rate_in(per[m], "naive")),
                        key=lambda m: (abs(m - n), m))
        if (t := _rate_in(per.get(n, {}), top)) and others:
            return (t / (_rate_in(per[others[0]], "naive") or 1.0), label,
                    [f"naive from {_n(others[0])}, same run"], per[n].get("online"))
    return None


def _ratios(s: dict[str, Any], runs: Runs) -> None:
    """Each ratio from one run; when no run has both parts of a size, the ratio of the latest
    parts, marked "runs differ"."""
    s["ratios"], s["ratio_marks"], s["ratio_run"] = {}, {}, {}
    for name in RATIOS:
        top, bottom = RATIO_PARTS[name]
        got = _one_run(name, int(s["models"]), runs)
        if got is None and (t := _rate_in(s, top)) and (b := _rate_in(s, bottom)):
            got = t / b, "", ["runs differ"], s.get("online")
        if got is None:
            continue
        value, label, marks, online = got
        s["ratios"][name] = value
        if _usable(online) and online.get("partial"):
            marks.append("online load partial")
        if marks:
            s["ratio_marks"][name] = marks
        if label and any(s["from"].get(k, label) != label for k in (top, bottom)):
            s["ratio_run"][name] = label


def merged(paths: list[Path]) -> dict[str, Any]:
    """Several result files as one: per size, later files add or replace measurements; each
    ratio comes from one run where one run has both its parts (``_ratios``)."""
    data: dict[str, Any] = {}
    sizes: dict[int, dict[str, Any]] = {}
    runs: Runs = []
    for path in paths:
        part = json.loads(path.read_text())
        data.setdefault("machine", part["machine"])
        data.setdefault("started", part["started"])
        data.setdefault("neo4j_memory", part["neo4j_memory"])
        if "crawl" in part:
            data["crawl"] = part["crawl"]
        per = {int(s["models"]): s for s in part.get("sizes", [])}
        runs.append((path.stem, per))
        for n, s in per.items():
            _take(sizes.setdefault(n, {"models": n, "from": {}}), s, path.stem)
    for s in sizes.values():
        _ratios(s, runs)
    data["sizes"] = [sizes[n] for n in sorted(sizes)]
    return data


def main() -> None:
    data = merged([Path(p) for p in sys.argv[1:]])
    crawl = data.get("crawl")
    m = data["machine"]
    sizes = data["sizes"]
    out = [f"Measured {data['started'][:10]} on {m['cpu']}, {m['cores']} cores, "
           f"{m['ram_gb']} GB RAM ({m['os']}), Python {m['python']}, Neo4j {m['neo4j']} "
           f"(heap {data['neo4j_memory']['heap']}, page cache "
           f"{data['neo4j_memory']['pagecache']}).", "",
           "Load rates are model records per second.", ""]
    for table in (load_table(sizes), bulk_table(sizes), memory_table(sizes), graph_table(sizes),
                  query_table(sizes), report_table(sizes), infer_table(sizes)):
        if table:
            out += [*table, ""]
    if crawl and "metadata" in crawl:
        out += ["| Hub crawl (local Hub server, 1,000 items per page) | models | requests "
                "| requests per 1,000 models |", "|---|---|---|---|"]
        for label in ("metadata", "with_commits"):
            c = crawl[label]
            out.append(f"| {label.replace('_', ' ')} | {c['models']:,} | {c['requests']:,} "
                       f"| {c['per_1000_models']} |")
        out.append("")
    out += ["**Targets (issues 17, 18)**", "", *target_table(sizes)]
    print("\n".join(out))


if __name__ == "__main__":
    main()
