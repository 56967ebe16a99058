"""``hflineage report``: self-contained, offline, escaped; one CSV per table."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import neo4j
import pandas as pd
import pytest

from hflineage.analytics.report import build_report
from hflineage.db.schema import init_schema, wipe_database
from tests.conftest import TestServer
from tests.fixtures.analytics.graph import build

EVIL = "evil/<img src=x onerror=alert(1)></script>"
HOSTILE = {
    "organizations": [{"name": "evil", "kind": "user"}],
    "models": [{"id": EVIL, "org": "evil", "architecture": "<b>Arch</b>", "parameters": 10**9,
                "createdAt": "2023-07-01", "downloads": 1, "likes": 1}],
    "derived": [{"child": EVIL, "parent": "meta/Llama-7B", "relation": "finetune"},
                {"child": "carol/scratch-1b", "parent": EVIL, "relation": "finetune"}],
    "datasets": [{"model": EVIL, "dataset": "<script>alert(2)</script>"}],
    "scores": [{"model": EVIL, "benchmark": "Average", "score": 70.0}],
}


class Refs(HTMLParser):
    """Every src/href attribute and every tag of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.refs += [v or "" for k, v in attrs if k in {"src", "href", "action", "srcset"}]


def parse(path: Path) -> Refs:
    refs = Refs()
    refs.feed(path.read_text(encoding="utf-8"))
    return refs


@pytest.fixture(scope="module")
def report(driver: neo4j.Driver, neo4j_server: TestServer,
           tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One report of the small graph plus hostile Hub strings, written once for the module."""
    database = neo4j_server.database
    wipe_database(driver, database)
    init_schema(driver, database)
    build(driver, database, HOSTILE)
    return build_report(driver, tmp_path_factory.mktemp("report"), database, families=2)


def test_report_is_self_contained(report: Path) -> None:
    page = parse(report)
    for ref in page.refs:
        parsed = urlparse(ref)
        assert not parsed.scheme and not parsed.netloc, ref
        if not ref.startswith("#"):
            assert (report.parent / parsed.path).exists(), ref
    assert not [a for tag, a in page.tags if tag == "script" and "src" in a]
    assert not [a for tag, a in page.tags if tag == "link"]
    text = report.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    markup = re.sub(r"<script>.*?</script>", "", text, flags=re.DOTALL)
    assert "http://" not in markup and "https://" not in markup
    assert "plotly" in text.lower() and text.count("Plotly.newPlot") >= 10


def test_every_table_has_a_csv(report: Path) -> None:
    page = parse(report)
    csvs = [r for r in page.refs if r.endswith(".csv")]
    sections = [a["id"] for tag, a in page.tags if tag == "section"]
    assert len(csvs) == len(sections) >= 17
    flows = pd.read_csv(report.parent / "tables" / "org_flows.csv")
    assert flows.iloc[0].tolist() == ["alice", "bob", 2, 1, 0, 0, 1]
    arch = pd.read_csv(report.parent / "tables" / "top_architectures.csv")
    assert arch.loc[0, "architecture"] == "LlamaForCausalLM"


def test_hub_strings_are_escaped(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;" in text
    assert "<img" not in text
    assert "<script>alert(2)" not in text and "<b>Arch</b>" not in text
    page = parse(report)
    opened = sum(1 for tag, _ in page.tags if tag == "script")
    assert text.count("</script>") == opened
    assert not [t for t, _ in page.tags if t in {"img", "iframe", "object", "embed"}]
    csv = pd.read_csv(report.parent / "tables" / "top_base_models.csv")
    assert EVIL in csv["model"].tolist()


def test_lineage_pages_of_the_largest_families_are_linked(report: Path) -> None:
    links = [r for r in parse(report).refs if r.startswith("lineage/")]
    assert "lineage/meta_Llama-7B.html" in links
    assert all((report.parent / link).stat().st_size > 0 for link in links)


def test_report_on_an_empty_graph(graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    index = build_report(graph, tmp_path / "empty", database)
    assert "No model has derivatives yet." in index.read_text(encoding="utf-8")


@pytest.mark.browser
def test_no_script_runs_and_nothing_is_fetched_in_chromium(report: Path) -> None:
    from tests.browser import chromium

    with chromium() as browser:
        page = browser.context.new_page()
        dialogs: list[str] = []
        fetched: list[str] = []
        errors: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: fetched.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.resolve().as_uri())
        page.wait_for_selector(".plotly-graph-div .main-svg >> nth=10", state="attached",
                               timeout=60_000)
        page.click("#org_flows th:nth-child(3)")
        first = page.inner_text("#org_flows tbody tr:first-child td:nth-child(3)")
        page.close()
    assert dialogs == [] and errors == []
    assert [u for u in fetched if not u.startswith("file:")] == []
    assert first == "1"
