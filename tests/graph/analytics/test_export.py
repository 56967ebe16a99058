"""Exports (GraphML and CSV; whole graph, family, query subgraph) against the real Neo4j."""

from __future__ import annotations

import json
from pathlib import Path

import neo4j
import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from hflineage import SCHEMA_VERSION
from hflineage.analytics.export import export_graph
from hflineage.cli import cli
from hflineage.errors import ModelNotFoundError, QueryParameterError
from hflineage.loader import load_leaderboard, load_snapshot

SAMPLE = Path(__file__).resolve().parents[3] / "src" / "hflineage" / "data" / "sample"
ROOT = "meta-llama/Llama-2-7b-hf"


@pytest.fixture
def sample(graph: neo4j.Driver, database: str, tmp_path: Path) -> neo4j.Driver:
    load_snapshot(graph, SAMPLE, database=database, rejects=tmp_path / "r1.jsonl")
    load_leaderboard(graph, SAMPLE / "leaderboard-v2.csv", database=database,
                     rejects=tmp_path / "r2.jsonl")
    return graph


def counts(driver: neo4j.Driver) -> tuple[int, int]:
    records, _, _ = driver.execute_query(
        "CALL () { MATCH (n) RETURN count(n) AS n } CALL () { MATCH ()-[r]->() "
        "RETURN count(r) AS r } RETURN n, r")
    return records[0]["n"], records[0]["r"]


def test_whole_graph_graphml(sample: neo4j.Driver, database: str, tmp_path: Path) -> None:
    summary = export_graph(sample, tmp_path / "g.graphml", fmt="graphml", database=database)
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert (g.number_of_nodes(), g.number_of_edges()) == counts(sample)
    assert (summary.nodes, summary.relationships) == counts(sample)
    assert g.graph["schemaVersion"] == SCHEMA_VERSION
    assert g.nodes[f"Schema:{SCHEMA_VERSION}"]["neo4jLabel"] == "Schema"
    llama = g.nodes[f"Model:{ROOT.lower()}"]
    assert llama["label"] == ROOT and llama["neo4jLabel"] == "Model"
    assert json.loads(llama["tags"])[0] == "transformers"
    assert llama["createdAt"].startswith("2023-07-13T")


def test_whole_graph_csv_streams_every_row(sample: neo4j.Driver, database: str,
                                           tmp_path: Path) -> None:
    export_graph(sample, tmp_path / "csv", fmt="csv", database=database)
    nodes = pd.read_csv(tmp_path / "csv" / "nodes.csv", keep_default_na=False, dtype=str)
    rels = pd.read_csv(tmp_path / "csv" / "relationships.csv", keep_default_na=False, dtype=str)
    assert (len(nodes), len(rels)) == counts(sample)
    assert nodes["Id"].is_unique
    assert set(rels["Source"]) <= set(nodes["Id"]) and set(rels["Target"]) <= set(nodes["Id"])
    assert {"Id", "Label", "neo4jLabel", "stub", "key"} <= set(nodes.columns)
    assert {"Source", "Target", "Type", "Label", "relation", "commits"} <= set(rels.columns)
    manifest = json.loads((tmp_path / "csv" / "manifest.json").read_text())
    assert manifest["schemaVersion"] == SCHEMA_VERSION and manifest["scope"] == "graph"
    assert (nodes["neo4jLabel"] == "Schema").sum() == 1


def test_family_subgraph(sample: neo4j.Driver, database: str, tmp_path: Path) -> None:
    records, _, _ = sample.execute_query(
        "MATCH (r:Model {key: toLower($root)}) "
        "OPTIONAL MATCH (r)<-[:DERIVED_FROM]-+(d) RETURN count(DISTINCT d) + 1 AS n", root=ROOT)
    family = records[0]["n"]
    assert family > 5
    export_graph(sample, tmp_path / "f.graphml", database=database, family=ROOT.upper())
    g = nx.read_graphml(tmp_path / "f.graphml")
    models = [n for n, d in g.nodes(data=True) if d["neo4jLabel"] == "Model"]
    assert len(models) == family
    assert g.graph["scope"] == f"family:{ROOT.upper()}"
    assert g.graph["schemaVersion"] == SCHEMA_VERSION
    assert {d["neo4jLabel"] for _, d in g.nodes(data=True)} >= {"Model", "Organization",
                                                                  "Schema", "Architecture"}
    derived = [e for e in g.edges(data=True) if e[2]["label"] == "DERIVED_FROM"]
    assert len(derived) >= family - 1
    assert all(e[0] in models and e[1] in models for e in derived)


def test_family_subgraph_csv_and_errors(sample: neo4j.Driver, database: str,
                                        tmp_path: Path) -> None:
    s = export_graph(sample, tmp_path / "fam", fmt="csv", database=database, family=ROOT,
                     max_depth=1)
    nodes = pd.read_csv(tmp_path / "fam" / "nodes.csv", keep_default_na=False, dtype=str)
    assert len(nodes) == s.nodes and f"Schema:{SCHEMA_VERSION}" in set(nodes["Id"])
    with pytest.raises(ModelNotFoundError):
        export_graph(sample, tmp_path / "x.graphml", database=database, family="no/such")
    with pytest.raises(QueryParameterError):
        export_graph(sample, tmp_path / "x.graphml", database=database, family=ROOT,
                     query="model_lineage")


def test_query_subgraph_through_the_cli(sample: neo4j.Driver, cli_env: dict[str, str],
                                        tmp_path: Path) -> None:
    out = tmp_path / "lineage.graphml"
    result = CliRunner().invoke(cli, ["export", "--format", "graphml", str(out),
                                      "--query", "model_lineage",
                                      "--param", "model=HuggingFaceH4/zephyr-7b-beta"])
    assert result.exit_code == 0, result.output
    assert f"schema version {SCHEMA_VERSION}" in result.output
    g = nx.read_graphml(out)
    models = {d["label"] for _, d in g.nodes(data=True) if d["neo4jLabel"] == "Model"}
    assert {"HuggingFaceH4/zephyr-7b-beta", "HuggingFaceH4/mistral-7b-sft-beta",
            "mistralai/Mistral-7B-v0.1"} <= models
    assert g.graph["scope"] == "query:model_lineage"
    bad = CliRunner().invoke(cli, ["export", str(out), "--query", "model_lineage",
                                   "--param", "nonsense"])
    assert bad.exit_code == 1 and "NAME=VALUE" in bad.output
