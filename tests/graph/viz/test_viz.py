"""Lineage graphs over a real Neo4j: what each view fetches, collapses, escapes and links to."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner

from hflineage.analytics.subgraph import fetch_family, rows_to_links
from hflineage.cli import cli
from hflineage.db.schema import init_schema, wipe_database
from hflineage.errors import (
    ModelNotFoundError,
    NotDrawableError,
    OrganizationNotFoundError,
    ViewTooLargeError,
)
from hflineage.viz import LineageNetwork, family_graph, lineage_graph, org_graph, query_graph
from tests.support.paths import FIXTURES

GRAPH = json.loads((FIXTURES / "viz" / "graph.json").read_text(encoding="utf-8"))
EVIL = next(m["id"] for m in GRAPH["models"] if m["id"].startswith("evil/"))
PAYLOADS = ["<img src=x", "<script>window.__pwned", "</script><script>", 'onerror="window']
FAMILY = 71

WRITE = """
UNWIND $models AS m
MERGE (n:Model {key: toLower(m.id)})
SET n.id = m.id, n.author = m.author, n.downloads = m.downloads, n.likes = m.likes,
    n.parameters = m.parameters, n.license = m.license, n.stub = coalesce(m.stub, false),
    n.createdAt = CASE WHEN m.createdAt IS NULL THEN null ELSE datetime(m.createdAt) END
FOREACH (_ IN CASE WHEN m.author IS NULL THEN [] ELSE [1] END |
  MERGE (o:Organization {key: toLower(coalesce(m.org, m.author))})
  SET o.name = coalesce(m.org, m.author) MERGE (o)-[:PUBLISHED]->(n))
FOREACH (_ IN CASE WHEN m.arch IS NULL THEN [] ELSE [1] END |
  MERGE (a:Architecture {name: m.arch}) MERGE (n)-[:HAS_ARCHITECTURE]->(a))
FOREACH (_ IN CASE WHEN m.license IS NULL THEN [] ELSE [1] END |
  MERGE (l:License {id: m.license}) MERGE (n)-[:LICENSED_UNDER]->(l))
FOREACH (_ IN CASE WHEN m.score IS NULL THEN [] ELSE [1] END |
  MERGE (b:Benchmark {key: 'v2:Average'}) SET b.name = 'Average', b.leaderboard = 'v2'
  MERGE (n)-[s:SCORED]->(b) SET s.score = m.score)
FOREACH (_ IN CASE WHEN m.scoreV1 IS NULL THEN [] ELSE [1] END |
  MERGE (b:Benchmark {key: 'v1:Average'}) SET b.name = 'Average', b.leaderboard = 'v1'
  MERGE (n)-[s:SCORED]->(b) SET s.score = m.scoreV1)
WITH count(*) AS _
UNWIND $links AS l
MATCH (c:Model {key: toLower(l.child)}), (p:Model {key: toLower(l.parent)})
MERGE (c)-[d:DERIVED_FROM]->(p)
SET d.relation = l.relation, d.source = 'tag', d.relationSource = 'explicit'
"""


def write_small(driver: neo4j.Driver, database: str) -> None:
    wipe_database(driver, database)
    init_schema(driver, database)
    driver.execute_query(WRITE, GRAPH, database_=database)


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: Any) -> neo4j.Driver:
    """The hand-made graph, written once for the module; no test here writes to it."""
    write_small(driver, neo4j_server.database)
    return driver


def ids(net: LineageNetwork) -> set[str]:
    return {n["id"] for n in net.nodes}


def edge_pairs(net: LineageNetwork) -> set[tuple[str, str, str]]:
    return {(e["from"], e["to"], e["relation"]) for e in net.edges}


class _Refs(HTMLParser):
    """Every URL-bearing attribute and every CSS url()/@import in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[str] = []
        self.scripts = 0
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "script" and ("type", "application/json") not in attrs:
            self.scripts += 1
        self._style = tag == "style"
        for name, value in attrs:
            if name in {"src", "href", "action", "srcset", "poster", "data", "formaction",
                        "xlink:href", "background"} and value is not None:
                self.refs.append(value)
            if name == "style" and value:
                self.refs += re.findall(r"url\(\s*['\"]?([^'\")]+)", value)

    def handle_data(self, data: str) -> None:
        if self._style:
            self.refs += re.findall(r"url\(\s*['\"]?([^'\")]+)", data)
            self.refs += re.findall(r"@import\s+['\"]?([^'\";\s]+)", data)

    def handle_endtag(self, tag: str) -> None:
        self._style = False


def script_tags(page: str) -> int:
    """The page's executable scripts (its graph data is an inert JSON block)."""
    parser = _Refs()
    parser.feed(page)
    assert parser.tags.count("script") == parser.scripts + 1, "one JSON data block"
    return parser.scripts


def off_machine_refs(page: str) -> list[str]:
    parser = _Refs()
    parser.feed(page)
    return [r for r in parser.refs if not r.startswith(("data:", "#"))]


