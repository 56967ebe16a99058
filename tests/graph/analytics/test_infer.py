"""``hflineage infer`` on a real graph: what it writes, what it never touches, reruns, --clear,
the evaluation's read-only promise, and the command line."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner, Result

from hflineage.analytics.infer import _sweep, clear, evaluate, infer_parents, read_facts
from hflineage.analytics.infer.facts import Facts
from hflineage.cli import cli
from hflineage.db.fingerprint import fingerprint
from hflineage.db.version import graph_version
from hflineage.loader import load_snapshot
from tests.support.infer import file_rows

FIXTURE = Path(__file__).parents[2] / "fixtures" / "infer" / "models.jsonl"


@pytest.fixture
def loaded(graph: neo4j.Driver, database: str) -> neo4j.Driver:
    load_snapshot(graph, FIXTURE, database=database)
    return graph


def likely(driver: neo4j.Driver, database: str) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(
        "MATCH (c:Model)-[e:LIKELY_DERIVED_FROM]->(p:Model) "
        "RETURN c.id AS child, p.id AS parent, e {.*} AS e, c.createdAt AS cAt, "
        "p.createdAt AS pAt, EXISTS { (c)-[:DERIVED_FROM]->() } AS declares "
        "ORDER BY child, e.rank", database_=database)
    return [r.data() for r in records]


def declared(driver: neo4j.Driver, database: str) -> list[tuple[str, str, str]]:
    records, _, _ = driver.execute_query(
        "MATCH (c)-[e:DERIVED_FROM]->(p) RETURN c.key AS c, p.key AS p, e.relation AS r "
        "ORDER BY c, p", database_=database)
    return [(r["c"], r["p"], r["r"]) for r in records]


def test_the_graph_facts_match_the_file(loaded: neo4j.Driver, database: str) -> None:
    graph = read_facts(loaded, database)
    file = Facts.from_rows(file_rows(FIXTURE))
    assert sorted(graph.keys) == sorted(file.keys)
    for key, i in file.index.items():
        g = graph.index[key]
        assert {graph.keys[p] for p in graph.parents[g]} == {file.keys[p] for p in file.parents[i]}
        assert (graph.kind[g], graph.core[g], graph.hints[g], graph.family[g]) == (
            file.kind[i], file.core[i], file.hints[i], file.family[i])


def test_infer_writes_ranked_predictions_beside_declared_lineage(
        loaded: neo4j.Driver, database: str) -> None:
    before = declared(loaded, database)
    summary = infer_parents(loaded, database=database, top=3, min_confidence=0.0)
    edges = likely(loaded, database)
    assert summary.edges == len(edges) > 0
    assert declared(loaded, database) == before
    by_child: dict[str, list[dict[str, Any]]] = {}
    for e in edges:
        by_child.setdefault(e["child"], []).append(e)
        assert not e["declares"]
        assert e["pAt"] is None or e["cAt"] is None or e["pAt"] <= e["cAt"]
        props = e["e"]
        assert set(props) == {"relation", "confidence", "method", "evidence", "rank"}
        assert 0 <= props["confidence"] <= 1
        assert isinstance(props["evidence"], list) and all(
            isinstance(s, str) for s in props["evidence"])
    for child, ranked in by_child.items():
        assert [e["e"]["rank"] for e in ranked] == list(range(1, len(ranked) + 1)) and len(
            ranked) <= 3, child
        confidences = [e["e"]["confidence"] for e in ranked]
        assert confidences == sorted(confidences, reverse=True)
    top = {c: r[0] for c, r in by_child.items()}
    assert (top["TheQuant/Foo-7B-GGUF"]["parent"],
            top["TheQuant/Foo-7B-GGUF"]["e"]["relation"]) == ("acme/Foo-7B", "quantized")
    assert (top["newbie/Bar-13B-lora"]["parent"],
            top["newbie/Bar-13B-lora"]["e"]["relation"]) == ("acme/Bar-13B", "adapter")
    assert all(e["parent"] != "TheQuant/Foo-7B-GGUF" for e in edges)  # leaves stay leaves
    assert all(not (e["child"] == "early/Foo-7B-instruct" and e["parent"] == "acme/Foo-7B")
               for e in edges)  # a parent is older


def test_a_rerun_replaces_and_clear_removes(loaded: neo4j.Driver, database: str) -> None:
    first = infer_parents(loaded, database=database, top=3, min_confidence=0.0)
    edges = likely(loaded, database)
    second = infer_parents(loaded, database=database, top=3, min_confidence=0.0)
    assert second.removed == first.edges and likely(loaded, database) == edges
    infer_parents(loaded, database=database, top=1, min_confidence=0.5)
    narrow = likely(loaded, database)
    assert narrow and all(e["e"]["rank"] == 1 and e["e"]["confidence"] >= 0.5 for e in narrow)
    assert clear(loaded, database=database) == len(narrow)
    assert likely(loaded, database) == []


def test_a_model_that_declares_a_parent_since_loses_its_predictions(
        loaded: neo4j.Driver, database: str, tmp_path: Path) -> None:
    infer_parents(loaded, database=database, min_confidence=0.0)
    assert any(e["child"] == "TheQuant/Foo-7B-GGUF" for e in likely(loaded, database))
    record = json.loads(FIXTURE.read_text().splitlines()[-4])
    assert record["id"] == "TheQuant/Foo-7B-GGUF"
    record |= {"lastModified": "2024-01-01T00:00:00.000Z",
               "cardData": {"base_model": "acme/Foo-7B"}}
    newer = tmp_path / "models.jsonl"
    newer.write_text(json.dumps(record) + "\n")
    load_snapshot(loaded, newer, database=database)
    assert all(e["child"] != "TheQuant/Foo-7B-GGUF" for e in likely(loaded, database))
    infer_parents(loaded, database=database, min_confidence=0.0)
    assert all(e["child"] != "TheQuant/Foo-7B-GGUF" for e in likely(loaded, database))


def test_a_stub_kept_only_by_a_prediction_goes(graph: neo4j.Driver, database: str,
                                              tmp_path: Path) -> None:
    first = tmp_path / "first.jsonl"
    first.write_text(
        json.dumps({"id": "a/child", "lastModified": "2024-01-01T00:00:00.000Z",
                    "cardData": {"base_model": "ghost/base"}}) + "\n"
        + json.dumps({"id": "b/other", "lastModified": "2024-01-01T00:00:00.000Z"}) + "\n")
    load_snapshot(graph, first, database=database)
    graph.execute_query(
        "MATCH (o:Model {key: 'b/other'}), (g:Model {key: 'ghost/base'}) "
        "CREATE (o)-[:LIKELY_DERIVED_FROM {relation: 'finetune', confidence: 0.5, "
        "method: 'test', evidence: [], rank: 1}]->(g)", database_=database)
    second = tmp_path / "second.jsonl"
    second.write_text(json.dumps({"id": "a/child",
                                  "lastModified": "2024-02-01T00:00:00.000Z"}) + "\n")
    load_snapshot(graph, second, database=database)
    left = graph.execute_query("MATCH (g:Model {key: 'ghost/base'}) RETURN count(g) AS n",
                               database_=database).records[0]["n"]
    assert left == 0 and likely(graph, database) == []


def test_the_evaluation_never_writes(loaded: neo4j.Driver, database: str) -> None:
    infer_parents(loaded, database=database)
    before, version = fingerprint(loaded, database), graph_version(loaded, database)
    [result] = evaluate(loaded, database=database, holdout=0.3, seed=2)
    assert fingerprint(loaded, database) == before
    assert graph_version(loaded, database) == version
    assert result.overall.children == round(0.3 * result.declared_children)
    n_declared = loaded.execute_query(
        "MATCH (c:Model) WHERE NOT c.stub AND EXISTS { (c)-[:DERIVED_FROM]->() } "
        "RETURN count(c) AS n", database_=database).records[0]["n"]
    assert result.declared_children == n_declared


@pytest.fixture
def run(loaded: neo4j.Driver, cli_env: dict[str, str]) -> Iterator[Any]:
    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=cli_env)
    yield invoke


def test_the_command_line(run: Any, loaded: neo4j.Driver, database: str) -> None:
    out = run("infer", "--top", "2")
    assert out.exit_code == 0, out.output
    assert "likely parent edges for" in out.output and "declare no parent" in out.output
    scores = run("infer", "--evaluate", "--seed", "1", "--seed", "2", "--json", "-")
    assert scores.exit_code == 0, scores.output
    runs = json.loads(scores.output)
    assert [r["seed"] for r in runs] == [1, 2]
    assert {"overall", "by_relation", "root_false_parent_rate", "held_out"} <= set(runs[0])
    table = run("infer", "--evaluate", "--seed", "1")
    assert "Hits@1" in table.output and "true roots" in table.output
    assert f"{runs[0]['overall']['hits1']:.3f}" in table.output
    cleared = run("infer", "--clear")
    assert cleared.exit_code == 0 and cleared.output.startswith("removed ")
    assert likely(loaded, database) == []


def test_bad_input_is_one_line(run: Any, loaded: neo4j.Driver, database: str,
                               tmp_path: Path) -> None:
    bad = run("infer", "--holdout", "1.5")
    assert bad.exit_code == 2 and "--holdout" in bad.output
    both = run("infer", "--clear", "--evaluate")
    assert both.exit_code != 0 and "do not go together" in both.output
    forgot = run("infer", "--seed", "1", "--json", str(tmp_path / "s.json"))
    assert forgot.exit_code == 2 and "go with --evaluate" in forgot.output
    assert likely(loaded, database) == []  # nothing was inferred by mistake
    assert run("infer", "--clear", "--top", "2").exit_code == 2
    (tmp_path / "a-file").write_text("")
    nowhere = run("infer", "--evaluate", "--json", str(tmp_path / "a-file" / "s.json"))
    assert nowhere.exit_code == 1 and nowhere.output.startswith("Error: cannot write --json")
    assert "Hits@1" not in nowhere.output  # refused before evaluating
    assert run("infer", "--evaluate", "--progress").exit_code == 2
    made = tmp_path / "new" / "folder" / "s.json"
    assert run("infer", "--evaluate", "--json", str(made)).exit_code == 0
    assert json.loads(made.read_text())[0]["seed"] == 0
    assert [p.name for p in made.parent.iterdir()] == ["s.json"]  # no temporary file left
    umask = os.umask(0)
    os.umask(umask)
    assert made.stat().st_mode & 0o777 == 0o666 & ~umask


def test_nothing_declared_to_learn_from_is_one_line(graph: neo4j.Driver, database: str,
                                                     cli_env: dict[str, str],
                                                     tmp_path: Path) -> None:
    models = tmp_path / "models.jsonl"
    models.write_text("".join(json.dumps({"id": i, "createdAt": f"2023-0{n + 1}-01T00:00:00Z"})
                              + "\n" for n, i in enumerate(
                                  ["meta/Llama-2-7b", "bob/Llama-2-7b-chat"])))
    load_snapshot(graph, models, database=database)
    out = CliRunner().invoke(cli, ["infer"], env=cli_env)
    assert out.exit_code == 1 and out.output.startswith("Error: no declared parent")
    assert likely(graph, database) == []


def test_the_sweep_drops_stale_and_mutual_predictions(loaded: neo4j.Driver,
                                                      database: str) -> None:
    loaded.execute_query(
        "UNWIND $rows AS r MATCH (c:Model {key: r[0]}), (p:Model {key: r[1]}) "
        "CREATE (c)-[:LIKELY_DERIVED_FROM {relation: 'finetune', confidence: r[2], "
        "method: 'test', evidence: [], rank: 1}]->(p)",
        {"rows": [["thequant/foo-7b-gguf", "newbie/bar-13b-lora", 0.6],
                  ["newbie/bar-13b-lora", "thequant/foo-7b-gguf", 0.4],
                  ["user0/foo-7b-tuned-v0", "acme/bar-13b", 0.9]]}, database_=database)
    assert _sweep(loaded, database) == 2
    assert [(e["child"], e["parent"]) for e in likely(loaded, database)] == [
        ("TheQuant/Foo-7B-GGUF", "newbie/Bar-13B-lora")]


def test_evaluating_an_empty_graph_is_one_line(graph: neo4j.Driver, cli_env: dict[str, str]
                                               ) -> None:
    out = CliRunner().invoke(cli, ["infer", "--evaluate"], env=cli_env)
    assert out.exit_code == 1
    assert out.output.strip().splitlines() == [
        "Error: cannot hold out 0.2 of 0 models with a declared parent: the evaluation needs "
        "at least one hidden and one visible (load more models first)"]
