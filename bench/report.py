"""Render benchmark results as the README's Performance tables (markdown, to stdout).

``.venv/bin/python bench/report.py bench/results/bench-*.json`` (several runs are merged per size).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

TARGETS = {"c/a": 0.5, "c/b": 50.0, "d/c": 5.0}


def _n(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def _rate(part: dict[str, Any] | None) -> str:
    if not part or "rate" not in part:
        return "—" if not part else "error"
    return f"{part['rate']:,.0f}"


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
            _rate(bulk), *(f"{r[k]:.2f}" if k in r else "—" for k in TARGETS),
            _online_time(online, s["models"]),
            f"{bulk['seconds'] / 60:.1f} min" if "seconds" in bulk else "—",
            f"{online['peak_rss_mb']:,.0f} MB" if "peak_rss_mb" in online else "—",
            _rate(s.get("commits")) + " |"]))
    return rows


def _ms(ms: float | None, cell: dict[str, Any]) -> str:
    if ms is None:
        return str(cell.get("error") or cell.get("skipped") or "—")
    return f"{ms:,.1f}" + (" (cold)" if cell.get("runs") == 0 else "")


def query_table(sizes: list[dict[str, Any]]) -> list[str]:
    have = [s for s in sizes if isinstance(s.get("queries"), dict)
            and "error" not in s["queries"]]
    if not have:
        return []
    names = sorted(have[0]["queries"], key=lambda q: (not have[0]["queries"][q]["anchored"], q))
    head = "| query | kind | " + " | ".join(f"{_n(s['models'])} (ms)" for s in have)
    rows = [head + f" | growth {_n(have[0]['models'])}→{_n(have[-1]['models'])} |",
            "|---|---|" + "---|" * (len(have) + 1)]
    for q in names:
        cells = [s["queries"].get(q, {}) for s in have]
        ms = [c.get("median_ms") for c in cells]
        grow = f"{ms[-1] / max(ms[0], 0.01):.1f}×" if ms[0] is not None and ms[-1] is not None \
            else "—"
        kind = "anchored" if have[0]["queries"][q]["anchored"] else "aggregation"
        rows.append(f"| `{q}` | {kind} | "
                    + " | ".join(_ms(m, c) for m, c in zip(ms, cells, strict=True))
                    + f" | {grow} |")
    return rows


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
    out = [f"Measured {data['started'][:10]} on {m['cpu']}, {m['cores']} cores, "
           f"{m['ram_gb']} GB RAM ({m['os']}), Python {m['python']}, Neo4j {m['neo4j']} "
           f"(heap {data['neo4j_memory']['heap']}, page cache "
           f"{data['neo4j_memory']['pagecache']}).", "",
           "Load rates are model records per second.", ""]
    out += load_table(data["sizes"])
    out += ["", *query_table(data["sizes"])]
    if crawl and "metadata" in crawl:
        out += ["", "| Hub crawl (local Hub server, 1,000 items per page) | models | requests "
                "| requests per 1,000 models |", "|---|---|---|---|"]
        for label in ("metadata", "with_commits"):
            c = crawl[label]
            out.append(f"| {label.replace('_', ' ')} | {c['models']:,} | {c['requests']:,} "
                       f"| {c['per_1000_models']} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
