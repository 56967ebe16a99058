"""bench/report.py: verdicts from small hand-made result files (no Neo4j, no real results)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.support.paths import ROOT

TIMED_OUT = "Neo.ClientError.Transaction.TransactionTimedOut"


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "bench" / "report.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


report = _module()


def _run(tmp_path: Path, name: str, sizes: list[dict[str, Any]]) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({
        "started": "2026-12-06T00:00:00+00:00", "neo4j_memory": {"heap": "4g", "pagecache": "4g"},
        "machine": {"cpu": "x", "cores": 2, "ram_gb": 24, "os": "linux", "python": "3.11",
                    "neo4j": "5.26"}, "sizes": sizes}))
    return path


def _targets(*paths: Path) -> dict[str, tuple[str, str]]:
    """Target row -> (measured, verdict), keyed by the row's first words."""
    rows = report.target_table(report.merged(list(paths))["sizes"])[2:]
    out = {}
    for row in rows:
        target, measured, verdict = (c.strip() for c in row.strip("|").split(" | "))
        out[target] = (measured, verdict)
    return out


def _row(targets: dict[str, tuple[str, str]], start: str) -> tuple[str, str]:
    [key] = [k for k in targets if k.startswith(start)]
    return targets[key]


def _rate(rate: float) -> dict[str, Any]:
    return {"records": 1000, "seconds": 1000 / rate, "rate": rate}


# --- rounding (R2) ---------------------------------------------------------------------------
def test_ca_just_below_the_target_is_missed_and_shows_why(tmp_path: Path) -> None:
    sizes = [{"models": n, "raw": _rate(10_000), "online": _rate(7_951)}
             for n in (100_000, 1_000_000)]
    measured, verdict = _row(_targets(_run(tmp_path, "a", sizes)), "c/a")
    assert verdict == "missed at 100k, 1M"
    assert measured == "0.795 at 100k, 0.795 at 1M"


def test_ca_at_the_target_is_met(tmp_path: Path) -> None:
    sizes = [{"models": n, "raw": _rate(10_000), "online": _rate(8_000)}
             for n in (100_000, 1_000_000)]
    assert _row(_targets(_run(tmp_path, "a", sizes)), "c/a") == ("0.80 at 100k, 0.80 at 1M",
                                                                  "met")


def test_a_run_s_own_ratio_is_compared_raw(tmp_path: Path) -> None:
    sizes = [{"models": n, "raw": _rate(10_000), "online": _rate(7_951), "naive": _rate(100),
              "bulk": _rate(20_000), "ratios": {"c/a": 0.7951, "c/b": 79.51, "d/c": 2.5154}}
             for n in (100_000, 1_000_000)]
    assert _row(_targets(_run(tmp_path, "a", sizes)), "c/a")[1] == "missed at 100k, 1M"


def _queries(ms: dict[str, Any], anchored: bool) -> dict[str, Any]:
    return {q: (c if isinstance(c, dict) else {"median_ms": c}) | {"anchored": anchored}
            for q, c in ms.items()}


def test_anchored_growth_just_over_three_is_missed(tmp_path: Path) -> None:
    sizes = [{"models": 10_000, "queries": _queries({"model_lineage": 10.0}, True)},
             {"models": 1_000_000, "queries": _queries({"model_lineage": 30.4}, True)}]
    path = _run(tmp_path, "a", sizes)
    assert _row(_targets(path), "anchored") == ("3.0–3.04× (most: `model_lineage`); above 3×: "
                                                "`model_lineage`", "missed")
    [line] = [r for r in report.query_table(report.merged([path])["sizes"]) if "model_lin" in r]
    assert "| 3.04× |" in line and line.endswith("| ≤ 3×: missed |")


def test_a_step_just_over_linear_is_missed() -> None:
    assert report._linear([0.5, 1.004]) == "missed"
    assert report._steps_text([0.5, 1.004]) == "0.50 (all 1.004)"
    assert report._linear([0.5, 0.9996]) == "met"


# --- too slow is missed, never run is not measured (R1) --------------------------------------
LARGEST_CELL = {
    "timed out": ({"error": TIMED_OUT}, "missed"),
    "budget": ({"skipped": "time budget"}, "missed"),
    "never run": (None, None),
}


@pytest.mark.parametrize("case", LARGEST_CELL)
def test_a_query_too_slow_at_the_largest_size_is_missed(tmp_path: Path, case: str) -> None:
    cell, expected = LARGEST_CELL[case]
    anchored = [{"model_lineage": 5.0, "family_edges": 5.0}, {"model_lineage": 6.0,
                "family_edges": 6.0}, {"model_lineage": 7.0, "family_edges": cell}]
    whole = [{"org_flows": 10.0, "top_datasets": 10.0}, {"org_flows": 50.0, "top_datasets": 50.0},
             {"org_flows": 400.0, "top_datasets": cell}]
    sizes = []
    for n, a, w in zip((10_000, 100_000, 1_000_000), anchored, whole, strict=True):
        sizes.append({"models": n, "graph": {"nodes": n, "relationships": n},
                      "queries": _queries({k: v for k, v in a.items() if v is not None}, True)
                      | _queries({k: v for k, v in w.items() if v is not None}, False)})
    targets = _targets(_run(tmp_path, "a", sizes))
    (a_measured, a_verdict), (w_measured, w_verdict) = (_row(targets, "anchored"),
                                                        _row(targets, "whole-graph"))
    if expected is None:  # the query was not in that run: not measured, not a miss
        assert a_verdict == "met where measured (1 not measured)"
        assert w_verdict == "met where measured (1 not measured at every size)"
        return
    why = "timed out at 1M" if case == "timed out" else "skipped for the time budget at 1M"
    assert (a_verdict, w_verdict) == ("missed", "missed")
    assert f"too slow: `family_edges` ({why})" in a_measured
    assert f"too slow: `top_datasets` ({why})" in w_measured
    table = report.query_table(report.merged([_run(tmp_path, "b", sizes)])["sizes"])
    [line] = [r for r in table if "`family_edges`" in r]
    assert line.endswith(f"| ≤ 3×: missed ({why}) |")


