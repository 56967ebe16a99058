"""Every loader rule of issues 3 and 8, against the real Neo4j."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner

from hflineage import SCHEMA_VERSION
from hflineage.cli import cli
from hflineage.errors import DatabaseError
from hflineage.loader import load_commit_records, load_model_records, load_snapshot


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n"
                            for r in records), encoding="utf-8")
    return path


def one(driver: neo4j.Driver, query: str, **params: Any) -> Any:
    records, _, _ = driver.execute_query(query, params)
    return records[0][0] if records else None


def model(driver: neo4j.Driver, key: str) -> dict[str, Any]:
    return one(driver, "MATCH (m:Model {key: $key}) RETURN properties(m)", key=key) or {}


def dump(driver: neo4j.Driver) -> tuple[list[str], list[str]]:
    """The whole graph (except LoadRun bookkeeping) in a canonical, comparable form."""
    ident = "coalesce(n.key, n.name, n.id, toString(n.version))"
    nodes, _, _ = driver.execute_query(
        f"MATCH (n) WHERE NOT n:LoadRun AND NOT n:Schema "
        f"RETURN labels(n)[0] AS label, {ident} AS id, properties(n) AS props")
    rels, _, _ = driver.execute_query(
        f"MATCH (n)-[r]->(b) WHERE NOT n:LoadRun "
        f"WITH r, labels(n)[0] + ':' + {ident} AS a, b "
        f"WITH r, a, b AS n RETURN a, type(r) AS t, labels(n)[0] + ':' + {ident} AS b, "
        f"properties(r) AS props")
    return (sorted(f"{r['label']}:{r['id']}:{sorted(r['props'].items())}" for r in nodes),
            sorted(f"{r['a']}-{r['t']}->{r['b']}:{sorted(r['props'].items())}" for r in rels))


OLD = {"id": "Org/Model", "lastModified": "2023-01-01T00:00:00.000Z", "downloads": 1,
       "tags": ["base_model:org/parent-a", "license:mit", "dataset:org/old-data"],
       "config": {"architectures": ["OldArch"], "model_type": "llama"},
       "cardData": {"base_model": "org/parent-a"}}
NEW = {"id": "ORG/model", "lastModified": "2024-01-01T00:00:00.000Z", "downloads": 99,
       "tags": ["base_model:quantized:Org/Parent-B", "license:apache-2.0"],
       "config": {"architectures": ["NewArch"], "model_type": "mistral"},
       "safetensors": {"total": 7}}


# identity ------------------------------------------------------------------------------------

def test_case_variants_are_one_node_spelled_by_newest_record(
        graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    summary = load_model_records(graph, [NEW, OLD], source="test", database=database,
                                 rejects=tmp_path / "r.jsonl")
    assert summary.loaded == 2
    assert one(graph, "MATCH (m:Model) WHERE m.key = 'org/model' RETURN count(m)") == 1
    m = model(graph, "org/model")
    assert m["id"] == "ORG/model" and m["downloads"] == 99 and m["stub"] is False
    assert one(graph, "MATCH (o:Organization)-[:PUBLISHED]->(:Model {key: 'org/model'}) "
                      "RETURN o.name") == "ORG"
    assert one(graph, "MATCH (o:Organization) RETURN count(o)") == 1


def test_constraints_on_case_folded_keys(graph: neo4j.Driver) -> None:
    names = {r["name"] for r in graph.execute_query("SHOW CONSTRAINTS YIELD name")[0]}
    assert {"model_key", "organization_key", "contributor_key", "dataset_key"} <= names
    with pytest.raises(neo4j.exceptions.ConstraintError):
        graph.execute_query("CREATE (:Model {key: 'a/b'}), (:Model {key: 'a/b'})")


def test_contributor_kinds_are_never_merged(graph: neo4j.Driver, database: str,
                                            tmp_path: Path) -> None:
    hub = write_jsonl(tmp_path / "hub" / "commits.jsonl", [
        {"model": "o/m", "commit_id": "c1", "authors": ["Julien"], "created_at": "2024-01-01"},
        {"model": "o/m", "commit_id": "c2", "authors": ["Unlinked Person"],
         "created_at": "2024-01-01"}])
    git = write_jsonl(tmp_path / "git" / "commits.jsonl", [
        {"model": "o/m", "commit_id": "c3", "authors": ["Julien"], "created_at": "2024-01-02"},
        {"model": "o/m", "commit_id": "c4", "authors": ["Julien Chaumond"],
         "created_at": "2024-01-03"},
        {"model": "o/m", "commit_id": "c5", "authors": ["Jane Doe"], "created_at": "2024-01-03"}])

    def kinds() -> list[tuple[str, str]]:
        rows = graph.execute_query("MATCH (c:Contributor) RETURN c.key AS key, c.kind AS kind "
                                   "ORDER BY key")[0]
        return [(r["key"], r["kind"]) for r in rows]

    load_snapshot(graph, hub, database=database, rejects=tmp_path / "r1.jsonl")  # auto → hub
    # A name that cannot be a Hub username is a git display name even in a Hub source.
    assert kinds() == [("git:unlinked person", "git"), ("hub:julien", "hub")]
    load_snapshot(graph, git, database=database, rejects=tmp_path / "r2.jsonl")  # auto → git
    assert kinds() == [("git:jane doe", "git"), ("git:julien", "git"),
                       ("git:julien chaumond", "git"), ("git:unlinked person", "git"),
                       ("hub:julien", "hub")]
    load_snapshot(graph, git, database=database, contributor_kind="hub",
                  rejects=tmp_path / "r3.jsonl")
    assert one(graph, "MATCH (:Contributor {key: 'hub:julien'})-[r:COMMITTED_TO]->() "
                      "RETURN r.commitIds") == ["c1", "c3"]
    assert len(kinds()) == 5


def test_models_known_only_from_commits_are_stubs_until_described(
        graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    load_commit_records(graph, [{"model": "Org/Only-Commits", "commit_id": "c1",
                                 "authors": ["SFconvertbot"], "created_at": "2024-01-01"}],
                        source="test", database=database, rejects=tmp_path / "r.jsonl")
    assert model(graph, "org/only-commits") == {"key": "org/only-commits",
                                                "id": "Org/Only-Commits", "stub": True}
    assert one(graph, "MATCH (c:Contributor) RETURN c.isBot") is True
    load_model_records(graph, [{"id": "org/only-commits", "downloads": 3}], source="test",
                       database=database, rejects=tmp_path / "r.jsonl")
    assert model(graph, "org/only-commits")["stub"] is False
    # Referencing it as a parent or committing again never flips it back to a stub.
    load_model_records(graph, [{"id": "x/child", "cardData": {"base_model": "ORG/ONLY-COMMITS"}}],
                       source="test", database=database, rejects=tmp_path / "r.jsonl")
    load_commit_records(graph, [{"model": "ORG/only-commits", "commit_id": "c2",
                                 "authors": ["x"], "created_at": "2024-02-01"}],
                        source="test", database=database, rejects=tmp_path / "r.jsonl")
    m = model(graph, "org/only-commits")
    assert m["stub"] is False and m["id"] == "org/only-commits"


def test_parent_stub_is_filled_in_later(graph: neo4j.Driver, database: str,
                                        tmp_path: Path) -> None:
    load_model_records(graph, [{"id": "a/child", "tags": ["base_model:finetune:Meta/Base"]}],
                       source="t", database=database, rejects=tmp_path / "r.jsonl")
    assert model(graph, "meta/base")["stub"] is True
    load_model_records(graph, [{"id": "meta/base", "downloads": 5}], source="t",
                       database=database, rejects=tmp_path / "r.jsonl")
    m = model(graph, "meta/base")
    assert m["stub"] is False and m["id"] == "meta/base" and m["downloads"] == 5
    assert one(graph, "MATCH (:Model {key: 'a/child'})-[d:DERIVED_FROM]->(:Model {key: "
                      "'meta/base'}) RETURN count(d)") == 1


# provenance ----------------------------------------------------------------------------------

def test_derivation_edge_provenance(graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    records = [
        {"id": "m/typed", "tags": ["base_model:adapter:p/a"]},
        {"id": "m/legacy", "tags": ["base_model:p/a", "gguf"]},
        {"id": "m/card", "cardData": {"base_model": "p/a", "base_model_relation": "merge"}},
        {"id": "m/merge", "cardData": {"base_model": ["p/a", "p/b"]}},
        {"id": "m/odd", "tags": ["base_model:distillation:p/a"]},
    ]
    load_model_records(graph, records, source="t", database=database, rejects=tmp_path / "r")
    rows = graph.execute_query(
        "MATCH (c:Model)-[d:DERIVED_FROM]->(p:Model) RETURN c.id + '>' + p.id AS e, "
        "d.relation AS relation, d.source AS source, d.relationSource AS rs ORDER BY e")[0]
    assert [(r["e"], r["relation"], r["source"], r["rs"]) for r in rows] == [
        ("m/card>p/a", "merge", "card", "explicit"),
        ("m/legacy>p/a", "quantized", "tag", "inferred"),
        ("m/merge>p/a", "merge", "card", "inferred"),
        ("m/merge>p/b", "merge", "card", "inferred"),
        ("m/odd>p/a", "unknown", "tag", "explicit"),
        ("m/typed>p/a", "adapter", "tag", "explicit"),
    ]


def test_junk_parents_never_become_nodes(graph: neo4j.Driver, database: str,
                                         tmp_path: Path) -> None:
    junk = ["unknown", "None", "n/a", "", "./ckpt", "https://github.com/a/b", "m/self",
            "mistral-7b"]
    summary = load_model_records(graph, [{"id": "m/self", "cardData": {"base_model": junk}}],
                                 source="t", database=database, rejects=tmp_path / "r.jsonl")
    assert one(graph, "MATCH (m:Model) RETURN count(m)") == 1
    lines = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert sorted(x["value"] for x in lines) == sorted(junk)
    assert {x["kind"] for x in lines} == {"value"} and summary.issues == len(junk)
    assert summary.rejected == 0 and summary.loaded == 1


def test_hub_url_parent_is_reduced_to_its_id(graph: neo4j.Driver, database: str,
                                             tmp_path: Path) -> None:
    load_model_records(graph, [{"id": "a/b", "cardData": {
        "base_model": "https://huggingface.co/Mistralai/Mistral-7B-v0.1/"}}],
        source="t", database=database, rejects=tmp_path / "r")
    assert model(graph, "mistralai/mistral-7b-v0.1")["id"] == "Mistralai/Mistral-7B-v0.1"


# loads over time -----------------------------------------------------------------------------

def test_older_load_never_overwrites_newer(graph: neo4j.Driver, database: str,
                                           tmp_path: Path) -> None:
    load_model_records(graph, [NEW], source="t", database=database, rejects=tmp_path / "r")
    load_model_records(graph, [OLD], source="t", database=database, rejects=tmp_path / "r")
    m = model(graph, "org/model")
    assert m["downloads"] == 99 and m["modelType"] == "mistral" and m["license"] == "apache-2.0"
    parents = graph.execute_query("MATCH (:Model {key: 'org/model'})-[d:DERIVED_FROM]->(p) "
                                  "RETURN p.id AS id, d.relation AS r")[0]
    assert [(r["id"], r["r"]) for r in parents] == [("Org/Parent-B", "quantized")]
    archs = graph.execute_query("MATCH (:Model {key: 'org/model'})-[:HAS_ARCHITECTURE]->(a) "
                                "RETURN a.name AS n")[0]
    assert [r["n"] for r in archs] == ["NewArch"]


def test_newer_load_replaces_older_edges_and_cleans_orphans(
        graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    load_model_records(graph, [OLD], source="t", database=database, rejects=tmp_path / "r")
    load_model_records(graph, [NEW], source="t", database=database, rejects=tmp_path / "r")
    assert one(graph, "MATCH (m:Model {key: 'org/parent-a'}) RETURN count(m)") == 0
    assert one(graph, "MATCH (a:Architecture {name: 'OldArch'}) RETURN count(a)") == 0
    assert one(graph, "MATCH (d:Dataset) RETURN count(d)") == 0
    assert model(graph, "org/model")["downloads"] == 99


def _history(tmp_path: Path) -> tuple[Path, Path]:
    a = write_jsonl(tmp_path / "a" / "models.jsonl", [
        OLD, {"id": "x/y", "lastModified": "2024-05-01T00:00:00.000Z",
              "cardData": {"base_model": "Shared/Parent", "datasets": ["D/One"]}},
        {"id": "Shared/Parent", "lastModified": "2022-01-01T00:00:00.000Z", "likes": 1},
        {"id": "tie/model", "lastModified": "2024-01-01T00:00:00.000Z", "likes": 1}])
    write_jsonl(tmp_path / "a" / "commits.jsonl", [
        {"model": "Org/Model", "commit_id": "c1", "authors": ["Alice"],
         "created_at": "2023-01-01T00:00:00Z"},
        {"model": "Org/Model", "commit_id": "c2", "authors": ["alice"],
         "created_at": "2023-06-01T00:00:00Z"}])
    b = write_jsonl(tmp_path / "b" / "models.jsonl", [
        NEW, {"id": "X/Y", "lastModified": "2024-04-01T00:00:00.000Z",
              "cardData": {"base_model": "shared/parent", "datasets": ["d/one", "d/two"]}},
        {"id": "shared/parent", "lastModified": "2023-01-01T00:00:00.000Z", "likes": 2},
        {"id": "tie/model", "lastModified": "2024-01-01T00:00:00.000Z", "likes": 2}])
    write_jsonl(tmp_path / "b" / "commits.jsonl", [
        {"model": "org/model", "commit_id": "c2", "authors": ["ALICE"],
         "created_at": "2023-06-01T00:00:00Z"},
        {"model": "org/model", "commit_id": "c3", "authors": ["alice"],
         "created_at": "2024-06-01T00:00:00Z"}])
    return a.parent, b.parent


def test_final_graph_is_the_same_whatever_the_load_order(
        graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    a, b = _history(tmp_path)
    load_snapshot(graph, a, database=database, rejects=tmp_path / "r")
    load_snapshot(graph, b, database=database, rejects=tmp_path / "r")
    ab = dump(graph)
    graph.execute_query("MATCH (n) DETACH DELETE n")
    load_snapshot(graph, b, database=database, rejects=tmp_path / "r")
    load_snapshot(graph, a, database=database, rejects=tmp_path / "r")
    assert dump(graph) == ab
    assert one(graph, "MATCH ()-[r:COMMITTED_TO]->() RETURN r.commits") == 3
    assert one(graph, "MATCH (c:Contributor) RETURN c.name") == "alice"
    assert model(graph, "x/y")["id"] == "x/y"


def test_duplicates_within_a_load_newest_wins(graph: neo4j.Driver, database: str,
                                              tmp_path: Path) -> None:
    for batch_size in (1, 100):
        graph.execute_query("MATCH (n) DETACH DELETE n")
        load_model_records(graph, [NEW, OLD, OLD], source="t", database=database,
                           rejects=tmp_path / "r", batch_size=batch_size)
        assert model(graph, "org/model")["downloads"] == 99
        assert one(graph, "MATCH (m:Model {key: 'org/model'})-[:DERIVED_FROM]->(p) "
                          "RETURN collect(p.id)") == ["Org/Parent-B"]


def test_reruns_are_idempotent(graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    a, _b = _history(tmp_path)
    first = load_snapshot(graph, a, database=database, rejects=tmp_path / "r")
    before = dump(graph)
    again = load_snapshot(graph, a, database=database, rejects=tmp_path / "r")
    assert dump(graph) == before
    assert (first.records_in, first.loaded, first.rejected) == (
        again.records_in, again.loaded, again.rejected)


def test_commit_counts_survive_a_crashed_rerun(graph: neo4j.Driver, database: str,
                                               tmp_path: Path) -> None:
    commits = [{"model": "o/m", "commit_id": f"c{i}", "authors": ["bob"],
                "created_at": f"2024-01-{i + 1:02d}T00:00:00Z"} for i in range(10)]

    def crashing() -> Iterator[dict[str, Any]]:
        yield from commits[:6]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_commit_records(graph, crashing(), source="t", database=database,
                            rejects=tmp_path / "r", batch_size=3)
    assert one(graph, "MATCH (r:LoadRun) RETURN r.status") == "running"
    load_commit_records(graph, commits, source="t", database=database, rejects=tmp_path / "r",
                        batch_size=4)
    load_commit_records(graph, commits, source="t", database=database, rejects=tmp_path / "r")
    rel = one(graph, "MATCH ()-[r:COMMITTED_TO]->() RETURN properties(r)")
    assert rel["commits"] == 10 and len(rel["commitIds"]) == 10
    assert rel["firstCommit"].to_native().day == 1 and rel["lastCommit"].to_native().day == 10


# provenance of loads, rejects, exit codes ----------------------------------------------------

def test_load_run_records_counts(graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "models.jsonl", [{"id": "a/b"}, "{broken", {"id": 5}])
    summary = load_snapshot(graph, path, database=database, rejects=tmp_path / "r.jsonl")
    assert (summary.records_in, summary.loaded, summary.rejected) == (3, 1, 2)
    run = one(graph, "MATCH (r:LoadRun) RETURN properties(r)")
    assert run["id"] == summary.run_id and run["status"] == "complete"
    assert (run["recordsIn"], run["loaded"], run["rejected"]) == (3, 1, 2)
    assert run["source"] == "snapshot" and run["finishedAt"] >= run["startedAt"]
    lines = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [(x["line"], x["raw"]) for x in lines] == [(2, "{broken"), (3, '{"id": 5}')]
    assert "malformed JSON" in lines[0]["reason"]


def test_rejects_default_in_state_folder_never_next_to_read_only_input(
        graph: neo4j.Driver, database: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = write_jsonl(tmp_path / "ro" / "models.jsonl", [{"id": "a/b", "cardData": {
        "base_model": "unknown"}}]).parent
    data.chmod(0o555)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HFLINEAGE_HOME", str(tmp_path / "state"))
    try:
        summary = load_snapshot(graph, data, database=database)
    finally:
        data.chmod(0o755)
    assert summary.rejects_path is not None
    assert summary.rejects_path.parent == tmp_path / "state" / "rejects"
    assert summary.rejects_path.name.startswith("snapshot-ro-")
    assert sorted(os.listdir(data)) == ["models.jsonl"]
    assert sorted(os.listdir(work)) == []


def test_cli_rejects_default_under_cwd(graph: neo4j.Driver, cli_env: dict[str, str],
                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = write_jsonl(tmp_path / "ro" / "models.jsonl", [{"id": "a/b", "cardData": {
        "base_model": "unknown"}}]).parent
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = CliRunner().invoke(cli, ["load", "snapshot", str(data), "--no-progress"])
    assert result.exit_code == 0, result.output
    (written,) = (work / "hflineage-rejects").iterdir()
    assert written.name.startswith("snapshot-ro-") and str(written) in result.output


def test_cli_exit_codes_and_printed_rejects_path(graph: neo4j.Driver, cli_env: dict[str, str],
                                                 tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [{"id": "a/b"}, "not json"])
    bad = write_jsonl(tmp_path / "bad.jsonl", ["not json"])
    runner = CliRunner()
    ok = runner.invoke(cli, ["load", "snapshot", str(good), "--no-progress",
                             "--rejects", str(tmp_path / "r.jsonl")])
    assert ok.exit_code == 0, ok.output
    assert "2 records in, 1 loaded, 1 rejected" in ok.output
    assert str(tmp_path / "r.jsonl") in ok.output
    failed = runner.invoke(cli, ["load", "snapshot", str(bad), "--no-progress",
                                 "--rejects", str(tmp_path / "r2.jsonl")])
    assert failed.exit_code == 1
    assert "nothing was loaded" in failed.output


def test_schema_version_node(graph: neo4j.Driver) -> None:
    assert one(graph, "MATCH (s:Schema) RETURN s.version") == SCHEMA_VERSION


def test_neo4j_failure_is_a_clean_error_and_exit_code(graph: neo4j.Driver, database: str,
                                                      cli_env: dict[str, str], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_jsonl(tmp_path / "models.jsonl", [{"id": "a/b"}])
    with pytest.raises(DatabaseError, match="Neo4j failed"):
        load_snapshot(graph, path, database="no-such-database", rejects=tmp_path / "r")
    monkeypatch.setenv("NEO4J_DATABASE", "no-such-database")
    result = CliRunner().invoke(cli, ["load", "snapshot", str(path), "--no-progress"])
    assert result.exit_code == 1 and "Neo4j failed" in result.output


def test_progress_bar_counts_every_record(graph: neo4j.Driver, database: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "models.jsonl", [{"id": f"a/m{i}"} for i in range(7)])
    summary = load_snapshot(graph, path, database=database, rejects=tmp_path / "r",
                            batch_size=3, progress=True)
    assert summary.loaded == 7
    out = capsys.readouterr().out
    assert "7/7" in out and "records/s" in out


def test_a_stub_two_models_drop_in_one_batch_goes_with_its_organization(
        graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    def rec(name: str, day: str, parents: list[str]) -> dict[str, Any]:
        return {"id": f"org/{name}", "lastModified": f"2024-01-{day}T00:00:00.000Z",
                "cardData": {"base_model": parents} if parents else {}}

    load_model_records(graph, [rec("a", "01", ["shared/base"]), rec("b", "01", ["shared/base"])],
                       source="t", database=database, rejects=tmp_path / "r")
    assert one(graph, "MATCH (:Organization {key: 'shared'})-[:PUBLISHED]->"
                      "(m:Model {key: 'shared/base', stub: true}) RETURN count(m)") == 1
    load_model_records(graph, [rec("a", "02", []), rec("b", "02", [])], source="t",
                       database=database, rejects=tmp_path / "r")
    assert one(graph, "MATCH (m:Model {key: 'shared/base'}) RETURN count(m)") == 0
    assert one(graph, "MATCH (o:Organization {key: 'shared'}) RETURN count(o)") == 0
    assert one(graph, "MATCH (:Organization {key: 'org'})-[p:PUBLISHED]->(:Model) "
                      "RETURN count(p)") == 2


def test_counts_near_the_64_bit_limit_load_and_are_flagged(
        graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    huge = 2**62
    records = [{"id": "org/x-7b", "safetensors": {"total": huge}},
               {"id": "org/y-99999999999b", "safetensors": {"total": 8_000_000_000}}]
    summary = load_model_records(graph, records, source="t", database=database,
                                 rejects=tmp_path / "r")
    assert summary.loaded == 2
    x, y = model(graph, "org/x-7b"), model(graph, "org/y-99999999999b")
    assert x["parameters"] == huge and x["parametersFlag"] == "disagrees-with-name"
    # 99,999,999,999 billion is past the 64-bit limit: the name states no usable size
    assert y.get("nameParameters") is None and y.get("parametersFlag") is None
