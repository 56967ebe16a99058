"""Predicted edges (hflineage infer) in Chromium: vis-network draws them dashed, the legend
names them, and the explorer's "include predicted parents" toggle round-trips through the URL;
no console error, nothing leaves the machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import neo4j
import pytest

from hflineage.viz import lineage_graph
from tests.graph.analytics.test_include_likely import predict
from tests.support.browser import Browser
from tests.support.explore import small_graph
from tests.support.explore_server import explorer, open_tab
from tests.support.server import TestServer

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
#: What vis-network applied to every edge: (from, to, dashes, likely) as the canvas draws them.
EDGES = ("() => Object.values(network.body.edges).map(e => [e.fromId, e.toId, "
         "e.options.dashes, !!edges.get(e.id).likely, e.options.label || null])")


@pytest.fixture(scope="module")
def likely(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    small_graph(driver, neo4j_server.database)
    predict(driver, neo4j_server.database)
    return driver


def _drawn_edges(page: Any) -> dict[tuple[str, str], tuple[Any, bool, Any]]:
    return {(f, t): (d, lk, label) for f, t, d, lk, label in page.evaluate(EDGES)}


def test_viz_page_draws_predictions_dashed(browser: Browser, likely: neo4j.Driver,
                                           database: str, tmp_path: Path) -> None:
    net = lineage_graph(likely, "bob/mistral-merge", database=database, up=None,
                        include_likely=True)
    path = net.save(tmp_path / "likely.html")
    page = browser.context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-drawn='1']", state="attached", timeout=60_000)
    drawn = _drawn_edges(page)
    assert drawn[("mistralai/mistral-7b", "meta/llama-7b")] == ([10, 6], True, "0.70")
    declared = {k: v for k, v in drawn.items() if not v[1]}
    assert declared == {("bob/mistral-merge", "alice/mistral-ft"): ([12, 4, 2, 4], False, None),
                        ("bob/mistral-merge", "mistralai/mistral-7b"): ([12, 4, 2, 4], False, None),
                        ("alice/mistral-ft", "mistralai/mistral-7b"): (False, False, None)}
    legend = page.locator("aside.hfl-legend").inner_text()
    assert "predicted (hflineage infer) (1)" in legend
    header = page.locator("header").inner_text()
    assert "1 predicted edge (hflineage infer), confidence 0.70" in header
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "likely-viz.png"), full_page=True)
    page.close()
    assert errors == []


def test_explorer_toggle_round_trips(browser: Browser, likely: neo4j.Driver,
                                     database: str) -> None:
    with explorer(likely, database) as base:
        tab = open_tab(browser.context, base)
        tab.page.set_viewport_size({"width": 1280, "height": 900})
        tab.goto("/model/carol/scratch-1b")
        assert tab.page.locator("section#predicted table.predicted tbody tr").count() == 2
        box = tab.page.locator("section#lineage input[name=likely]")
        assert not box.is_checked()
        tab.page.wait_for_selector("body[data-drawn='1']", state="attached", timeout=60_000)
        assert _drawn_edges(tab.page) == {}
        box.check()
        with tab.page.expect_navigation():
            tab.page.locator("section#lineage form.graph-form button[type=submit]").click()
        assert parse_qs(urlsplit(tab.page.url).query)["likely"] == ["1"]
        tab.page.wait_for_selector("body[data-drawn='1']", state="attached", timeout=60_000)
        assert tab.page.locator("section#lineage input[name=likely]").is_checked()
        drawn = _drawn_edges(tab.page)
        assert drawn[("carol/scratch-1b", "meta/llama-7b")] == ([10, 6], True, "0.91")
        assert all(v[0] == [10, 6] for v in drawn.values() if v[1])
        assert "predicted (hflineage infer)" in tab.page.locator("aside.hfl-legend").inner_text()
        tab.page.locator("section#lineage").screenshot(
            path=str(ARTIFACTS / "likely-explorer.png"))
        tab.page.locator("section#predicted").screenshot(
            path=str(ARTIFACTS / "likely-explorer-section.png"))
        tab.goto("/family/meta/Llama-7B?likely=1")
        tab.page.wait_for_selector("body[data-drawn='1']", state="attached", timeout=60_000)
        assert "4 predicted edges drawn dashed" in tab.page.locator("#predicted-note").inner_text()
        assert sum(1 for v in _drawn_edges(tab.page).values() if v[1] and v[0] == [10, 6]) == 4
        tab.page.locator("section#lineage").screenshot(
            path=str(ARTIFACTS / "likely-explorer-family.png"))
        tab.page.close()
        assert tab.problems() == []
