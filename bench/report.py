"""Render benchmark results as the README's Performance tables (markdown, to stdout).

``.venv/bin/python bench/report.py bench/results/bench-*.json`` (several runs are merged per size):
load rates, the bulk path's parts, memory, named queries with their growth against the graph's,
``hflineage report``, the crawl, and a verdict for every issue-17 target.
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
BULK_RATE, BULK_SIZE = 15_000.0, 1_000_000  # bulk end to end, records/s
IMPORT_FACTOR = 2.5  # bulk end to end within this many times neo4j-admin import alone
LARGEST = 3_000_000  # online and bulk both complete at this size
MEMORY_FACTOR, MEMORY_BASE = 1.5, 100_000  # loader peak RSS at LARGEST vs MEMORY_BASE
ANCHORED_FACTOR = 3.0
REPORT_SIZES = (10_000, 100_000, 1_000_000)
NAMED = ("org_flows", "size_ratio_to_root")  # aggregations the issue names


def _n(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:g}M"
    return f"{n / 1000:g}k" if n >= 1000 else str(n)


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
        r = s.get("ratios", {})
        online, bulk = s.get("online", {}), s.get("bulk", {})
        rows.append(" | ".join([
            f"| {_n(s['models'])}", _rate(s.get("raw")), _rate(s.get("naive")), _rate(online),
            _rate(bulk), *(f"{r[k]:.2f}" if k in r else "—" for k in RATIOS),
            _online_time(online, s["models"]),
            f"{bulk['seconds'] / 60:.1f} min" if "seconds" in bulk else "—",
            _mb(online.get("peak_rss_mb")), _rate(s.get("commits")) + " |"]))
    return rows


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
        d_c = s.get("ratios", {}).get("d/c")
        rows.append(f"| {_n(s['models'])} | "
                    + " | ".join(f"{parts[k]:,.1f}" if k in parts else "—" for k in keys)
                    + f" | {bulk['seconds']:,.1f} | {_rate(bulk)} | "
                    + (f"{alone:,.0f} | {alone / bulk['rate']:.2f}×" if alone else "— | —")
                    + f" | {'—' if d_c is None else f'{d_c:.2f}'} |")
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
    """The graph's size: nodes plus relationships when measured, else the model count."""
    g = s.get("graph")
    return int(g["nodes"] + g["relationships"]) if g else int(s["models"])


def per_step(points: list[tuple[dict[str, Any], float | None]]) -> list[float | None]:
    """Time growth over graph growth between consecutive sizes, then first to last."""
    pairs = [*itertools.pairwise(points)]
    if len(points) > 2:
        pairs.append((points[0], points[-1]))
    out: list[float | None] = []
    for (s0, t0), (s1, t1) in pairs:
        out.append(None if t0 is None or t1 is None
                   else (t1 / max(t0, 0.01)) / (graph_units(s1) / graph_units(s0)))
    return out


def _steps_text(ratios: list[float | None]) -> str:
    if not ratios:
        return "—"
    shown = [("—" if r is None else f"{r:.2f}") for r in ratios]
    return " · ".join(shown[:-1]) + f" (all {shown[-1]})" if len(shown) > 1 else shown[0]


def _linear(ratios: list[float | None]) -> str:
    if not ratios or any(r is None for r in ratios):
        return "not measured at every size"
    return "met" if all(round(r, 2) <= 1.0 for r in ratios if r is not None) else "missed"


