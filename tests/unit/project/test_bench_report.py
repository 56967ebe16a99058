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
    anchored: list[dict[str, Any]] = [
        {"model_lineage": 5.0, "family_edges": 5.0}, {"model_lineage": 6.0, "family_edges": 6.0},
        {"model_lineage": 7.0, "family_edges": cell}]
    whole: list[dict[str, Any]] = [
        {"org_flows": 10.0, "top_datasets": 10.0}, {"org_flows": 50.0, "top_datasets": 50.0},
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


# --- hflineage infer (issue 18) --------------------------------------------------------------
def _infer(models: int, seconds: float, peak_mb: float, online_s: float | None,
           why: str = "this run did not load this size online") -> dict[str, Any]:
    """An ``infer`` result as bench/run.py records it; the ratio is the run's own."""
    vs: dict[str, Any] = ({"ratio": None, "why": why} if online_s is None else
                          {"online_seconds": online_s, "ratio": seconds / online_s})
    return {"models": models, "undeclared": models // 4, "with_prediction": models // 5,
            "edges": models // 2, "removed": 0, "seconds": seconds,
            "parts": {"read": 1.0, "train": 2.0, "predict_write": seconds - 3.0},
            "models_per_s": models / seconds, "baseline_rss_mb": 150.0, "peak_rss_mb": peak_mb,
            "rss_mb_per_100k_models": peak_mb / models * 100_000, "graph_loaded_by": "online",
            "vs_online": vs}


def test_infer_time_at_1m_within_one_and_a_half_online_loads_is_met(tmp_path: Path) -> None:
    sizes = [{"models": 100_000, "infer": _infer(100_000, 90.0, 400.0, 60.0)},
             {"models": 1_000_000, "infer": _infer(1_000_000, 900.0, 2_000.0, 600.0)}]
    measured, verdict = _row(_targets(_run(tmp_path, "a", sizes)), "infer time")
    assert verdict == "met"
    assert measured == "1.50 (90.0 s ÷ 60.0 s) at 100k; 1.50 (900.0 s ÷ 600.0 s) at 1M"


def test_infer_time_just_over_the_ratio_is_missed_and_shows_why(tmp_path: Path) -> None:
    sizes = [{"models": 1_000_000, "infer": _infer(1_000_000, 900.3, 2_000.0, 600.0)}]
    measured, verdict = _row(_targets(_run(tmp_path, "a", sizes)), "infer time")
    assert verdict == "missed"
    assert measured == "1.5005 (900.3 s ÷ 600.0 s) at 1M"  # 900.3 / 600 = 1.5005


def test_infer_ratio_is_never_borrowed_from_another_run_s_online_load(tmp_path: Path) -> None:
    loads = _run(tmp_path, "bench-1", [{"models": 1_000_000, "online": _rate(1_700)}])
    infer = _run(tmp_path, "bench-2", [
        {"models": 300_000, "infer": _infer(300_000, 100.0, 900.0, 200.0)},
        {"models": 1_000_000, "infer": _infer(1_000_000, 500.0, 2_000.0, None)}])
    measured, verdict = _row(_targets(loads, infer), "infer time")
    assert verdict == "not measured at 1M (met at 300k)"
    assert measured == ("0.50 (100.0 s ÷ 200.0 s) at 300k; "
                        "— (this run did not load this size online) at 1M")
    [row] = [r for r in report.infer_table(report.merged([loads, infer])["sizes"])
             if r.startswith("| 1M")]
    assert "| — | — (this run did not load this size online) |" in row


def test_infer_memory_flat_is_met(tmp_path: Path) -> None:
    sizes = [{"models": 100_000, "infer": _infer(100_000, 90.0, 300.0, 60.0)},
             {"models": 1_000_000, "infer": _infer(1_000_000, 900.0, 390.0, 600.0)}]
    _, verdict = _row(_targets(_run(tmp_path, "a", sizes)), "infer memory")
    assert verdict == "met (flat)"  # (390 - 300) MB over 900k models = 10.0 MB per 100k


def test_infer_memory_bounded_per_model_is_not_flat(tmp_path: Path) -> None:
    sizes = [{"models": 100_000, "infer": _infer(100_000, 90.0, 300.0, 60.0)},
             {"models": 1_000_000, "infer": _infer(1_000_000, 900.0, 2_000.0, 600.0)}]
    measured, verdict = _row(_targets(_run(tmp_path, "a", sizes)), "infer memory")
    assert verdict == "missed: bounded per model, not flat"
    # (2000 / 300) / 10 = 0.667; (2000 - 300) MB over 900k models = 188.9 MB per 100k
    assert measured == ("300 MB at 100k (300.0 MB per 100k models), 2,000 MB at 1M (200.0 MB "
                        "per 100k models); growth ÷ model growth 100k→1M 0.67 "
                        "(188.9 MB per extra 100k models)")


def test_infer_memory_growing_faster_than_models_is_missed(tmp_path: Path) -> None:
    sizes = [{"models": 100_000, "infer": _infer(100_000, 90.0, 300.0, 60.0)}]
    later = [{"models": 1_000_000, "infer": _infer(1_000_000, 900.0, 3_010.0, 600.0)}]
    measured, verdict = _row(_targets(_run(tmp_path, "a", sizes), _run(tmp_path, "b", later)),
                             "infer memory")
    assert verdict == "missed"
    # (3010 / 300) / 10 = 1.0033; (3010 - 300) MB over 900k models = 301.1 MB per 100k
    assert measured.endswith("growth ÷ model growth 100k→1M 1.003 "
                             "(301.1 MB per extra 100k models; runs differ)")


def test_infer_memory_at_one_size_is_not_a_verdict(tmp_path: Path) -> None:
    sizes = [{"models": 100_000, "infer": _infer(100_000, 90.0, 400.0, 60.0)}]
    targets = _targets(_run(tmp_path, "a", sizes))
    assert _row(targets, "infer memory") == ("400 MB at 100k (400.0 MB per 100k models)",
                                             "not measured (one size)")
    assert _row(targets, "infer time") == ("1.50 (90.0 s ÷ 60.0 s) at 100k",
                                           "not measured at 1M (met at 100k)")


def test_infer_table_row(tmp_path: Path) -> None:
    sizes = [{"models": 100_000, "infer": _infer(100_000, 80.0, 400.0, 64.0)}]
    table = report.infer_table(report.merged([_run(tmp_path, "a", sizes)])["sizes"])
    # 100k / 80 s = 1,250 models/s; 80 / 64 = 1.25; 400 MB per 100k models
    assert table[2] == ("| 100k | 100,000 | 25,000 | 50,000 | 80.0 | 1.0 / 2.0 / 77.0 | 1,250 "
                        "| 64.0 | 1.25 | 400 MB | 400.0 | online |")


def _stopped_infer(seconds: float, peak_mb: float, online_s: float, why: str) -> dict[str, Any]:
    """An ``infer`` bench/run.py stopped before it ended."""
    return {"stopped": why, "seconds": seconds, "peak_rss_mb": peak_mb,
            "graph_loaded_by": "online",
            "vs_online": {"online_seconds": online_s, "ratio": None,
                          "ratio_at_least": seconds / online_s, "why": "infer stopped"}}


def test_infer_stopped_at_its_deadline_past_the_ratio_is_missed(tmp_path: Path) -> None:
    sizes = [{"models": 100_000, "infer": _infer(100_000, 90.0, 300.0, 60.0)},
             {"models": 1_000_000,
              "infer": _stopped_infer(1_200.0, 5_000.0, 600.0, "deadline")}]
    targets = _targets(_run(tmp_path, "a", sizes))
    measured, verdict = _row(targets, "infer time")
    assert verdict == "missed (stopped at 1M already past 1.5)"
    # 1200 / 600 = 2.0 is a lower bound
    assert measured.endswith("; stopped after 1,200.0 s (deadline), ratio ≥ 2.00 at 1M")
    measured, verdict = _row(targets, "infer memory")
    assert verdict == "not measured (one size); not measured at 1M (stopped)"
    assert measured == ("300 MB at 100k (300.0 MB per 100k models); at least 5,000 MB at 1M "
                        "(infer stopped after 1,200.0 s (deadline), ratio ≥ 2.00)")


def test_infer_stopped_early_is_not_a_time_verdict_but_low_memory_misses(tmp_path: Path
                                                                        ) -> None:
    why = "less than 1,500 MB of memory left on the machine"
    sizes = [{"models": 1_000_000, "infer": _stopped_infer(300.0, 9_000.0, 600.0, why)}]
    targets = _targets(_run(tmp_path, "a", sizes))
    assert _row(targets, "infer time")[1] == "not measured at 1M"
    assert _row(targets, "infer memory")[1] == "missed (stopped for lack of memory at 1M)"
    [row] = [r for r in report.infer_table(report.merged([_run(tmp_path, "b", sizes)])["sizes"])
             if r.startswith("| 1M")]
    assert row.startswith(f"| 1M | stopped after 300.0 s ({why}), ratio ≥ 0.50 |")
    assert "| at least 9,000 MB |" in row
