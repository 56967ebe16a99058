"""The Python API (one function per named query, read-only user Cypher) and the networkx
analytics, pure over DataFrames and graphs as well as on a real (small) graph."""

from __future__ import annotations

import inspect

import neo4j
import networkx as nx
import pandas as pd
import pytest

from hflineage import analytics
from hflineage.cypher import registry
from hflineage.db.schema import init_schema, node_count, wipe_database
from hflineage.errors import (
    ConsoleRefusedError,
    ModelNotFoundError,
    OrganizationNotFoundError,
    QueryParameterError,
    QueryTimeoutError,
    ReadOnlyViolationError,
)
from tests.fixtures.analytics.graph import build

EDGES = pd.DataFrame([
    ("b", "a", "finetune"), ("c", "a", "adapter"), ("d", "b", "quantized"),
    ("e", "b", "finetune"), ("f", "e", "merge"), ("f", "c", "merge"), ("y", "x", "finetune"),
], columns=["child", "parent", "relation"])


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: object) -> neo4j.Driver:
    database = neo4j_server.database  # type: ignore[attr-defined]
    wipe_database(driver, database)
    init_schema(driver, database)
    build(driver, database)
    return driver


def test_every_named_query_is_a_documented_function() -> None:
    assert set(analytics.QUERIES) == set(registry())
    for name in analytics.QUERIES:
        fn = getattr(analytics, name)
        assert fn.__name__ == name and name in analytics.__all__
        assert registry()[name].description in (fn.__doc__ or "")
        params = inspect.signature(fn).parameters
        assert list(params)[:3] == ["driver", "database", "timeout"]
        assert {p.name for p in registry()[name].params} <= set(params)
    assert inspect.signature(analytics.top_architectures).parameters["limit"].default == 25
    with pytest.raises(AttributeError, match="named queries are"):
        analytics.no_such_query  # noqa: B018


def test_query_functions_return_dataframes(small: neo4j.Driver, database: str) -> None:
    df = analytics.top_architectures(small, database, limit=1)
    assert list(df.columns) == list(registry()["top_architectures"].columns)
    assert df.loc[0, "architecture"] == "LlamaForCausalLM"
    assert df.loc[0, "derivatives"] == 6
    first = analytics.time_to_first_derivative(small, database=database, limit=2)
    assert pd.api.types.is_datetime64_any_dtype(first["createdAt"])
    assert first["createdAt"].iloc[0] == pd.Timestamp("2023-02-01", tz="UTC")
    with pytest.raises(QueryParameterError, match="needs \\$model"):
        analytics.family_summary(small, database)


def test_absent_anchors_raise_and_limit_caps_rows(small: neo4j.Driver, database: str) -> None:
    with pytest.raises(ModelNotFoundError, match="did you mean meta/Llama-7B"):
        analytics.model_lineage(small, database, model="meta/llama-7c")
    with pytest.raises(ModelNotFoundError, match="no model 'nobody/nothing'"):
        analytics.run_query(small, "family_summary", {"model": "nobody/nothing"}, database)
    with pytest.raises(OrganizationNotFoundError, match="no organization or user 'nobody'"):
        analytics.org_neighbourhood(small, database, org="nobody")
    lineage = analytics.run_query(small, "model_lineage", {"model": "meta/llama-7b"}, database)
    capped = analytics.run_query(small, "model_lineage", {"model": "meta/llama-7b"}, database,
                                 limit=2)
    assert len(lineage) > 2 and capped.equals(lineage.head(2))
    assert len(analytics.run_query(small, "top_base_models", database=database, limit=1)) == 1
    with pytest.raises(QueryParameterError, match="given twice"):
        analytics.run_query(small, "top_base_models", {"limit": 3}, database, limit=1)


