"""``hflineage query`` and ``hflineage report`` through the real entry point."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import click
import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from hflineage.analytics import output
from hflineage.cli import cli
from hflineage.cypher import registry
from hflineage.db.schema import init_schema, node_count, wipe_database
from tests.fixtures.analytics.graph import build
from tests.support.server import TestServer

ENV: dict[str, str] = {}


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[neo4j.Driver]:
    """The small graph, built once for this module's read-only tests; the CLI reaches it."""
    wipe_database(driver, neo4j_server.database)
    init_schema(driver, neo4j_server.database)
    build(driver, neo4j_server.database)
    ENV.update(neo4j_server.env(), HFLINEAGE_HOME=str(tmp_path_factory.mktemp("state")))
    yield driver
    ENV.clear()


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=ENV, catch_exceptions=False)


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, cmd in group.commands.items():
        out.append((*prefix, name))
        if isinstance(cmd, click.Group):
            out += _commands(cmd, (*prefix, name))
    return out


@pytest.mark.parametrize("path", _commands(cli), ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = invoke(*path, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output, f"`hflineage {' '.join(path)} --help` has no example"


def test_query_list_names_every_query_with_its_parameters() -> None:
    rows = json.loads(invoke("query", "list", "--json").output)
    assert [r["name"] for r in rows] == list(registry())
    lineage = next(r for r in rows if r["name"] == "model_lineage")
    assert lineage["params"] == ("model: str required, maxDepth: int = 10, "
                                 'direction: enum(both|up|down) = "both", '
                                 "includeLikely: bool = false")
    assert "model_lineage" in invoke("query", "list").output


def test_query_show_prints_the_cypher_as_in_the_file() -> None:
    result = invoke("query", "show", "model_lineage")
    assert result.output == registry()["model_lineage"].text
    assert "MATCH (m:Model {key: toLower($model)})" in result.output


def test_unknown_query_and_bad_parameters_are_clean_errors(small: neo4j.Driver) -> None:
    result = invoke("query", "run", "no_such_query")
    assert result.exit_code == 1 and "no query named 'no_such_query'" in result.output
    result = invoke("query", "run", "top_architectures", "-p", "limit=ten")
    assert result.exit_code == 1 and "$limit must be int" in result.output
    result = invoke("query", "run", "model_lineage")
    assert result.exit_code == 1 and "needs $model" in result.output
    result = invoke("query", "run", "top_architectures", "-p", "colour=red")
    assert result.exit_code == 1 and "has no parameter $colour" in result.output
    assert "Traceback" not in result.output


def test_run_json_is_a_list_of_row_objects(small: neo4j.Driver) -> None:
    result = invoke("query", "run", "model_lineage", "-p", "model=ALICE/llama-ft",
                    "--param", "maxDepth=1", "--format", "json")
    rows = json.loads(result.output)
    assert [r["model"] for r in rows] == ["meta/Llama-7B", "alice/llama-ft", "bob/llama-ft-ft",
                                          "thebloke/llama-ft-GGUF"]
    assert rows[0] == {"direction": "ancestor", "generation": -1, "model": "meta/Llama-7B",
                       "relation": "finetune", "path": ["alice/llama-ft", "meta/Llama-7B"],
                       "stub": False, "deleted": False, "likely": False,
                       "confidence": None}
    assert rows[1]["relation"] is None


def test_temporal_values_become_iso_text(small: neo4j.Driver) -> None:
    rows = json.loads(invoke("query", "run", "time_to_first_derivative", "-p", "limit=1",
                             "-f", "json").output)
    assert rows == [{"model": "meta/Llama-7B", "createdAt": "2023-02-01T00:00:00+00:00",
                     "firstDerivative": "meta/llama-7b-chat",
                     "firstDerivativeAt": "2023-02-20T00:00:00+00:00",
                     "daysToFirstDerivative": 19, "derivatives": 3, "anomalies": 0,
                     "anomalousChildren": []}]


def test_table_csv_and_parquet_outputs(small: neo4j.Driver, tmp_path: Path) -> None:
    table = invoke("query", "run", "top_base_models", "-p", "limit=2")
    assert table.exit_code == 0
    assert "meta/Llama-7B" in table.output and "transitiveDerivatives" in table.output
    csv = tmp_path / "flows.csv"
    result = invoke("query", "run", "family_summary", "-p", "model=meta/llama-7b", "--out",
                    str(csv))
    assert "1 rows written" in result.output
    df = pd.read_csv(csv)
    assert df.loc[0, "size"] == 7
    assert json.loads(df.loc[0, "widthByGeneration"]) == [1, 3, 3]
    parquet = tmp_path / "lineage.parquet"
    invoke("query", "run", "model_lineage", "-p", "model=meta/llama-7b", "-f", "parquet",
           "-o", str(parquet))
    back = pd.read_parquet(parquet)
    assert len(back) == 8 and list(back["path"].iloc[1]) == ["meta/Llama-7B", "alice/llama-ft"]
    invoke("query", "run", "time_to_first_derivative", "-o", str(tmp_path / "first.parquet"))
    first = pd.read_parquet(tmp_path / "first.parquet")
    assert first["createdAt"].iloc[0] == pd.Timestamp("2023-02-01", tz="UTC")
    result = invoke("query", "run", "graph_stats", "-f", "parquet")
    assert result.exit_code != 0 and "needs --out" in result.output


def test_hub_strings_are_not_rich_markup() -> None:
    df = pd.DataFrame({"model": ["x/[bold]not-markup[/bold]"], "n": [1]})
    for width in (200, 60):
        buf = io.StringIO()
        output.show(Console(file=buf, width=width), df, "t")
        assert "x/[bold]not-markup[/bold]" in buf.getvalue()


def test_wide_results_print_one_block_per_row() -> None:
    df = pd.DataFrame({f"column{i}": [f"value-{i}-{'x' * 12}"] for i in range(8)})
    buf = io.StringIO()
    output.show(Console(file=buf, width=80), df, "wide")
    lines = buf.getvalue().splitlines()
    assert "row 1" in lines[1] and any(line.split() == ["column7", "value-7-" + "x" * 12]
                                       for line in lines)


def test_user_cypher_with_parameters(small: neo4j.Driver, tmp_path: Path) -> None:
    result = invoke("query", "cypher",
                    "MATCH (m:Model {key: toLower($id)}) RETURN m.id AS id, m.parameters AS p "
                    "LIMIT $n", "-p", "id=META/LLAMA-7B", "-p", "n=5", "-f", "json")
    assert json.loads(result.output) == [{"id": "meta/Llama-7B", "p": 7000000000}]
    text = "MATCH (m:Model)-[:DERIVED_FROM]->(:Model {key: $parent}) RETURN m ORDER BY m.key"
    path = tmp_path / "q.cypher"
    path.write_text(text)
    rows = json.loads(invoke("query", "cypher", "--file", str(path), "-p",
                             'parent="meta/llama-7b"', "-f", "json").output)
    assert [r["m"]["id"] for r in rows] == ["alice/llama-ft", "alice/old-llama", "carol/llama-lora",
                                       "meta/llama-7b-chat"]
    assert rows[0]["m"]["_labels"] == ["Model"]
    assert rows[0]["m"]["createdAt"].startswith("2023-03-05")
    assert invoke("query", "cypher").exit_code != 0


@pytest.mark.parametrize("write", [
    "CREATE (:Model {key: 'evil', id: 'evil'})",
    "MATCH (n) DETACH DELETE n",
    "MATCH (m:Model) SET m.downloads = 0 RETURN count(m)",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS RETURN 1",
])
def test_user_cypher_cannot_write(small: neo4j.Driver, database: str, write: str) -> None:
    before = node_count(small, database)
    downloads = small.execute_query("MATCH (m:Model) RETURN sum(m.downloads) AS d",
                                    database_=database).records[0]["d"]
    result = invoke("query", "cypher", write)
    assert result.exit_code == 1
    assert "read-only" in result.output and "nothing was changed" in result.output
    assert node_count(small, database) == before
    assert small.execute_query("MATCH (m:Model) RETURN sum(m.downloads) AS d",
                               database_=database).records[0]["d"] == downloads


def test_user_cypher_cannot_read_local_files(small: neo4j.Driver) -> None:
    result = invoke("query", "cypher", "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row")
    assert result.exit_code == 1
    assert result.output.startswith("Error: this query was refused and nothing was run: ")
    assert "root:" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("text", ["SHOW TRANSACTIONS", "CALL dbms.listConfig()"])
def test_user_cypher_beyond_a_read_is_one_line_error(small: neo4j.Driver, text: str) -> None:
    result = invoke("query", "cypher", text)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith("Error: this query was refused and nothing was run: ")


def test_user_cypher_stops_at_its_timeout(small: neo4j.Driver) -> None:
    result = invoke("query", "cypher", "--timeout", "0.5",
                    "UNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 RETURN count(*) AS n")
    assert result.exit_code == 1
    assert "0.5 s timeout" in result.output


def test_report_command_writes_the_report(small: neo4j.Driver, tmp_path: Path) -> None:
    result = invoke("report", "--out", str(tmp_path / "r"), "--families", "1")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "index.html").exists()
    assert (tmp_path / "r" / "tables" / "top_architectures.csv").exists()


def test_a_misspelt_enum_value_is_an_error_naming_the_values(small: neo4j.Driver) -> None:
    result = invoke("query", "run", "top_base_models", "-p", "relation=finetunes")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("$relation must be one of finetune, adapter, quantized, merge, unknown, "
            "got 'finetunes'") in result.output
    result = invoke("query", "run", "scored_pairs", "-p", "benchmark=math")
    assert result.exit_code == 1 and "MATH Lvl 5, GPQA, MUSR, MMLU-PRO" in result.output
    result = invoke("query", "run", "scored_pairs", "-p", "leaderboard=v3")
    assert result.exit_code == 1 and "$leaderboard must be one of v1, v2" in result.output
    spaced = invoke("query", "run", "scored_pairs", "-p", "benchmark=MATH Lvl 5", "-f", "json")
    assert spaced.exit_code == 0, spaced.output
    assert {r["benchmark"] for r in json.loads(spaced.output)} <= {"MATH Lvl 5"}


def test_an_absent_anchor_is_an_error_with_suggestions(small: neo4j.Driver, tmp_path: Path
                                                       ) -> None:
    result = invoke("query", "run", "model_lineage", "-p", "model=meta/Llama-7C")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("Error: no model 'meta/Llama-7C' in the graph; did you mean meta/Llama-7B, "
            in result.output)
    result = invoke("query", "run", "family_summary", "-p", "model=nobody/nothing")
    assert result.exit_code == 1 and "no model 'nobody/nothing' in the graph" in result.output
    result = invoke("query", "run", "org_neighbourhood", "-p", "org=alicee")
    assert result.exit_code == 1
    assert "no organization or user 'alicee' in the graph; did you mean alice?" in result.output
    export = invoke("export", "--format", "csv", str(tmp_path / "x"), "--query",
                    "model_lineage", "--param", "model=nobody/nothing")
    assert export.exit_code == 1 and "no model 'nobody/nothing'" in export.output
    assert not (tmp_path / "x").exists()
    present = invoke("query", "run", "org_neighbourhood", "-p", "org=ALICE", "-f", "json")
    assert present.exit_code == 0 and json.loads(present.output)


def test_null_is_a_json_null(small: neo4j.Driver) -> None:
    every = invoke("query", "run", "top_base_models", "-f", "json").output
    assert invoke("query", "run", "top_base_models", "-p", "relation=null",
                  "-f", "json").output == every
    result = invoke("query", "cypher", "RETURN $x IS NULL AS isNull, $y AS y",
                    "-p", "x=null", "-p", "y=nullish", "-f", "json")
    assert json.loads(result.output) == [{"isNull": True, "y": "nullish"}]
    result = invoke("query", "run", "model_lineage", "-p", "model=null")
    assert result.exit_code == 1 and "$model cannot be null" in result.output
    result = invoke("query", "run", "model_lineage", "-p", "model=meta/llama-7b",
                    "-p", "maxDepth=null")
    assert result.exit_code == 1
    assert "$maxDepth cannot be null; leave it out for its default 10" in result.output


def test_limit_caps_the_rows(small: neo4j.Driver) -> None:
    rows = json.loads(invoke("query", "run", "top_base_models", "--limit", "2",
                             "-f", "json").output)
    assert len(rows) == 2
    full = json.loads(invoke("query", "run", "model_lineage", "-p", "model=meta/llama-7b",
                             "-f", "json").output)
    capped = json.loads(invoke("query", "run", "model_lineage", "-p", "model=meta/llama-7b",
                               "--limit", "3", "-f", "json").output)
    assert len(full) > 3 and capped == full[:3]
    both = invoke("query", "run", "top_base_models", "--limit", "2", "-p", "limit=3")
    assert both.exit_code == 1 and "the row limit is given twice" in both.output


@pytest.mark.parametrize(("command", "header"), [
    (("query", "run", "graph_stats"), "kind,name,count"),
    (("query", "cypher", "RETURN 1 AS one"), "one"),
])
def test_an_unknown_out_suffix_is_an_error_naming_the_formats(
        small: neo4j.Driver, tmp_path: Path, command: tuple[str, ...], header: str) -> None:
    result = invoke(*command, "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cannot tell the format of 'x.xlsx'" in result.output
    assert "table|csv|json|parquet" in result.output
    assert not (tmp_path / "x.xlsx").exists()
    assert invoke(*command, "--out", str(tmp_path / "x")).exit_code == 1
    assert invoke(*command, "--out", str(tmp_path / "x.txt")).exit_code == 0
    assert header.split(",")[0] in (tmp_path / "x.txt").read_text()
    assert invoke(*command, "-f", "csv", "--out", str(tmp_path / "x.data")).exit_code == 0
    assert (tmp_path / "x.data").read_text().splitlines()[0] == header


def test_viz_out_must_be_html(small: neo4j.Driver, tmp_path: Path) -> None:
    for view in (("lineage", "meta/llama-7b"),
                 ("query", "family_edges", "-p", "model=meta/llama-7b")):
        result = invoke("viz", *view, "--out", str(tmp_path / "x.xlsx"))
        assert result.exit_code == 1 and "--out must end in .html, not '.xlsx'" in result.output
        assert not (tmp_path / "x.xlsx").exists()
    assert invoke("viz", "lineage", "meta/llama-7b", "--out", str(tmp_path / "x.html")
                  ).exit_code == 0


@pytest.mark.parametrize(("args", "message"), [
    (["query", "run", "top_architectures", "-p", "bogus=1"], "has no parameter $bogus"),
    (["query", "run", "read/child_links"], "no query named 'read/child_links'"),
    (["query", "show", "read/child_links"], "no query named 'read/child_links'"),
])
def test_a_bad_name_or_parameter_fails_before_connecting(tmp_path: Path, args: list[str],
                                                          message: str) -> None:
    """No server anywhere: the name and parameters are checked first, and internal reads are
    not public queries."""
    env = {"NEO4J_URI": "", "HFLINEAGE_HOME": str(tmp_path / "nowhere")}
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 1
    assert message in result.output and "no Neo4j to connect to" not in result.output
