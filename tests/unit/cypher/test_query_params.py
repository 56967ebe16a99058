"""Named-query parameters as pure functions: enum values (spaces included), null, --param
pairs and the output format an --out suffix names."""

from __future__ import annotations

from pathlib import Path

import pytest

from hflineage.analytics.output import format_for
from hflineage.cli.options import parse_params
from hflineage.cypher import load, parse, registry
from hflineage.errors import OutputFormatError, QueryNotFoundError, QueryParameterError
from hflineage.loader.normalize.vocab import EDGE_RELATIONS

HEADER = """// A test query.
// $benchmark: enum(Average|MATH Lvl 5|MMLU-PRO) = 'Average' -- a benchmark; null for all
// $board: enum(v1|v2) = null -- one board
// $relations: list[enum(finetune|merge)] = null -- relations to follow
// $depth: int = 10 -- generations
// $model: str -- a model id
// returns: x
RETURN 1 AS x
"""


def test_enum_values_may_hold_spaces_and_dashes() -> None:
    q = parse("t", HEADER)
    benchmark = q.params[0]
    assert benchmark.choices == ("Average", "MATH Lvl 5", "MMLU-PRO")
    assert benchmark.default == "Average" and benchmark.doc == "a benchmark; null for all"
    assert q.bind({"model": "m", "benchmark": "MATH Lvl 5"})["benchmark"] == "MATH Lvl 5"
    with pytest.raises(QueryParameterError,
                       match=r"\$benchmark must be one of Average, MATH Lvl 5, MMLU-PRO, "
                             r"got 'MATH'"):
        q.bind({"model": "m", "benchmark": "MATH"})
    assert q.bind({"model": "m", "relations": "merge, finetune"})["relations"] == [
        "merge", "finetune"]
    with pytest.raises(QueryParameterError, match="got 'merges'"):
        q.bind({"model": "m", "relations": ["merges"]})


def test_null_only_where_it_means_something() -> None:
    q = parse("t", HEADER)
    assert q.bind({"model": "m", "board": None, "relations": None, "benchmark": None}) == {
        "benchmark": None, "board": None, "relations": None, "depth": 10, "model": "m"}
    with pytest.raises(QueryParameterError, match=r"\$depth cannot be null; leave it out"):
        q.bind({"model": "m", "depth": None})
    with pytest.raises(QueryParameterError, match=r"\$model cannot be null$"):
        q.bind({"model": None})


def test_every_enumerated_parameter_is_an_enum() -> None:
    enumerated = {"relation", "relations", "benchmark", "leaderboard", "rankBy"}
    for q in registry().values():
        for p in q.params:
            if p.name in enumerated:
                assert p.choices, f"{q.name}: ${p.name} lists no allowed values"
            if p.name == "benchmark":
                assert "MATH Lvl 5" in p.choices and "MMLU-PRO" in p.choices


def test_param_pairs_read_null_as_none() -> None:
    pairs = ("model=a/b", "$x=null", "expr=a=b", "empty=", "text= null ")
    assert parse_params(None, None, pairs) == {  # type: ignore[arg-type]
        "model": "a/b", "x": None, "expr": "a=b", "empty": "", "text": None}
    with pytest.raises(QueryParameterError, match="NAME=VALUE"):
        parse_params(None, None, ("nonsense",))  # type: ignore[arg-type]


def test_the_output_format_comes_from_the_suffix_or_is_an_error() -> None:
    assert format_for(None, None) == "table"
    assert format_for(Path("a.CSV"), None) == "csv"
    assert format_for(Path("a.txt"), None) == "table"
    assert format_for(Path("a.xlsx"), "json") == "json"
    for name in ("a.xlsx", "a"):
        with pytest.raises(OutputFormatError, match=r"--format table\|csv\|json\|parquet"):
            format_for(Path(name), None)


def test_internal_reads_load_by_path_and_stay_out_of_the_registry() -> None:
    hop = load("read/child_links", internal=True)
    assert hop.name == "read/child_links" and hop.columns[:2] == ("child", "parent")
    assert not [name for name in registry() if "/" in name or name.startswith("viz_")]
    relations = next(p for p in hop.params if p.name == "relations")
    assert relations.choices == EDGE_RELATIONS
    with pytest.raises(QueryParameterError, match="got 'finetunes'"):
        hop.bind({"keys": "meta/llama-7b", "relations": "merge,finetunes"})
    with pytest.raises(QueryNotFoundError):
        load("read/no_such_read", internal=True)
    with pytest.raises(QueryNotFoundError, match="query list"):
        load("read/child_links")  # the public commands refuse internal reads
    with pytest.raises(QueryNotFoundError):
        load("child_links")


def test_a_month_is_checked_before_anything_runs() -> None:
    q = load("derivatives_per_month")
    assert q.bind({"since": "2023-04", "until": "2024-12"})["until"] == "2024-12"
    for bad in ("2023", "2023-4", "2023-13", "April 2023"):
        with pytest.raises(QueryParameterError, match=r"\$since must be a month as YYYY-MM"):
            q.bind({"since": bad})


@pytest.mark.parametrize(("given", "message"), [
    ({"maxDepth": "40"}, r"\$maxDepth must be from 1 to 32, got 40"),
    ({"maxDepth": 0}, r"\$maxDepth must be from 1 to 32, got 0"),
    ({"minHops": 0}, r"\$minHops must be from 1 to 32, got 0"),
    ({"minHops": 5, "maxDepth": 2}, r"\$minHops \(5\) is above \$maxDepth \(2\)"),
])
def test_walk_bounds_are_one_line_errors(given: dict[str, object], message: str) -> None:
    with pytest.raises(QueryParameterError, match=message):
        load("licence_drift").bind(given)
    assert load("licence_drift").bind({"minHops": 3, "maxDepth": 3})["minHops"] == 3