# --- graph units (R4) -----------------------------------------------------------------------
def test_a_step_uses_graph_size_only_when_both_ends_have_it() -> None:
    small = {"models": 10_000, "graph": {"nodes": 20_000, "relationships": 30_000}}
    middle = {"models": 100_000}
    large = {"models": 1_000_000, "graph": {"nodes": 400_000, "relationships": 600_000}}
    # times 10 -> 100 -> 1000 ms; models grow 10× per step, the graph 20× from 10k to 1M
    steps = report.per_step([(small, 10.0), (middle, 100.0), (large, 1000.0)])
    assert steps == [pytest.approx(1.0), pytest.approx(1.0), pytest.approx(100 / 20)]
    assert report._units_note([small, middle, large]) == (
        "graph growth is model-count growth for 10k→100k, 100k→1M "
        "(no graph size recorded at 100k)")


# --- ratios from one run (R3) ---------------------------------------------------------------
def test_ratios_whose_parts_come_from_different_runs_are_marked(tmp_path: Path) -> None:
    first = _run(tmp_path, "bench-1", [{"models": 300_000, "raw": _rate(5_000),
                                        "online": _rate(3_000)}])
    second = _run(tmp_path, "bench-2", [{"models": 300_000, "bulk": _rate(6_000)}])
    data = report.merged([first, second])
    [s] = data["sizes"]
    assert s["ratios"] == {"c/a": pytest.approx(0.6),
                           "d/c": pytest.approx(2.0)}
    line = report.load_table(data["sizes"])[2]
    assert "| 0.60 |" in line and "| 2.00 (runs differ) |" in line
    measured, verdict = _row(_targets(first, second), "d/c")
    assert measured == "2.00 (runs differ) at 300k"
    assert verdict == "met (runs differ at 300k)"


def test_a_ratio_comes_from_one_run_when_one_run_has_both_parts(tmp_path: Path) -> None:
    first = _run(tmp_path, "bench-1", [{"models": 100_000, "raw": _rate(5_000),
                                        "online": _rate(3_000)}])
    second = _run(tmp_path, "bench-2", [{"models": 100_000, "online": _rate(4_500)}])
    data = report.merged([first, second])
    [s] = data["sizes"]
    assert s["online"]["rate"] == 4_500  # the later run's rate is shown
    assert s["ratios"]["c/a"] == pytest.approx(0.6)  # the ratio is the first run's own
    table = report.load_table(data["sizes"])
    assert "| 0.60 † |" in table[2]
    assert table[-1].endswith("c/a at 100k from bench-1.")
    assert _row(_targets(first, second), "c/a") == ("0.60 at 100k, — at 1M",
                                                    "missed at 100k; not measured at 1M")


def test_naive_of_another_size_is_borrowed_from_the_same_run_only_marked(tmp_path: Path
                                                                         ) -> None:
    run = _run(tmp_path, "bench-1", [
        {"models": 10_000, "naive": _rate(100), "online": _rate(2_000)},
        {"models": 100_000, "online": _rate(6_000)}])
    other = _run(tmp_path, "bench-2", [{"models": 1_000_000, "naive": _rate(50),
                                        "online": _rate(5_000)}])
    measured, verdict = _row(_targets(run, other), "c/b")
    assert measured == ("20.00 at 10k, 60.00 (naive from 10k, same run) at 100k, "
                        "100.00 at 1M")
    assert verdict == "missed at 10k (naive from 10k, same run at 100k)"
    alone = _run(tmp_path, "bench-3", [{"models": 100_000, "online": _rate(6_000)}])
    assert "not measured at 10k, 100k" in _row(_targets(alone, other), "c/b")[1]


# --- a partial online load (R6) -------------------------------------------------------------
def test_figures_on_a_partial_graph_stay_out_of_growth_verdicts(tmp_path: Path) -> None:
    def size(n: int, ms: float, partial: bool = False) -> dict[str, Any]:
        online = _rate(3_000) | ({"partial": True, "records": n // 4} if partial else {})
        return {"models": n, "online": online, "graph": {"nodes": n, "relationships": n},
                "queries": _queries({"org_flows": ms}, False),
                "report": {"seconds": ms / 10}}

    path = _run(tmp_path, "a", [size(10_000, 10.0), size(100_000, 90.0),
                                size(1_000_000, 90_000.0, partial=True)])
    targets = _targets(path)
    measured, verdict = _row(targets, "whole-graph")
    assert verdict == "met"
    assert "1M (250,000 of 1,000,000 models loaded), measured on a partial graph" in measured
    assert _row(targets, "`hflineage report`")[1] == "not measured at 1M"
    table = report.query_table(report.merged([path])["sizes"])
    assert "1M (ms, partial graph)" in table[0]
    assert "| growth 10k→100k |" in table[0]