def test_lineage_draws_ancestors_and_descendants(small: neo4j.Driver, database: str) -> None:
    net = lineage_graph(small, "acme/base-7b-chat", database=database)
    assert ids(net) == {"acme/base-7b-chat", "acme/base-7b", "bob/base-7b-chat-gguf",
                        "dave/merged-7b", "dave/merged-7b-sft"}
    assert edge_pairs(net) == {
        ("acme/base-7b-chat", "acme/base-7b", "finetune"),
        ("bob/base-7b-chat-gguf", "acme/base-7b-chat", "quantized"),
        ("dave/merged-7b", "acme/base-7b-chat", "merge"),
        ("dave/merged-7b-sft", "dave/merged-7b", "finetune")}
    focus = next(n for n in net.nodes if n["id"] == "acme/base-7b-chat")
    assert focus["kind"] == "focus" and focus["shape"] == "star"
    assert net.page.layout == "tree"
    x = {n["id"]: n["x"] for n in net.nodes}
    assert x["acme/base-7b"] < x["acme/base-7b-chat"] < x["dave/merged-7b"] < \
        x["dave/merged-7b-sft"]
    assert x["bob/base-7b-chat-gguf"] == x["dave/merged-7b"]


def test_lineage_depth_and_relation_filters(small: neo4j.Driver, database: str) -> None:
    one = lineage_graph(small, "Acme/Base-7B-Chat", database=database, up=0, down=1)
    assert ids(one) == {"acme/base-7b-chat", "bob/base-7b-chat-gguf", "dave/merged-7b"}
    merges = lineage_graph(small, "acme/base-7b-chat", database=database,
                           relations=["merge", "finetune"])
    assert ids(merges) == {"acme/base-7b-chat", "acme/base-7b", "dave/merged-7b",
                           "dave/merged-7b-sft"}
    assert "Relations followed: merge, finetune" in merges.page.notes[0]


def test_tooltip_holds_the_model_facts(small: neo4j.Driver, database: str) -> None:
    net = lineage_graph(small, "acme/base-7b-chat", database=database)
    tip = next(n for n in net.nodes if n["id"] == "acme/base-7b-chat")["title"]
    for fact in ("Acme/Base-7B-Chat", "acme", "LlamaForCausalLM", "6.7B", "apache-2.0",
                 "50,000", "120", "2023-08-01", "Average v1 61.50 · v2 35.25",
                 "finetune of acme/base-7b (tag, explicit)"):
        assert fact in tip


def test_family_collapses_and_counts_every_model(small: neo4j.Driver, database: str) -> None:
    full = family_graph(small, "acme/base-7b", database=database)
    assert len(full.nodes) == FAMILY and full.page.stats["folded"] == 0
    net = family_graph(small, "acme/base-7b", database=database, max_nodes=12)
    assert len(net.nodes) <= 12
    aggregates = [n for n in net.nodes if n["kind"] == "aggregate"]
    assert aggregates
    counted = sum(int(re.search(r"models</th><td>([\d,]+)", a["title"])[1].replace(",", ""))
                  for a in aggregates)
    shown = len(net.nodes) - len(aggregates)
    assert shown + counted == FAMILY == net.page.stats["models"]
    assert net.page.stats["folded"] == counted
    labels = [a["label"] for a in aggregates]
    assert any(re.fullmatch(r"\+\d+ quantized of Base-7B", label) for label in labels), labels
    page = net.generate_html()
    assert f"The other {counted:,} are collapsed" in page
    assert 'id="collapsed"' in page


def test_family_keeps_the_most_important_first(small: neo4j.Driver, database: str) -> None:
    net = family_graph(small, "acme/base-7b", database=database, max_nodes=12)
    kept = ids(net)
    assert {"acme/base-7b", "acme/base-7b-chat"} <= kept
    assert "tuner/base-7b-ft5" in kept or "quant0/base-7b-ft5-q2" not in kept


def test_org_view_has_the_org_its_models_bases_and_builders(small: neo4j.Driver,
                                                           database: str) -> None:
    net = org_graph(small, "DAVE", database=database)
    assert ids(net) == {"org:dave", "dave/merged-7b", "dave/merged-7b-sft", "acme/base-7b-chat",
                        "eve/other-7b"}
    assert ("org:dave", "dave/merged-7b", "published") in edge_pairs(net)
    assert net.page.layout == "physics"
    with pytest.raises(OrganizationNotFoundError):
        org_graph(small, "nobody", database=database)


def test_stubs_are_drawn_distinctly(small: neo4j.Driver, database: str) -> None:
    net = lineage_graph(small, "frank/ghost-ft", database=database)
    stub = next(n for n in net.nodes if n["id"] == "ghost/unseen-base")
    assert stub["kind"] == "stub" and stub["shapeProperties"] == {"borderDashes": [3, 3]}
    assert "stub" in stub["title"]


