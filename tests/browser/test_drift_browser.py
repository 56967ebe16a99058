"""The licence drift flag on the model page in Chromium: visible in the facts next to the licence,
conflicts in the warning colours and stricter plain, Hub markup shown as text; no console error,
nothing leaves the machine. The screenshot goes to HFLINEAGE_DRIFT_SCREENSHOT if set."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import neo4j
import pytest

from tests.support.browser import Browser
from tests.support.drift import EVIL, EVIL_CHILD, drift_graph
from tests.support.explore_server import explorer, open_tab
from tests.support.server import TestServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def drift(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    return drift_graph(driver, neo4j_server.database)


def test_the_flag_is_visible_next_to_the_licence(browser: Browser, drift: neo4j.Driver,
                                                 database: str, tmp_path: Path) -> None:
    with explorer(drift, database) as base:
        tab = open_tab(browser.context, base)
        page = tab.page
        page.set_viewport_size({"width": 1280, "height": 900})
        assert tab.goto("/model/ivan/llama-ft-apache").status == 200
        row = page.locator("#licence-drift")
        assert row.is_visible()
        # the row right after the gating, below the licence
        heads = page.locator("table.facts th").all_inner_texts()
        assert heads.index("Licence drift") == heads.index("Licence") + 2
        conflicts = page.locator("#licence-drift li.conflict")
        assert conflicts.count() == 2 and conflicts.first.is_visible()
        assert conflicts.first.evaluate("e => getComputedStyle(e).backgroundColor") \
            == "rgb(255, 247, 224)"
        assert "Conflict: looser licence, ungated against meta-llama/Llama-2-7b-hf" \
            in conflicts.nth(1).inner_text()
        page.locator("#facts").screenshot(
            path=os.environ.get("HFLINEAGE_DRIFT_SCREENSHOT") or str(tmp_path / "drift.png"))

        assert tab.goto("/model/gina/apache-nc").status == 200
        stricter = page.locator("#licence-drift li.stricter")
        assert stricter.count() == 1 and stricter.is_visible()
        assert stricter.evaluate("e => getComputedStyle(e).backgroundColor") \
            == "rgba(0, 0, 0, 0)"
        assert page.locator("#licence-drift li.conflict").count() == 0

        assert tab.goto("/model/erin/apache-ft").status == 200
        assert page.locator("#licence-drift").inner_text().startswith(
            "Licence drift\tNo drift against its 1 declared ancestor")

        assert tab.goto("/model/" + quote(EVIL_CHILD)).status == 200
        assert EVIL in page.locator("#licence-drift").inner_text()
        assert tab.problems() == []
