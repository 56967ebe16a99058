"""``hflineage report``: self-contained, offline, escaped; one CSV per table."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import neo4j
import pandas as pd
import pytest

from hflineage.analytics import output
from hflineage.analytics.queries import run_query
from hflineage.analytics.report import MISSING, _table_html, build_report, score_sections
from hflineage.db.schema import init_schema, wipe_database
from tests.fixtures.analytics.graph import build
from tests.support.server import TestServer

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


MISSING_WORDS = re.compile(r"\b(?:nan|NaN|None|null|undefined)\b")
NEW_PLOT = re.compile(r'Plotly\.newPlot\(\s*"[^"]*",\s*')


def sentence_of(index: Path, key: str) -> str:
    """The text of a section's sentence, its coverage included."""
    section = index.read_text(encoding="utf-8").split(f'<section id="{key}">')[1]
    return html.unescape(re.sub(r"<[^>]+>", "", section.split('<p class="what">')[1]
                                .split("</p>")[0]))


def _strings(value: Any, key: str = "") -> Iterator[str]:
    """Every string a chart can show; a null among labels counts as the text "null"."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k != "template":  # Plotly's theme, never shown as text
                yield from _strings(v, k)
    elif isinstance(value, list):
        labels = any(isinstance(v, str) for v in value)
        for v in value:
            yield "null" if v is None and labels else ""
            yield from _strings(v, key)


def missing_text(index: Path) -> list[str]:
    """Every "nan", "None", "null" or "undefined" a reader could see in a report: in the page's
    text and tables, and in every chart's data and layout (Plotly's own code left out)."""
    text = index.read_text(encoding="utf-8")
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.DOTALL)
    found = [f"page: {m.group()} in {markup[max(m.start() - 60, 0):m.end() + 20]!r}"
             for m in MISSING_WORDS.finditer(html.unescape(markup))]
    decoder = json.JSONDecoder()
    for plot in NEW_PLOT.finditer(text):
        data, end = decoder.raw_decode(text, plot.end())
        layout, _ = decoder.raw_decode(text, text.index("{", end))
        found += [f"chart: {s!r}" for s in _strings([data, layout]) if MISSING_WORDS.search(s)]
    return found


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


def test_no_missing_value_text_anywhere(report: Path) -> None:
    assert missing_text(report) == []


def test_architectures_one_row_each_leaders_coverage_and_no_architecture_last(
        report: Path) -> None:
    """The hostile model is a Llama derivative with its own architecture; carol/scratch-1b is
    now its child, so Llama has one base model and google/gemma-7b (a stub) has none."""
    arch = pd.read_csv(report.parent / "tables" / "top_architectures.csv")
    assert arch["architecture"].iloc[:2].tolist() == ["LlamaForCausalLM", "MistralForCausalLM"]
    assert len(arch) == 3 and pd.isna(arch["architecture"].iloc[-1])
    assert arch[["derivatives", "contributors", "commits"]].iloc[0].tolist() == [8, 5, 12]
    section = report.read_text(encoding="utf-8").split('<section id="top_architectures">')[1]
    sentence = sentence_of(report, "top_architectures")
    assert sentence.startswith(
        "By derivatives, LlamaForCausalLM base models attract the most: 8 derivatives of 1 base"
        " models, with 5 human contributors and 12 commits. By human contributors (distinct "
        "non-bot committers to the derivatives), LlamaForCausalLM leads with 5 on 8 derivatives."
        " 1 of 11 derivatives (9.1%) descend from the 1 base models with no architecture "
        "recorded (the last row).")
    assert ("Coverage: 2 of 3 base models (66.7%) have an architecture; 10 of 11 derivatives "
            "(90.9%) descend from a base model that has one.") in sentence
    assert "<td>no architecture recorded</td>" in section.split("</table>")[0]


def test_activity_totals_are_distinct_models(report: Path) -> None:
    sentence = sentence_of(report, "derivatives_per_month")
    assert sentence.startswith("Of 11 derivatives (models descending from a base model within "
                               "10 generations), by their relation to a parent (distinct "
                               "models; one with edges of two relations counts in both): "
                               "finetune 8, adapter 1, quantized 1, merge 1.")


def test_long_lists_show_their_length_and_first_names(tmp_path: Path) -> None:
    orgs = [f"org-{i:03d}" for i in range(284)]
    df = pd.DataFrame({"root": ["a/b"], "organizationNames": [orgs], "widthByGeneration":
                       [[1, 20, 300]], "leaves": [None]})
    page = _table_html(df)
    assert "<td>284 organizations: org-000, org-001, org-002, …</td>" in page
    assert "<td>1, 20, 300</td>" in page and f"<td>{MISSING}</td>" in page
    output.write(df, "csv", tmp_path / "t.csv")
    assert json.loads(pd.read_csv(tmp_path / "t.csv")["organizationNames"][0]) == orgs


def test_report_on_an_empty_graph(graph: neo4j.Driver, database: str, tmp_path: Path) -> None:
    index = build_report(graph, tmp_path / "empty", database)
    assert "No model has derivatives yet." in index.read_text(encoding="utf-8")


@pytest.mark.browser
def test_no_script_runs_and_nothing_is_fetched_in_chromium(report: Path) -> None:
    from tests.support.browser import chromium

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


SCORE_SECTIONS = ("accuracy_delta_by_relation", "accuracy_vs_size_change",
                  "size_accuracy_frontier", "family_best_score_over_time",
                  "accuracy_delta_by_dataset_count")


def test_score_sections_are_drawn_once_per_board(driver: neo4j.Driver,
                                                 neo4j_server: TestServer) -> None:
    """The small graph has v1 and v2 Averages: every score section is drawn for each board,
    titled with it, its sentence giving the board and its coverage, its table of that board."""
    database = neo4j_server.database
    wipe_database(driver, database)
    init_schema(driver, database)
    build(driver, database, HOSTILE)

    def q(name: str, **params: Any) -> pd.DataFrame:
        return run_query(driver, name, params, database)

    sections = {s.key: s for s in score_sections(q, "Average", ["meta/Llama-7B"])}
    assert list(sections) == [f"{key}_{board}" for board in ("v1", "v2") for key in SCORE_SECTIONS]
    for board, scored in (("v1", 11), ("v2", 5)):
        for key in SCORE_SECTIONS:
            s = sections[f"{key}_{board}"]
            assert s.title.endswith(f"(Average, Open LLM Leaderboard {board})"), s.title
            assert s.sentence.startswith(f"Open LLM Leaderboard {board}: "), s.sentence
            assert s.sentence.endswith(f"Coverage: {scored} of 14 models have a score for "
                                       f"Average on Open LLM Leaderboard {board}."), s.sentence
            assert not s.table.empty and set(s.table["leaderboard"]) == {board}, s.key
    assert sections["accuracy_delta_by_relation_v2"].sentence.startswith(
        "Open LLM Leaderboard v2: 3 single-parent derivatives have a mean Average delta against "
        "their parent of -1.193 points (median -2.58); 33.33% improve on it.")
    front = sections["size_accuracy_frontier_v2"].table
    assert front[front["onFront"]]["model"].tolist() == [
        "carol/llama-lora", "alice/llama-ft", "mistralai/Mistral-7B"]
    best = {b: sections[f"family_best_score_over_time_{b}"].table["best"].tolist()
            for b in ("v1", "v2")}
    assert best == {"v1": [70.0], "v2": [10.0]}


def test_no_scores_is_one_short_section(graph: neo4j.Driver, database: str) -> None:
    [only] = score_sections(lambda name, **p: run_query(graph, name, p, database), "GSM8K", [])
    assert only.sentence == "No model has a score for GSM8K on any leaderboard."
