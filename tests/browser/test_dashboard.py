"""The dashboards in Debian's Chromium (issue 16), served for real on 127.0.0.1 over the small
graph: a filter change redraws the charts without reloading, with the counts of the same named
query run directly; a shared URL restores the filters; a load that completes while the page is
open shows the new graph version on the next request.

With HFLINEAGE_SCREENSHOTS=1 the screenshots go to docs/explorer/, else to a tmp dir.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest

from hflineage.analytics.queries import run_query
from hflineage.loader import load_snapshot
from tests.support.browser import chromium
from tests.support.explore import small_graph
from tests.support.explore_server import Tab, explorer, open_tab
from tests.support.paths import ROOT
from tests.support.server import TestServer

SHOTS = ROOT / "docs" / "explorer"
CHART = "fig-derivatives_per_month-chart"
WAIT_MS = 180_000


@pytest.fixture(scope="module")
def base(driver: neo4j.Driver, neo4j_server: TestServer) -> Iterator[str]:
    small_graph(driver, neo4j_server.database)
    with explorer(driver, neo4j_server.database) as url:
        yield url


@pytest.fixture(scope="module")
def context() -> Iterator[Any]:
    with chromium() as browser:
        yield browser.context


@pytest.fixture
def tab(context: Any, base: str) -> Iterator[Tab]:
    t = open_tab(context, base)
    t.page.set_viewport_size({"width": 1280, "height": 800})
    yield t
    t.page.close()
    assert not t.problems(), t.problems()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("HFLINEAGE_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        return SHOTS
    return tmp_path_factory.mktemp("dashboard-shots")


def settled(tab: Tab) -> None:
    """Wait until no section group is pending and the charts are drawn."""
    tab.page.wait_for_function(
        "() => !document.querySelector('#dashboard-groups [data-status=pending]')"
        " && !document.querySelector('#dashboard-groups[aria-busy]')"
        f" && document.getElementById('{CHART}')?.data", timeout=WAIT_MS)


def drawn(tab: Tab) -> dict[str, Counter[str]]:
    """The derivatives-per-month chart as drawn: per trace, its bar heights by month."""
    traces = tab.page.evaluate(f"""() => document.getElementById('{CHART}')._fullData.map(t =>
        [t.name, Array.from(t.x), Array.from(t.y)])""")
    return {name: Counter(dict(zip(x, y, strict=True))) for name, x, y in traces}


def direct(driver: neo4j.Driver, database: str, **params: Any) -> Counter[str]:
    df = run_query(driver, "derivatives_per_month", params, database)
    return Counter({str(k): int(v) for k, v in df.groupby("month")["derivatives"].sum().items()})


def test_a_filter_change_redraws_with_the_named_querys_counts(
        tab: Tab, shots: Path, driver: neo4j.Driver, neo4j_server: TestServer) -> None:
    tab.goto("/dashboard")
    settled(tab)
    tab.page.screenshot(path=str(shots / "dashboard.png"))
    whole = drawn(tab)
    assert len(whole) > 1  # several relations before the filter
    tab.page.evaluate("() => { window.sameDocument = true; }")
    tab.page.select_option("select[name=relation]", "quantized")
    tab.page.wait_for_url("**/dashboard?relation=quantized")
    tab.page.wait_for_function(f"""() => {{
        const c = document.getElementById('{CHART}');
        return c && c.data && c.data.length === 1 && c.data[0].name === 'quantized'; }}""",
                               timeout=WAIT_MS)
    settled(tab)
    assert tab.page.evaluate("() => window.sameDocument") is True  # redrawn, not reloaded
    assert drawn(tab) == {"quantized": direct(driver, neo4j_server.database,
                                              relation="quantized")}
    assert drawn(tab)["quantized"] != whole.get("finetune")
    assert tab.page.locator("#dashboard-filters").text_content() == "relation quantized"
    tab.page.locator("#derivatives_per_month").scroll_into_view_if_needed()
    tab.page.screenshot(path=str(shots / "dashboard-filtered.png"))
    tab.page.go_back()  # the previous filter state, from the history
    tab.page.wait_for_function(f"() => document.getElementById('{CHART}')?.data?.length > 1",
                               timeout=WAIT_MS)
    assert tab.page.input_value("select[name=relation]") == ""


def test_a_shared_url_restores_the_filters(tab: Tab, driver: neo4j.Driver,
                                           neo4j_server: TestServer) -> None:
    tab.goto("/dashboard?relation=finetune&license=permissive&since=2023-03")
    settled(tab)
    assert tab.page.input_value("select[name=relation]") == "finetune"
    assert tab.page.input_value("select[name=license]") == "permissive"
    assert tab.page.input_value("input[name=since]") == "2023-03"
    expected = direct(driver, neo4j_server.database, relation="finetune",
                      licenseCategory="permissive", since="2023-03")
    assert drawn(tab) == ({"finetune": expected} if expected else {})
    links = tab.page.locator("nav.dashboards a").evaluate_all("as => as.map(a => a.href)")
    assert all("relation=finetune&license=permissive&since=2023-03" in u for u in links)


@pytest.mark.parametrize("page", ["engagement", "openness"])
def test_the_other_dashboards_draw(tab: Tab, shots: Path, page: str) -> None:
    tab.goto(f"/dashboard/{page}")
    tab.page.wait_for_function(
        "() => !document.querySelector('#dashboard-groups [data-status=pending]')"
        " && document.querySelector('.js-plotly-plot')", timeout=WAIT_MS)
    tab.page.screenshot(path=str(shots / f"dashboard-{page}.png"), full_page=True)
    assert tab.page.locator("section.panel .coverage").count() >= 1


def test_a_load_completed_while_open_shows_on_the_next_request(
        tab: Tab, tmp_path: Path, driver: neo4j.Driver, neo4j_server: TestServer) -> None:
    tab.goto("/dashboard/engagement")
    tab.page.wait_for_function(
        "() => !document.querySelector('#dashboard-groups [data-status=pending]')",
        timeout=WAIT_MS)
    before = tab.page.locator("#dashboard-version").text_content()
    assert before is not None and "load run run-1" in before
    snapshot = tmp_path / "models.jsonl"
    snapshot.write_text(json.dumps({"id": "zed/brand-new", "author": "zed",
                                    "createdAt": "2024-05-01T00:00:00.000Z"}) + "\n")
    summary = load_snapshot(driver, snapshot, database=neo4j_server.database)
    tab.page.reload()
    tab.page.wait_for_function(
        "() => !document.querySelector('#dashboard-groups [data-status=pending]')",
        timeout=WAIT_MS)
    after = tab.page.locator("#dashboard-version").text_content()
    assert after is not None and f"load run {summary.run_id} (complete" in after, after
    months = tab.page.evaluate("""() => {
        const c = document.getElementById('fig-new_contributors_per_month-chart');
        return c._fullData.map(t => [t.name, Array.from(t.x), Array.from(t.y)]); }""")
    orgs = dict(zip(months[1][1], months[1][2], strict=True))
    assert months[1][0] == "new organizations" and orgs.get("2024-05") == 1  # zed's first model