def test_run_query_and_run_cypher(small: neo4j.Driver, database: str) -> None:
    df = analytics.run_query(small, "org_flows", {"limit": "1"}, database)
    assert df.to_dict("records") == [{"fromOrganization": "alice", "toOrganization": "bob",
                                      "derivatives": 2, "finetunes": 1, "adapters": 0,
                                      "quantized": 0, "merges": 1}]
    hostile = "x'}) DETACH DELETE n //"
    df = analytics.run_cypher(small, "RETURN $v AS v, size($v) AS n", {"v": hostile},
                              database)
    assert df.loc[0, "v"] == hostile and df.loc[0, "n"] == len(hostile)


def test_user_cypher_is_read_only_and_bounded(small: neo4j.Driver, database: str) -> None:
    before = node_count(small, database)
    with pytest.raises(ReadOnlyViolationError):
        analytics.run_cypher(small, "MATCH (n) DETACH DELETE n", database=database)
    with pytest.raises(ReadOnlyViolationError):
        analytics.run_cypher(small, "MERGE (m:Model {key: 'new'}) RETURN m", database=database)
    assert node_count(small, database) == before
    with pytest.raises(QueryTimeoutError):
        analytics.run_cypher(small, "UNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 "
                             "RETURN count(*)", database=database, timeout=0.5)


def test_user_cypher_beyond_a_read_is_refused_before_it_runs(small: neo4j.Driver,
                                                             database: str) -> None:
    """A read transaction would run these: the plan check refuses them, one line each."""
    with small.session(database=database) as session, session.begin_transaction() as tx:
        tx.run("MATCH (m:Model) RETURN count(m)").consume()
        ids = [r["transactionId"] for r in small.execute_query(
            "SHOW TRANSACTIONS YIELD transactionId, currentQuery "
            "WHERE NOT currentQuery STARTS WITH 'SHOW' RETURN transactionId",
            database_=database).records]
        assert ids
        with pytest.raises(ConsoleRefusedError, match="TERMINATE TRANSACTIONS"):
            analytics.run_cypher(small, "TERMINATE TRANSACTIONS $ids", {"ids": ids}, database)
        assert tx.run("RETURN 2 AS two").value() == [2]  # still alive
    for text, says in [("SHOW USERS", "administration"), ("SHOW TRANSACTIONS", "SHOW command"),
                       ("CALL dbms.listConfig() YIELD name RETURN name", "dbms.listConfig"),
                       ("CALL db.clearQueryCaches()", "db.clearQueryCaches"),
                       ("LOAD CSV FROM $url AS row RETURN row", "LOAD CSV")]:
        with pytest.raises(ConsoleRefusedError, match=says) as refused:
            analytics.run_cypher(small, text, {"url": "http://127.0.0.1:1/"}, database)
        assert "\n" not in str(refused.value)
    with pytest.raises(ReadOnlyViolationError, match="nothing was changed"):
        analytics.run_cypher(small, "CALL db.createLabel('Evil')", database=database)


def test_user_cypher_may_call_catalog_procedures(small: neo4j.Driver, database: str) -> None:
    keys = analytics.run_cypher(small, "CALL db.propertyKeys() YIELD propertyKey "
                                "WHERE propertyKey IN $wanted RETURN propertyKey ORDER BY "
                                "propertyKey", {"wanted": ["id", "relation"]}, database)
    assert keys["propertyKey"].tolist() == ["id", "relation"]
    types = analytics.run_cypher(small, "CALL db.relationshipTypes()", database=database)
    assert "DERIVED_FROM" in types["relationshipType"].tolist()


def test_tree_stats_pure() -> None:
    g = analytics.derivation_digraph(EDGES)
    assert analytics.tree_stats(g, "a") == {
        "root": "a", "size": 6, "depth": 2, "leaves": 2, "maxBranching": 2,
        "meanBranching": 1.5, "widthByGeneration": [1, 2, 3]}
    assert analytics.tree_stats(g, "d")["size"] == 1
    assert g.edges["f", "c"]["relation"] == "merge"


