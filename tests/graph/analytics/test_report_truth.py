"""Honest charts (issue 12, defects 3-6): size ratios as boxes on a log axis with a line at 1 and
true medians, gating as its own dimension, stated coverage, anomalies left out and listed."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import neo4j
import pandas as pd
import pytest

from hflineage.analytics.coverage_text import Coverage, share
from hflineage.analytics.report import (
    build_report,
    first_derivative_section,
    openness_section,
    size_section,
)
from hflineage.cypher import registry
from hflineage.db.schema import init_schema, wipe_database
from tests.fixtures.analytics.graph import build
from tests.support.server import TestServer

COVERAGE = Coverage({"createdAt": (10, 4, 8, 3), "parameters": (10, 6, 8, 5),
                     "license": (10, 7, 8, 6), "gated": (10, 2, 8, 1)})


def pairs(*rows: tuple[str, str, str, float, str | None]) -> pd.DataFrame:
    """size_ratio_pairs rows from (child, parent, relation, ratio, excludedReason)."""
    df = pd.DataFrame(rows, columns=["child", "parent", "relation", "ratio", "excludedReason"])
    return df.assign(architecture="LlamaForCausalLM", childParameters=1, parentParameters=1,
                     smaller=df["ratio"] < 0.95)


def test_coverage_phrases() -> None:
    assert COVERAGE.models("createdAt") == \
        "4 of 10 described models (40.0%) have a creation date"
    assert COVERAGE.derivatives("parameters") == \
        "5 of 8 described derivatives (62.5%) have a parameter count"
    assert COVERAGE.parents() == "8 of 10 described models (80.0%) have a parent"
    assert share(7551, 35441, "models", "are dated") == "7,551 of 35,441 models (21.3%) are dated"
    assert share(0, 0, "pairs", "") == "0 of 0 pairs"
    with pytest.raises(KeyError, match="no coverage field 'score'"):
        COVERAGE.models("score")


def test_size_chart_draws_every_pair_on_a_log_axis_with_true_medians() -> None:
    """Merge pairs of two architectures: medians 1 (3 pairs) and 2.5 (2 pairs) weighted by pairs
    make 1.6, the median over the 5 pairs is 1. A merge of two smaller parents is one smaller
    derivative but two smaller pairs. The 1.23x GPTQ child is left out, with its reason."""
    df = pairs(("a/m1", "p/x", "merge", 1.0, None), ("a/m2", "p/x", "merge", 1.0, None),
               ("a/m3", "p/x", "merge", 1.0, None), ("a/m4", "p/y", "merge", 2.5, None),
               ("a/m5", "p/y", "merge", 2.5, None),
               ("a/ft", "p/x", "finetune", 0.0036, None), ("a/ft2", "p/x", "finetune", 0.97, None),
               ("a/two", "p/x", "finetune", 0.5, None), ("a/two", "p/y", "finetune", 0.4, None),
               ("TheBloke/x-GPTQ", "p/x", "quantized", 1.23, "quantized: storage count"))
    s = size_section(df, pd.DataFrame({"pairs": [], "excludedPairs": []}), pd.DataFrame(),
                     COVERAGE)
    assert s.figure is not None
    assert {t.type for t in s.figure.data} == {"box"}
    assert s.figure.layout.yaxis.type == "log"
    assert [(sh.y0, sh.y1) for sh in s.figure.layout.shapes] == [(1, 1)]
    assert any(a.text.startswith("Left out:<br>1 pairs with a quantized child")
               for a in s.figure.layout.annotations)
    assert all(min(t.y) > 0 for t in s.figure.data)  # 0.0036 is drawn, not floored away
    assert "merge 1 (5 pairs)" in s.sentence and "1.6" not in s.sentence
    # 3 of 8 derivatives (a/ft, a/two and nothing else below 0.95) vs 4 of 9 pairs
    assert s.sentence.startswith("25% of 8 derivatives are smaller than their parent")
    assert "per pair, 33.33% of 9 child–parent pairs" in s.sentence
    assert ("Left out: 1 pairs with a quantized child, whose count is of packed storage"
            in s.sentence)
    assert s.coverage == "6 of 10 described models (60.0%) have a parameter count; " \
        "10 child–parent pairs have both parameter counts"


def test_openness_draws_gating_as_its_own_dimension_over_its_own_bases() -> None:
    """custom/restricted with four gating states: 1.7 + 68 + 78 + 1,276 summed to 1,424 in a
    single bar; each state is now its own trace and the licence's rate is over all its bases."""
    cols = ["licenseCategory", "gated", "baseModels", "directDerivatives"]
    by_gating = pd.DataFrame([("custom/restricted", "unknown", 997, 1721),
                              ("custom/restricted", "false", 7, 475),
                              ("custom/restricted", "auto", 1, 78),
                              ("custom/restricted", "manual", 4, 5102),
                              ("permissive", "false", 5, 1805)], columns=cols)
    by_gating["derivativesPerBase"] = by_gating["directDerivatives"] / by_gating["baseModels"]
    by_licence = by_gating.groupby("licenseCategory", as_index=False)[
        ["baseModels", "directDerivatives"]].sum().assign(gated=None)
    by_licence["derivativesPerBase"] = by_licence["directDerivatives"] / by_licence["baseModels"]
    s = openness_section(by_gating, by_licence, COVERAGE)
    assert s.figure is not None
    names = [t.name for t in s.figure.data]
    assert names == ["gated: auto", "gated: false", "gated: manual", "gated: unknown",
                     "all bases of the licence"]
    for t in s.figure.data:
        assert len(set(t.x)) == len(t.x), t.name  # no category repeated inside a trace
    manual = s.figure.data[2]
    assert list(manual.y) == [5102 / 4]
    assert s.figure.layout.yaxis.type == "log"
    assert "custom/restricted 7.31 (7,376 of 1,009 bases)" in s.sentence
    assert "1424" not in s.sentence and "1,424" not in s.sentence
    assert "Gating is stated for only 17 of 1,014 base models (1.7%)" in s.sentence


