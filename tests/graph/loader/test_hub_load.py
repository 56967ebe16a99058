"""``hflineage load hub`` end to end: local Hub server → crawler → loader → the real Neo4j."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner, Result

from hflineage.cli import cli
from hflineage.db.version import graph_version
from hflineage.loader import load_model_records
from hflineage.loader.write.events import fold_renamed
from tests.support.hub import FAMILY_ROOT, fixture_commits, fixture_models, ids
from tests.support.hubserver import LocalHub

FAMILY_EDGES = {
    ("alice/base-7b-chat", "acme/base-7b", "finetune"),
    ("bob/base-7b-gguf", "acme/base-7b", "quantized"),
    ("carol/base-7b-lora", "acme/base-7b", "adapter"),
    ("erin/legacy-ft", "acme/base-7b", "finetune"),
    ("alice/chat-v2", "alice/base-7b-chat", "finetune"),
    ("dave/merge-7b", "alice/base-7b-chat", "merge"),
    ("dave/merge-7b", "other/outside-7b", "merge"),
    ("bob/chat-v2-gguf", "alice/chat-v2", "quantized"),
}


@pytest.fixture
def hub() -> Any:
    with LocalHub(fixture_models(), fixture_commits()) as server:
        yield server


def run(hub: LocalHub, tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["load", "hub", "--endpoint", hub.url, "--no-progress",
                                    "--snapshot-out", str(tmp_path / "crawl"), *args])


def rows(driver: neo4j.Driver, database: str, query: str, **params: Any) -> list[dict[str, Any]]:
    records = driver.execute_query(query, params, database_=database).records
    return [dict(r) for r in records]


def fingerprint(driver: neo4j.Driver, database: str) -> dict[str, Any]:
    nodes = rows(driver, database, "MATCH (n) WHERE NOT n:LoadRun RETURN labels(n)[0] AS l, "
                                   "count(*) AS n ORDER BY l")
    rels = rows(driver, database, "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n ORDER BY t")
    models = rows(driver, database, "MATCH (m:Model) RETURN m.key AS key, properties(m) AS p "
                                    "ORDER BY key")
    return {"nodes": nodes, "rels": rels, "models": models}


def edges(driver: neo4j.Driver, database: str) -> set[tuple[str, str, str]]:
    return {(r["c"], r["p"], r["rel"]) for r in rows(
        driver, database,
        "MATCH (c:Model)-[d:DERIVED_FROM]->(p:Model) RETURN c.id AS c, p.id AS p, "
        "d.relation AS rel")}


def test_family_with_commits_through_429_and_500_into_neo4j(
        hub: LocalHub, graph: neo4j.Driver, database: str, cli_env: dict[str, str],
        tmp_path: Path) -> None:
    hub.fault("list", status=429, retry_after=0)
    hub.fault("list", status=500, skip=1)
    result = run(hub, tmp_path, "--family", FAMILY_ROOT, "--with-commits")
    assert result.exit_code == 0, result.output
    assert "fetched 8 models, 8 commits" in result.output
    assert {429, 500} <= {r.status for r in hub.requests}
    assert edges(graph, database) == FAMILY_EDGES
    stub = rows(graph, database, "MATCH (m:Model {stub: true}) RETURN m.id AS id")
    assert stub == [{"id": "other/outside-7b"}]
    commits = rows(graph, database, "MATCH (c:Contributor)-[r:COMMITTED_TO]->(m:Model) "
                                    "RETURN sum(r.commits) AS n, count(DISTINCT c) AS people")
    assert commits == [{"n": 8, "people": 5}]
    run_node = rows(graph, database, "MATCH (r:LoadRun) RETURN r.source AS source, "
                                     "r.status AS status, r.scope AS scope, "
                                     "r.crawlStartedAt IS NOT NULL AS crawled")
    assert run_node == [{"source": "hub", "status": "complete", "crawled": True,
                         "scope": f"hub family={FAMILY_ROOT} with_commits=True depth=3"}]
    before = fingerprint(graph, database)
    again = run(hub, tmp_path, "--family", FAMILY_ROOT, "--with-commits")
    assert again.exit_code == 0, again.output
    assert "resuming" not in again.output  # a loaded crawl is done: this one starts afresh
    assert fingerprint(graph, database) == before


def test_stopped_crawl_says_so_in_one_line_and_resumes_into_the_same_graph(
        hub: LocalHub, graph: neo4j.Driver, database: str, cli_env: dict[str, str],
        tmp_path: Path) -> None:
    hub.fault("list", status=503, times=100, skip=1)
    failed = run(hub, tmp_path, "--family", FAMILY_ROOT, "--retries", "0")
    assert failed.exit_code == 1
    lines = failed.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), failed.output
    assert "503" in lines[0] and "run the same command again to resume" in lines[0]
    assert "Traceback" not in failed.output
    assert rows(graph, database, "MATCH (m:Model) RETURN count(m) AS n") == [{"n": 0}]
    hub.clear_faults()
    seen = len(hub.requests)
    resumed = run(hub, tmp_path, "--family", FAMILY_ROOT)
    assert resumed.exit_code == 0, resumed.output
    assert "resuming the crawl" in resumed.output
    assert [r.endpoint for r in hub.requests[seen:]] == ["list", "list"]
    assert edges(graph, database) == FAMILY_EDGES
    described = rows(graph, database, "MATCH (m:Model {stub: false}) RETURN count(m) AS n")
    assert described == [{"n": 8}]


def test_refresh_folds_a_rename_into_the_live_model_and_marks_a_deletion(
        hub: LocalHub, graph: neo4j.Driver, database: str, cli_env: dict[str, str],
        tmp_path: Path) -> None:
    assert run(hub, tmp_path, "--family", FAMILY_ROOT, "--with-commits").exit_code == 0
    hub.rename("alice/base-7b-chat", "alice/base-7b-chat-v1")
    hub.delete("carol/base-7b-lora")
    before = graph_version(graph, database)
    result = run(hub, tmp_path, "--refresh")
    assert result.exit_code == 0, result.output
    after = graph_version(graph, database)  # the renames and deletions came after the run
    assert after.epoch == before.epoch + 1 and after.run_id != before.run_id
    assert "(1 renamed, 1 deleted)" in result.output
    live = rows(graph, database, "MATCH (m:Model) WHERE 'alice/base-7b-chat' IN m.aliases "
                                 "RETURN m.id AS id, m.stub AS stub, m.deleted AS deleted")
    assert live == [{"id": "alice/base-7b-chat-v1", "stub": False, "deleted": None}]
    assert rows(graph, database, "MATCH (m:Model {key: 'alice/base-7b-chat'}) RETURN m") == []
    renamed = {(c, p.replace("alice/base-7b-chat", "alice/base-7b-chat-v1")
                if p == "alice/base-7b-chat" else p, r)
               for c, p, r in FAMILY_EDGES}
    renamed = {(c.replace("alice/base-7b-chat", "alice/base-7b-chat-v1")
                if c == "alice/base-7b-chat" else c, p, r) for c, p, r in renamed}
    assert edges(graph, database) == renamed
    commits = rows(graph, database, "MATCH (:Contributor {key: 'hub:alice'})-[r:COMMITTED_TO]->"
                                    "(m:Model) RETURN m.id AS id, r.commits AS n ORDER BY id")
    assert commits == [{"id": "alice/base-7b-chat-v1", "n": 2}, {"id": "alice/chat-v2", "n": 1}]
    gone = rows(graph, database, "MATCH (m:Model {key: 'carol/base-7b-lora'})-[d:DERIVED_FROM]->"
                                 "(p) RETURN m.deleted AS deleted, m.deletedAt IS NOT NULL AS at, "
                                 "p.id AS parent")
    assert gone == [{"deleted": True, "at": True, "parent": FAMILY_ROOT}]

    # A later load whose record still names the old id re-creates it as a stub parent; the
    # next fold puts the lineage back on the live model.
    child = {**fixture_models()[5], "lastModified": "2025-01-01T00:00:00.000Z"}
    load_model_records(graph, [child], source="test", database=database,
                       rejects=tmp_path / "r.jsonl")
    assert fold_renamed(graph, database, []) == 1
    assert ("alice/chat-v2", "alice/base-7b-chat-v1", "finetune") in edges(graph, database)
    assert rows(graph, database, "MATCH (m:Model {key: 'alice/base-7b-chat'}) RETURN m") == []


def test_model_gone_between_listing_and_commits_is_loaded_and_marked_deleted(
        hub: LocalHub, graph: neo4j.Driver, database: str, cli_env: dict[str, str],
        tmp_path: Path) -> None:
    hub.vanish("bob/chat-v2-gguf")
    result = run(hub, tmp_path, "--family", FAMILY_ROOT, "--with-commits")
    assert result.exit_code == 0, result.output
    gone = rows(graph, database, "MATCH (m:Model {key: 'bob/chat-v2-gguf'})-[:DERIVED_FROM]->(p) "
                                 "RETURN m.deleted AS deleted, p.id AS parent")
    assert gone == [{"deleted": True, "parent": "alice/chat-v2"}]
    assert edges(graph, database) == FAMILY_EDGES


def test_since_last_fetches_only_what_changed_after_the_previous_crawl(
        hub: LocalHub, graph: neo4j.Driver, database: str, cli_env: dict[str, str],
        tmp_path: Path) -> None:
    missing = run(hub, tmp_path, "--author", "alice", "--since", "last")
    assert missing.exit_code == 1 and "give --since DATE" in missing.output
    assert run(hub, tmp_path, "--author", "alice").exit_code == 0
    changed = {**fixture_models()[5], "lastModified": "2999-01-01T00:00:00.000Z", "likes": 99}
    hub.upsert(changed)
    result = run(hub, tmp_path, "--author", "alice", "--since", "last")
    assert result.exit_code == 0, result.output
    assert ids(tmp_path / "crawl") == ["alice/chat-v2"]
    likes = rows(graph, database, "MATCH (m:Model {key: 'alice/chat-v2'}) RETURN m.likes AS n")
    assert likes == [{"n": 99}]


def test_token_reaches_the_hub_but_no_output(hub: LocalHub, graph: neo4j.Driver,
                                             cli_env: dict[str, str], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "hf_recognisableSecretForHubLoad42"
    monkeypatch.setenv("HF_TOKEN", secret)
    hub.fault("detail", status=500, times=100)
    failed = run(hub, tmp_path, "--family", FAMILY_ROOT, "--retries", "0")
    assert failed.exit_code == 1
    assert {r.token for r in hub.requests} == {secret}
    hub.clear_faults()
    ok = run(hub, tmp_path, "--family", FAMILY_ROOT)
    assert ok.exit_code == 0, ok.output
    for text in (failed.output, ok.output):
        assert secret not in text
    for path in (tmp_path / "crawl").iterdir():
        assert secret not in path.read_text(encoding="utf-8")


def test_every_hub_fault_in_one_crawl_loses_and_duplicates_nothing(
        hub: LocalHub, graph: neo4j.Driver, database: str, cli_env: dict[str, str],
        tmp_path: Path) -> None:
    hub.fault("detail", status=429, retry_after=0)
    hub.fault("list", status=500)
    hub.fault("list", kind="truncate")
    hub.fault("list", kind="repeat")
    hub.fault("commits", status=503)
    hub.fault("commits", kind="slow", seconds=2.0, skip=2)
    hub.vanish("carol/base-7b-lora")
    result = run(hub, tmp_path, "--family", FAMILY_ROOT, "--with-commits", "--timeout", "0.5")
    assert result.exit_code == 0, result.output
    assert {0, 429, 500, 503} <= {r.status for r in hub.requests}
    assert sorted(ids(tmp_path / "crawl")) == sorted(
        {c for c, _, _ in FAMILY_EDGES} | {FAMILY_ROOT})
    described = rows(graph, database, "MATCH (m:Model {stub: false}) RETURN m.id AS id, "
                                      "m.deleted AS deleted ORDER BY id")
    assert [r["id"] for r in described] == sorted({c for c, _, _ in FAMILY_EDGES} | {FAMILY_ROOT})
    assert [r["id"] for r in described if r["deleted"]] == ["carol/base-7b-lora"]
    assert edges(graph, database) == FAMILY_EDGES
    commits = rows(graph, database, "MATCH ()-[r:COMMITTED_TO]->() UNWIND r.commitIds AS c "
                                    "RETURN count(c) AS n, count(DISTINCT c) AS distinct")
    assert commits == [{"n": 8, "distinct": 8}]