def test_influence_ranks_bases_first_pure() -> None:
    df = analytics.influence(analytics.derivation_digraph(EDGES))
    assert df.loc[0, "model"] == "a"
    assert df.set_index("model").loc["a", "descendants"] == 5
    assert df.set_index("model").loc["b", "children"] == 2
    assert df["pagerank"].sum() == pytest.approx(1.0)
    assert analytics.influence(nx.DiGraph()).empty


def test_components_pure() -> None:
    df = analytics.components(analytics.derivation_digraph(EDGES, ["lonely"]))
    assert df.to_dict("records") == [
        {"size": 6, "roots": ["a"], "models": ["a", "b", "c", "d", "e", "f"]},
        {"size": 2, "roots": ["x"], "models": ["x", "y"]},
        {"size": 1, "roots": ["lonely"], "models": ["lonely"]},
    ]


def test_pareto_front_pure() -> None:
    df = pd.DataFrame({"parameters": [3, 7, 7, 1, 9, 5], "score": [50, 60, 55, 40, 58, 50]})
    assert analytics.pareto_front(df).tolist() == [True, True, False, True, False, False]


def test_pareto_front_pools_no_boards() -> None:
    df = pd.DataFrame({"parameters": [3, 7, 7, 1, 9, 5], "score": [50, 60, 55, 40, 58, 50],
                       "leaderboard": ["v1", "v1", "v2", "v2", "v2", "v1"]})
    assert analytics.pareto_front(df).tolist() == [True, True, True, True, True, False]
    assert analytics.pareto_front(df, by=()).tolist() == [True, True, False, True, False, False]


def test_pareto_front_agrees_with_cypher(small: neo4j.Driver, database: str) -> None:
    df = analytics.size_accuracy_frontier(small, database)
    assert set(df["leaderboard"]) == {"v1", "v2"}
    assert analytics.pareto_front(df).tolist() == df["onFront"].tolist()
    per_arch = analytics.pareto_front(df, by=("leaderboard", "architecture"))
    assert per_arch.tolist() == df["onArchitectureFront"].tolist()
    when_released = [bool(analytics.pareto_front(df[df["month"] <= month])[i])
                     for i, month in df["month"].items()]
    assert when_released == df["onFrontWhenReleased"].tolist()
    # The small graph tells the three fronts apart, and pooling the boards would change them.
    assert df["onArchitectureFront"].tolist() != df["onFront"].tolist()
    assert when_released != df["onFront"].tolist()
    assert analytics.pareto_front(df, by=()).tolist() != df["onFront"].tolist()


def test_family_and_org_digraphs(small: neo4j.Driver, database: str) -> None:
    g = analytics.family_digraph(small, "META/llama-7b", database)
    assert g.graph["root"] == "meta/Llama-7B"
    # alice/old-llama is deleted: kept as a flagged node (it may connect), never counted
    assert sorted(g) == ["alice/llama-ft", "alice/old-llama", "bob/llama-chat-ft",
                         "bob/llama-ft-ft", "carol/llama-lora", "meta/Llama-7B",
                         "meta/llama-7b-chat", "thebloke/llama-ft-GGUF"]
    assert [n for n in g if g.nodes[n]["deleted"]] == ["alice/old-llama"]
    stats = analytics.tree_stats(g, g.graph["root"])
    summary = analytics.family_summary(small, database, model="meta/llama-7b").iloc[0]
    assert stats["size"] == summary["size"] == 7
    assert stats["widthByGeneration"] == list(summary["widthByGeneration"]) == [1, 3, 3]
    assert (stats["leaves"], stats["maxBranching"], stats["meanBranching"]) == (4, 3, 2.0)
    assert analytics.influence(g).loc[0, "model"] == "meta/Llama-7B"
    with pytest.raises(ModelNotFoundError):
        analytics.family_digraph(small, "nobody/nothing", database)
    org = analytics.org_digraph(small, "Alice", database)
    assert org.nodes["thebloke/llama-ft-GGUF"]["organization"] == "thebloke"
    assert analytics.components(org)["size"].tolist() == [4, 3]