def test_first_derivative_leaves_children_older_than_their_parent_out() -> None:
    df = pd.DataFrame({"model": ["deepseek-ai/DeepSeek-R1", "b/base", "c/base"],
                       "daysToFirstDerivative": [0, 10, None], "derivatives": [285, 1, 0],
                       "anomalies": [1, 0, 2],
                       "anomalousChildren": [["VANNVISAL/LLM_Model"], [], ["c/x", "c/y"]]})
    s = first_derivative_section(df, COVERAGE)
    assert s.sentence.startswith("Median 5 days from a base model's release to its first "
                                 "derivative, over 2 base models.")
    assert "Left out as anomalies: 3 child–parent pairs (under 2 base models)" in s.sentence
    assert "VANNVISAL/LLM_Model (before deepseek-ai/DeepSeek-R1)" in s.sentence
    assert s.figure is not None and min(s.figure.data[0].x) >= 0
    assert s.coverage == "3 of 8 described derivatives (37.5%) have a creation date"


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    wipe_database(driver, neo4j_server.database)
    init_schema(driver, neo4j_server.database)
    build(driver, neo4j_server.database)
    return driver


def test_time_to_first_derivative_lists_a_child_created_before_its_parent(
        small: neo4j.Driver, database: str) -> None:
    """A re-upload dated before meta/Llama-7B and the only child of carol/scratch-1b, dated
    before it: left out of the interval, counted and listed (in a rolled-back transaction)."""
    q = registry()["time_to_first_derivative"]
    with small.session(database=database) as session, session.begin_transaction() as tx:
        tx.run("MATCH (b:Model {key: 'meta/llama-7b'}), (s:Model {key: 'carol/scratch-1b'}) "
               "CREATE (:Model {key: 'x/reupload', id: 'x/reupload', "
               "createdAt: datetime('2023-01-01')})-[:DERIVED_FROM {relation: 'finetune'}]->(b), "
               "(:Model {key: 'x/early', id: 'x/early', createdAt: datetime('2023-05-01')})"
               "-[:DERIVED_FROM {relation: 'finetune'}]->(s)")
        rows = {r["model"]: r for r in tx.run(q.text, q.bind({"limit": 100})).data()}
        tx.rollback()
    llama = rows["meta/Llama-7B"]
    assert (llama["daysToFirstDerivative"], llama["derivatives"], llama["anomalies"],
            llama["anomalousChildren"]) == (19, 3, 1, ["x/reupload"])
    scratch = rows["carol/scratch-1b"]
    assert (scratch["firstDerivative"], scratch["daysToFirstDerivative"],
            scratch["anomalies"], scratch["anomalousChildren"]) == (None, None, 1, ["x/early"])


class Sections(HTMLParser):
    """Each section's id and text."""

    def __init__(self) -> None:
        super().__init__()
        self.text: dict[str, str] = {}
        self._current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self._current = dict(attrs).get("id")
            self.text[self._current or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self.text[self._current] += data


def test_every_chart_and_headline_states_its_coverage(small: neo4j.Driver, database: str,
                                                       tmp_path: Path) -> None:
    index = build_report(small, tmp_path / "report", database, families=1)
    page = Sections()
    page.feed(index.read_text(encoding="utf-8"))
    exempt = {"graph_stats", "families"}  # counts of everything; sizes of named families
    for key, text in page.text.items():
        if key not in exempt:
            assert re.search(r"Coverage: [\d,]+ of [\d,]+", text), key
    growth = page.text["growth_per_month"]
    assert "12 of 12 described models (100.0%) have a creation date" in growth
