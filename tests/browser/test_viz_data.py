"""Lineage graphs over real loads: the shipped sample, and ../shared/data when present."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import neo4j
import pytest

from hflineage.cypher import registry
from hflineage.db.schema import init_schema, wipe_database
from hflineage.loader import load_leaderboard, load_snapshot
from hflineage.viz import LineageNetwork, family_graph, lineage_graph, org_graph, query_graph
from tests.graph.viz.test_viz import off_machine_refs
from tests.support.browser import chromium
from tests.support.paths import SHARED_DATA

SAMPLE = Path(str(resources.files("hflineage") / "data" / "sample"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Independent of the viz code: the family as one bounded Cypher count.
FAMILY_SIZE = ("MATCH (r:Model {key: toLower($root)}) "
               "RETURN 1 + COUNT { MATCH (r)<-[:DERIVED_FROM*1..32]-(d) RETURN DISTINCT d } AS n")


def family_size(driver: neo4j.Driver, database: str, root: str) -> int:
    records, _, _ = driver.execute_query(FAMILY_SIZE, {"root": root}, database_=database)
    return int(records[0]["n"])


def accounted(net: LineageNetwork) -> int:
    """Models drawn plus models counted in aggregate nodes."""
    shown = sum(1 for n in net.nodes if n["kind"] in {"model", "stub", "focus"})
    folded = sum(int(re.search(r"models</th><td>([\d,]+)", n["title"])[1].replace(",", ""))
                 for n in net.nodes if n["kind"] == "aggregate")
    return shown + folded


def fresh(driver: neo4j.Driver, database: str) -> None:
    wipe_database(driver, database)
    init_schema(driver, database)


def shared(path: str) -> Path:
    """A shared snapshot for a module-scoped load (the ``shared_data`` fixture is per test:
    the tests request it too, for the ``shared`` marker)."""
    if not (SHARED_DATA / "README.md").exists():
        pytest.skip(f"third-party snapshots not found at {SHARED_DATA} (../shared/data)")
    return SHARED_DATA / path


@pytest.fixture(scope="module")
def sample(driver: neo4j.Driver, neo4j_server: Any, tmp_path_factory: pytest.TempPathFactory
           ) -> neo4j.Driver:
    fresh(driver, neo4j_server.database)
    rejects = tmp_path_factory.mktemp("viz-sample") / "rejects.jsonl"
    load_snapshot(driver, SAMPLE, database=neo4j_server.database, rejects=rejects)
    load_leaderboard(driver, SAMPLE / "leaderboard-v2.csv", database=neo4j_server.database)
    return driver


def test_sample_lineage_follows_the_card_lineage(sample: neo4j.Driver, database: str) -> None:
    net = lineage_graph(sample, "huggingfaceh4/zephyr-7b-beta", database=database, down=0)
    assert {n["id"] for n in net.nodes} == {"huggingfaceh4/zephyr-7b-beta",
                                            "huggingfaceh4/mistral-7b-sft-beta",
                                            "mistralai/mistral-7b-v0.1"}
    assert len(net.edges) == 2 and net.page.layout == "tree"


def test_sample_family_is_whole_and_scored(sample: neo4j.Driver, database: str) -> None:
    root = "meta-llama/Llama-2-7b-hf"
    net = family_graph(sample, root, database=database)
    assert net.page.stats["folded"] == 0
    assert len(net.nodes) == family_size(sample, database, root)
    tip = next(n for n in net.nodes if n["id"] == root.lower())["title"]
    assert "Average v2 8.68" in tip and "LlamaForCausalLM" in tip
    small = family_graph(sample, root, database=database, max_nodes=8)
    assert len(small.nodes) <= 8 and accounted(small) == len(net.nodes)


def test_sample_org_and_query_views(sample: neo4j.Driver, database: str) -> None:
    org = org_graph(sample, "TheBloke", database=database)
    assert "org:thebloke" in {n["id"] for n in org.nodes}
    assert {e["relation"] for e in org.edges} >= {"published", "quantized"}
    assert off_machine_refs(org.generate_html()) == []
    if "family_edges" not in registry():
        pytest.skip("the named query family_edges is not in this tree")
    edges = query_graph(sample, "family_edges", {"model": "mistralai/Mistral-7B-v0.1"},
                        database=database)
    assert len(edges.nodes) == family_size(sample, database, "mistralai/Mistral-7B-v0.1")


@pytest.fixture(scope="module")
def trees(driver: neo4j.Driver, neo4j_server: Any, tmp_path_factory: pytest.TempPathFactory
          ) -> neo4j.Driver:
    snapshot = shared("model-trees-2025")
    fresh(driver, neo4j_server.database)
    load_snapshot(driver, snapshot, database=neo4j_server.database,
                  rejects=tmp_path_factory.mktemp("viz-trees") / "rejects.jsonl")
    return driver


@pytest.mark.parametrize(("root", "max_nodes"), [
    ("google/gemma-7b", 300),
    pytest.param("google/gemma-7b", 2000, marks=pytest.mark.slow),
    ("meta-llama/Llama-2-7b", 300)])
def test_shared_families_account_for_every_model(trees: neo4j.Driver, shared_data: Path,
                                                 database: str, root: str, max_nodes: int
                                                 ) -> None:
    net = family_graph(trees, root, database=database, max_nodes=max_nodes)
    total = family_size(trees, database, root)
    assert len(net.nodes) <= max_nodes
    assert accounted(net) == total == net.page.stats["models"]
    assert (net.page.stats["folded"] > 0) == (total > max_nodes)


def test_shared_lineage_and_org(trees: neo4j.Driver, shared_data: Path, database: str) -> None:
    net = lineage_graph(trees, "mradermacher/Gemma-7B-sft-SPIN-Gemma-2-27B-GGUF",
                        database=database)
    ids = [n["id"] for n in net.nodes]
    assert "google/gemma-7b" in ids and len(ids) == len(net.edges) + 1
    org = org_graph(trees, "google", database=database)
    assert accounted(org) == org.page.stats["models"]


@pytest.mark.slow
@pytest.mark.browser
def test_shared_gemma_family_draws_in_chromium(trees: neo4j.Driver, shared_data: Path,
                                               database: str, tmp_path: Path) -> None:
    with chromium() as browser:
        for max_nodes in (300, 2000):
            net = family_graph(trees, "google/gemma-7b", database=database,
                               max_nodes=max_nodes)
            visit = browser.visit(net.save(tmp_path / f"gemma-{max_nodes}.html"),
                                  screenshot=ARTIFACTS / f"family-gemma-7b-{max_nodes}.png")
            assert (visit.nodes, visit.edges) == (len(net.nodes), len(net.edges))
            assert visit.off_machine == [] and visit.errors == [] and visit.injected is None


@pytest.fixture(scope="module")
def paper(driver: neo4j.Driver, neo4j_server: Any, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[neo4j.Driver]:
    snapshot = shared("paper-2024/models.jsonl")
    fresh(driver, neo4j_server.database)
    load_snapshot(driver, snapshot, database=neo4j_server.database,
                  rejects=tmp_path_factory.mktemp("viz-paper") / "rejects.jsonl")
    yield driver


def test_paper_views(paper: neo4j.Driver, shared_data: Path, database: str) -> None:
    root = "mistralai/Mistral-7B-v0.1"
    net = family_graph(paper, root, database=database)
    assert accounted(net) == family_size(paper, database, root)
    org = org_graph(paper, "mistralai", database=database)
    assert accounted(org) == org.page.stats["models"]
    assert "org:mistralai" in {n["id"] for n in org.nodes}
    children, _, _ = paper.execute_query(
        "MATCH (:Model {key: $k})<-[:DERIVED_FROM]-(c:Model) WHERE NOT coalesce(c.deleted, false) "
        "RETURN count(DISTINCT c) AS n", k=root.lower(), database_=database)
    direct = query_graph(paper, "family_edges", {"model": root, "maxDepth": 1},
                         database=database, max_nodes=2000)
    assert len(direct.nodes) == children[0]["n"] + 1 > 100
