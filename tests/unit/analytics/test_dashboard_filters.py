"""The dashboard's filters: parsing, one-line errors, the URL round trip, which queries take
which filter (from the registry), and the per-version query memo."""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qsl

import pandas as pd
import pytest

from hflineage.analytics.dashboard import (
    FILTERS,
    PAGES,
    Filters,
    QueryMemo,
    filtered,
    honoured,
)
from hflineage.analytics.report import SECTIONS
from hflineage.cypher import registry
from hflineage.errors import QueryParameterError


def test_parse_reads_every_filter_and_round_trips_through_the_url() -> None:
    items = [("leaderboard", "v2"), ("relation", "merge"), ("architecture", "LlamaForCausalLM"),
             ("license", "custom/restricted"), ("since", "2023-02"), ("until", "2024-11"),
             ("stubs", "true")]
    f = Filters.parse(items)
    assert f == Filters("v2", "merge", "LlamaForCausalLM", "custom/restricted", "2023-02",
                        "2024-11", True)
    assert Filters.parse(parse_qsl(f.query_string())) == f
    assert f.params() == {"leaderboard": "v2", "relation": "merge",
                          "architecture": "LlamaForCausalLM",
                          "licenseCategory": "custom/restricted", "since": "2023-02",
                          "until": "2024-11", "includeStubs": True}


def test_empty_values_mean_not_filtered() -> None:
    f = Filters.parse([("relation", ""), ("architecture", "  "), ("stubs", "false")])
    assert f == Filters() and f.query_string() == "" and f.params() == {}
    assert f.describe() == "none (the whole graph)"


@pytest.mark.parametrize(("items", "message"), [
    ([("relation", "finetuned")], "relation must be one of finetune, adapter"),
    ([("leaderboard", "v3")], "leaderboard must be one of v1, v2"),
    ([("license", "mit")], "license must be one of permissive"),
    ([("since", "2024-13")], "since must be a month as YYYY-MM, got '2024-13'"),
    ([("until", "2024")], "until must be a month as YYYY-MM"),
    ([("since", "2024-05"), ("until", "2024-01")], "since (2024-05) is after until (2024-01)"),
    ([("stubs", "maybe")], "stubs must be true or false"),
    ([("licence", "permissive")], "no dashboard filter 'licence'; filters: leaderboard"),
])
def test_bad_filters_are_one_line_errors(items: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(QueryParameterError) as e:
        Filters.parse(items)
    assert message in str(e.value) and "\n" not in str(e.value)


def test_every_query_declares_a_filter_with_the_same_type_and_default() -> None:
    """A filter means one thing everywhere: where a named query declares it, its type and
    default are the dashboard's."""
    expected = {"architecture": ("str", None), "licenseCategory": (
        "enum(permissive|copyleft|non-commercial|custom/restricted|unknown)", None),
        "since": ("month", None), "until": ("month", None),
        "relation": ("enum(finetune|adapter|quantized|merge|unknown)", None),
        "includeStubs": ("bool", False), "leaderboard": ("enum(v1|v2)", None)}
    seen = {name: 0 for name in expected}
    for q in registry().values():
        for p in q.params:
            if p.name in expected:
                seen[p.name] += 1
                assert (p.type, p.default) == expected[p.name], (q.name, p.name)
    assert {f.param for f in FILTERS} == set(expected)
    assert all(seen.values()), seen  # every filter is taken by some query


def test_honoured_reads_the_declarations() -> None:
    f = Filters(relation="finetune", leaderboard="v1")
    # graph_stats takes no filter; score_coverage takes the leaderboard
    assert honoured(f, ["graph_stats"]) == ((), (), ("leaderboard", "relation"))
    applied, partly, ignored = honoured(f, ["graph_stats", "score_coverage"])
    assert "leaderboard" in partly and "relation" in ignored + partly and not applied


def test_filtered_passes_only_declared_filters_and_the_callers_params_win() -> None:
    runs: list[tuple[str, dict[str, object]]] = []
    called: list[tuple[str, tuple[tuple[str, object], ...]]] = []
    q = filtered(lambda n, p: runs.append((n, p)) or pd.DataFrame(),
                 Filters(relation="merge", leaderboard="v2"), called)
    q("graph_stats")
    q("score_coverage", leaderboard="v1")
    assert runs[0] == ("graph_stats", {})
    assert runs[1][1]["leaderboard"] == "v1" and "relation" not in runs[1][1]
    assert [name for name, _ in called] == ["graph_stats", "score_coverage"]


def test_pages_name_only_report_sections() -> None:
    assert PAGES[""][2] == tuple(SECTIONS)
    for _, _, groups in PAGES.values():
        assert set(groups) <= set(SECTIONS)


def test_memo_computes_an_identical_read_once_and_drops_an_old_version() -> None:
    memo = QueryMemo()
    calls: list[int] = []
    gate = threading.Event()

    def slow() -> pd.DataFrame:
        calls.append(1)
        gate.wait(5)
        return pd.DataFrame({"n": [len(calls)]})

    results: list[pd.DataFrame] = []
    threads = [threading.Thread(target=lambda: results.append(
        memo.get("v1", "q", {"a": 1}, slow))) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join(5)
    assert len(calls) == 1 and [int(r["n"].iloc[0]) for r in results] == [1] * 4
    results[0].loc[0, "n"] = 99  # a caller's copy: the memo's value is unchanged
    assert int(memo.get("v1", "q", {"a": 1}, slow)["n"].iloc[0]) == 1
    assert int(memo.get("v2", "q", {"a": 1}, slow)["n"].iloc[0]) == 2  # new version: read again


def test_a_filter_given_twice_is_an_error() -> None:
    with pytest.raises(QueryParameterError, match="filter 'relation' is given twice"):
        Filters.parse([("relation", "merge"), ("relation", "adapter")])


def test_a_filter_only_the_coverage_line_or_an_undrawn_column_takes_is_not_applied() -> None:
    """growth_per_month's $relation narrows only newDerivatives (never drawn) and coverage's
    filters reach only the coverage line: the growth sections are not filtered by relation."""
    f = Filters(relation="finetune", architecture="LlamaForCausalLM")
    applied, partly, ignored = honoured(f, ["coverage", "growth_per_month"])
    assert applied == ("architecture",) and ignored == ("relation",) and not partly


def test_an_older_versions_build_does_not_drop_the_current_results() -> None:
    memo = QueryMemo()
    calls: list[str] = []

    def read(tag: str) -> pd.DataFrame:
        calls.append(tag)
        return pd.DataFrame({"v": [tag]})

    memo.get("new", "q", {}, lambda: read("new"))
    memo.get("old", "q", {}, lambda: read("old"))  # a build of the older version, still running
    assert memo.get("new", "q", {}, lambda: read("again"))["v"].iloc[0] == "new"
    assert calls == ["new", "old"]