def _query_cells(sizes: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    have = [s for s in sizes if isinstance(s.get("queries"), dict)
            and "error" not in s["queries"]]
    names: list[str] = []
    for s in have:
        names += [q for q in s["queries"] if q not in names]
    anchored = {q for s in have for q, c in s["queries"].items() if c.get("anchored")}
    return have, sorted(names, key=lambda q: (q not in anchored, q))


def _ms(cell: dict[str, Any]) -> str:
    if "median_ms" in cell:
        return f"{cell['median_ms']:,.1f}" + (" (cold)" if cell.get("runs") == 0 else "")
    if "skipped" in cell:
        return f"skipped: {cell['skipped']}"
    if "error" in cell:
        return f"error: {cell['error']}"
    return "not run"


def query_table(sizes: list[dict[str, Any]]) -> list[str]:
    have, names = _query_cells(sizes)
    if not have:
        return []
    first, last = _n(have[0]["models"]), _n(have[-1]["models"])
    rows = ["| query | kind | " + " | ".join(f"{_n(s['models'])} (ms)" for s in have)
            + f" | growth {first}→{last} | time growth ÷ graph growth, per step | verdict |",
            "|---|---|" + "---|" * (len(have) + 3)]
    for q in names:
        cells = [s["queries"].get(q, {}) for s in have]
        ms = [c.get("median_ms") for c in cells]
        anchored = any(c.get("anchored") for c in cells)
        growth = ms[-1] / max(ms[0], 0.01) if len(ms) > 1 and ms[0] is not None \
            and ms[-1] is not None else None
        steps = per_step(list(zip(have, ms, strict=True)))
        if anchored:
            verdict = "—" if growth is None else f"≤ {ANCHORED_FACTOR:g}×: " + (
                "met" if round(growth, 1) <= ANCHORED_FACTOR else "missed")
        else:
            verdict = f"≤ linear: {_linear(steps)}"
        rows.append(f"| `{q}` | {'anchored' if anchored else 'aggregation'} | "
                    + " | ".join(_ms(c) for c in cells)
                    + f" | {'—' if growth is None else f'{growth:,.1f}×'} | "
                    + f"{'—' if anchored else _steps_text(steps)} | {verdict} |")
    return rows


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
        rows.append(f"| {_n(s['models'])} | {g['nodes']:,} | {g['relationships']:,} "
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
        step = per_step([(prev, prev["report"]["seconds"]), (s, r["seconds"])]) if prev else []
        rows.append(f"| {_n(s['models'])} | {r['seconds']:,.1f} s | {_mb(r.get('peak_rss_mb'))} "
                    f"| {r.get('files', '—')} | {_steps_text(step)} |")
        prev = s
    return rows


# --- verdicts ---------------------------------------------------------------------------
def _by_size(sizes: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {int(s["models"]): s for s in sizes}


def _ratio_target(name: str, at: dict[int, dict[str, Any]]) -> tuple[str, str, str]:
    least, where = TARGETS[name]
    got = {n: at.get(n, {}).get("ratios", {}).get(name) for n in where}
    measured = ", ".join(f"{'—' if v is None else f'{v:.2f}'} at {_n(n)}" for n, v in got.items())
    missing = [_n(n) for n, v in got.items() if v is None]
    low = [_n(n) for n, v in got.items() if v is not None and round(v, 2) < least]
    verdict = "; ".join([*(["missed at " + ", ".join(low)] if low else []),
                         *(["not measured at " + ", ".join(missing)] if missing else [])]) \
        or "met"
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
    d_c = at[BULK_SIZE].get("ratios", {}).get("d/c")
    alone = import_alone(bulk)
    rate = (f"{bulk['rate']:,.0f} records/s ({bulk['records']:,} in {bulk['seconds']:,.1f} s)"
            + ("" if d_c is None else f"; d/c {d_c:.2f}"))
    rows = [(f"bulk end to end ≥ {BULK_RATE:,.0f} records/s at {where}", rate,
             "met" if bulk["rate"] >= BULK_RATE else "missed")]
    if alone is None:
        rows.append((f"bulk end to end ≤ {IMPORT_FACTOR:g}× import alone at {where}", "—",
                     "not measured (no admin_import part)"))
    else:
        factor = alone / bulk["rate"]
        rows.append((f"bulk end to end ≤ {IMPORT_FACTOR:g}× import alone at {where}",
                     f"import alone {alone:,.0f} records/s "
                     f"({bulk['parts']['admin_import']:,.1f} s): end to end {factor:.2f}×",
                     "met" if round(factor, 2) <= IMPORT_FACTOR else "missed"))
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
        return (f"{a:,.0f} MB vs {b:,.0f} MB: {ratio:.2f}×",
                "met" if round(ratio, 2) <= MEMORY_FACTOR else "missed")

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


def _query_targets(sizes: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    have, names = _query_cells(sizes)
    if len(have) < 2:  # growth needs two sizes
        return [("anchored queries ≤ 3× smallest to largest", "—", "not measured"),
                ("whole-graph aggregations ≤ linear at every step", "—", "not measured")]
    span = f"{_n(have[0]['models'])}→{_n(have[-1]['models'])}"
    grows: dict[str, float | None] = {}
    steps: dict[str, list[float | None]] = {}
    for q in names:
        cells = [s["queries"].get(q, {}) for s in have]
        ms = [c.get("median_ms") for c in cells]
        if any(c.get("anchored") for c in cells):
            grows[q] = ms[-1] / max(ms[0], 0.01) if ms[0] is not None and ms[-1] is not None \
                else None
        else:
            steps[q] = per_step(list(zip(have, ms, strict=True)))
    known = {q: g for q, g in grows.items() if g is not None}
    worst = max(known, key=lambda q: known[q]) if known else None
    unmeasured = [q for q, g in grows.items() if g is None]
    anchored = (f"anchored queries ≤ {ANCHORED_FACTOR:g}× {span}",
                (f"{min(known.values()):.1f}–{max(known.values()):.1f}× (most: `{worst}`)"
                 if worst else "—") + (f"; not measured: {', '.join(unmeasured)}"
                                       if unmeasured else ""),
                "not measured" if not known else (
                    "missed" if any(round(g, 1) > ANCHORED_FACTOR for g in known.values())
                    else "met" if not unmeasured
                    else f"met where measured ({len(unmeasured)} not measured)"))
    labels = [f"{_n(a['models'])}→{_n(b['models'])}" for a, b in itertools.pairwise(have)]
    worst_steps = []
    for i, label in enumerate(labels):
        col: dict[str, float] = {q: x for q, r in steps.items() if (x := r[i]) is not None}
        if col:
            q = max(col, key=lambda k: col[k])
            worst_steps.append(f"{label} {col[q]:.2f} (`{q}`)")
    over = sorted(q for q, r in steps.items() if any(x is not None and round(x, 2) > 1.0
                                                     for x in r))
    gaps = sorted(q for q, r in steps.items() if any(x is None for x in r))
    named = "; ".join(f"`{q}` {_steps_text(steps[q])}" for q in NAMED if q in steps)
    measured = ("highest time growth ÷ graph growth per step: " + ", ".join(worst_steps)
                + (f"; {named}" if named else "")
                + (f"; above linear: {', '.join(over)}" if over else "")
                + (f"; not measured at every size: {', '.join(gaps)}" if gaps else ""))
    verdict = "missed" if over else (
        "met" if not gaps else f"met where measured ({len(gaps)} not measured at every size)")
    return [anchored, ("whole-graph aggregations ≤ linear in graph size at every step",
                       measured, verdict)]


def _report_target(at: dict[int, dict[str, Any]]) -> tuple[str, str, str]:
    got = [(s, s.get("report", {}).get("seconds")) for n, s in sorted(at.items())]
    timed = [(s, t) for s, t in got if t is not None]
    missing = [n for n in REPORT_SIZES if at.get(n, {}).get("report", {}).get("seconds") is None]
    measured = ", ".join(f"{t:,.1f} s at {_n(s['models'])}" for s, t in timed) or "—"
    steps = per_step(timed)
    if len(timed) > 1:
        measured += f"; time growth ÷ graph growth {_steps_text(steps)}"
    verdict = ("not measured at " + ", ".join(_n(n) for n in missing)) if missing \
        else _linear(steps)
    sizes = ", ".join(_n(n) for n in REPORT_SIZES)
    return f"`hflineage report` timed at {sizes}, growth ≤ linear", measured, verdict


def target_table(sizes: list[dict[str, Any]]) -> list[str]:
    at = _by_size(sizes)
    rows = [_ratio_target("c/a", at), _ratio_target("c/b", at), *_bulk_targets(at),
            _ratio_target("d/c", at), _largest_target(at), *_memory_targets(at),
            *_query_targets(sizes), _report_target(at)]
    return ["| target (issue 17) | measured | verdict |", "|---|---|---|",
            *(f"| {t} | {m} | {v} |" for t, m, v in rows)]


def merged(paths: list[Path]) -> dict[str, Any]:
    """Several result files as one: per size, later files add or replace measurements."""
    data: dict[str, Any] = {}
    sizes: dict[int, dict[str, Any]] = {}
    for path in paths:
        part = json.loads(path.read_text())
        data.setdefault("machine", part["machine"])
        data.setdefault("started", part["started"])
        data.setdefault("neo4j_memory", part["neo4j_memory"])
        if "crawl" in part:
            data["crawl"] = part["crawl"]
        for s in part.get("sizes", []):
            sizes.setdefault(s["models"], {}).update(
                {k: v for k, v in s.items() if not (isinstance(v, dict) and "error" in v)})
    for s in sizes.values():
        r = {k: s.get(k, {}).get("rate") for k in ("raw", "naive", "online", "bulk")}
        if r["naive"] is None:
            r["naive"] = next((x["naive"]["rate"] for x in sizes.values() if "naive" in x), None)
        s["ratios"] = {name: r[top] / r[bottom] for name, top, bottom in (
            ("c/a", "online", "raw"), ("c/b", "online", "naive"), ("d/c", "bulk", "online"))
            if r[top] and r[bottom]}
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
                  query_table(sizes), report_table(sizes)):
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
    out += ["**Targets (issue 17)**", "", *target_table(sizes)]
    print("\n".join(out))


if __name__ == "__main__":
    main()