def test_query_view_reads_child_parent_columns_and_model_columns(small: neo4j.Driver,
                                                                database: str) -> None:
    net = query_graph(small, "family_edges", {"model": "acme/base-7b-chat", "maxDepth": 1},
                      database=database)
    assert ids(net) == {"acme/base-7b-chat", "bob/base-7b-chat-gguf", "dave/merged-7b"}
    assert len(net.edges) == 2
    models = query_graph(small, "model_lineage", {"model": "dave/merged-7b-sft", "maxDepth": 1},
                         database=database)
    assert edge_pairs(models) == {("dave/merged-7b-sft", "dave/merged-7b", "finetune")}


def test_path_rows_become_models_and_edges(small: neo4j.Driver, database: str) -> None:
    records, _, _ = small.execute_query(
        "MATCH p = (:Model {key: 'dave/merged-7b-sft'})-[:DERIVED_FROM*1..3]->(:Model) "
        "RETURN p, 1 AS n", database_=database)
    models, links = rows_to_links([dict(r.items()) for r in records])
    assert set(models) == {"dave/merged-7b-sft", "dave/merged-7b", "acme/base-7b-chat",
                           "eve/other-7b", "acme/base-7b"}
    assert {(link.child, link.parent, link.relation) for link in links} == {
        ("dave/merged-7b-sft", "dave/merged-7b", "finetune"),
        ("dave/merged-7b", "acme/base-7b-chat", "merge"),
        ("dave/merged-7b", "eve/other-7b", "merge"),
        ("acme/base-7b-chat", "acme/base-7b", "finetune")}


def test_query_without_models_is_refused(small: neo4j.Driver, database: str) -> None:
    with pytest.raises(NotDrawableError):
        query_graph(small, "graph_stats", database=database)
    with pytest.raises(ModelNotFoundError, match="no model 'no/such'"):
        query_graph(small, "model_lineage", {"model": "no/such"}, database=database)


def test_a_view_past_the_fetch_limit_stops_with_advice(small: neo4j.Driver,
                                                       database: str) -> None:
    with pytest.raises(ViewTooLargeError, match="--relation, --up or --down"):
        fetch_family(small, database, "acme/base-7b", limit=FAMILY - 1)
    assert len(fetch_family(small, database, "acme/base-7b", limit=FAMILY).models) == FAMILY


def test_unknown_model_is_a_clean_error(small: neo4j.Driver, database: str) -> None:
    with pytest.raises(ModelNotFoundError):
        lineage_graph(small, "no/such-model", database=database)


def test_page_is_self_contained(small: neo4j.Driver, database: str) -> None:
    page = family_graph(small, "acme/base-7b", database=database).generate_html()
    assert off_machine_refs(page) == []
    assert not re.search(r"(?:src|href)\s*=\s*['\"]?(?:https?:)?//", page)
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page and "bootstrap" not in page
    assert "default-src 'none'" in page
    assert "vis.Network" in page and len(page) > 500_000


def test_hub_text_is_escaped_everywhere(small: neo4j.Driver, database: str) -> None:
    for net in (family_graph(small, "acme/base-7b", database=database),
                lineage_graph(small, EVIL, database=database),
                org_graph(small, "<script>window.__pwned=2</script>", database=database)):
        page = net.generate_html()
        for payload in PAYLOADS:
            assert payload not in page
        assert script_tags(page) == 2 and page.count("</script>") == 3
        evil = next(n for n in net.nodes if n["id"] == EVIL.lower())
        assert "&lt;img src=x onerror=window.__pwned=1&gt;" in evil["title"]
        assert "<" not in evil["label"]
        frame = net._repr_html_()
        assert frame.startswith('<iframe sandbox="allow-scripts"') and "<img" not in frame


def test_save_writes_utf8(small: neo4j.Driver, database: str, tmp_path: Path) -> None:
    path = lineage_graph(small, "acme/base-7b", database=database).save(tmp_path / "a" / "x.html")
    assert path.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert "→" in path.read_text(encoding="utf-8")


def test_cli_writes_each_view(small: neo4j.Driver, cli_env: dict[str, str],
                              tmp_path: Path) -> None:
    runner = CliRunner()
    for args, nodes in ((["lineage", "Acme/Base-7B-Chat", "--down", "1"], 4),
                        (["family", "acme/base-7b", "--max-nodes", "20"], 20),
                        (["org", "dave", "--relation", "merge,finetune"], 5),
                        (["query", "family_edges", "--param", "model=acme/base-7b-chat",
                          "--param", "maxDepth=1"], 3)):
        out = tmp_path / f"{args[0]}.html"
        result = runner.invoke(cli, ["viz", *args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"wrote {out}: ") and f" {nodes:,} nodes," in result.output
        assert len(result.output.splitlines()) == 1, result.output
        assert script_tags(out.read_text(encoding="utf-8")) == 2


def test_cli_errors_are_one_line(small: neo4j.Driver, cli_env: dict[str, str],
                                 tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["viz", "lineage", "no/such", "--out", str(tmp_path / "x")])
    assert missing.exit_code == 1 and "Error: no model 'no/such'" in missing.output
    assert "Traceback" not in missing.output
    bad = runner.invoke(cli, ["viz", "family", "acme/base-7b", "--relation", "forked"])
    assert bad.exit_code == 2 and "choose from finetune" in bad.output
