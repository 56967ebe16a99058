"""The explorer in Debian's Chromium (issue 15): served for real on 127.0.0.1 over the small graph
plus hostile Hub strings; type-ahead search by keyboard, a walk from model to child to
organization (and family), a query form and its CSV, the console refusing a write. Every page
stays on the machine, raises no error and shows Hub markup as text.

With HFLINEAGE_SCREENSHOTS=1 the screenshots (1280x800) go to docs/explorer/, else to a tmp dir.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit
from urllib.request import urlopen

import neo4j
import pytest
from playwright.sync_api import Error as PlaywrightError

from hflineage.analytics.search import await_search_index
from tests.fixtures.analytics.graph import HERE
from tests.support.browser import chromium
from tests.support.explore import small_graph
from tests.support.explore_server import Tab, explorer, open_tab
from tests.support.paths import ROOT
from tests.support.server import TestServer

#: The report tests' hostile model id, the search tests' and the model tests' markup.
EVIL = "evil/<img src=x onerror=alert(1)></script>"
ZEPHYRINE = 'evil/<b onmouseover="x">zephyrine</b>'
MARKUP = "<script>alert(1)</script>"
EVIL_ORG = "<img src=x onerror=alert(3)>"
EVIL_HAND = "<svg onload=alert(5)>"
ZEPHYR = "HuggingFaceH4/zephyr-7b-beta"
EXTRA: dict[str, list[dict[str, Any]]] = {
    "organizations": [{"name": "HuggingFaceH4", "kind": "org"},
                      {"name": EVIL_ORG, "kind": "user"}],
    "models": [
        {"id": ZEPHYR, "org": "HuggingFaceH4", "architecture": "MistralForCausalLM",
         "parameters": 7_240_000_000, "createdAt": "2023-10-26", "downloads": 900},
        {"id": EVIL, "org": EVIL_ORG, "architecture": MARKUP, "parameters": 10**9,
         "createdAt": "2023-07-01", "downloads": 1, "likes": 1},
        {"id": ZEPHYRINE, "createdAt": "2024-01-01"},
    ],
    "derived": [{"child": ZEPHYR, "parent": "mistralai/Mistral-7B", "relation": "finetune"},
                {"child": EVIL, "parent": "meta/Llama-7B", "relation": "finetune"}],
    "datasets": [{"model": EVIL, "dataset": "<script>alert(2)</script>"}],
    "contributors": [{"name": EVIL_HAND, "kind": "hub"}],
    "commits": [{"contributor": "hub:" + EVIL_HAND, "model": EVIL, "commits": 2,
                 "first": "2023-07-01", "last": "2023-07-02"}],
}
DATA: dict[str, list[dict[str, Any]]] = json.loads((HERE / "small_graph.json").read_text())
MODELS = DATA["models"] + EXTRA["models"]
DERIVED = DATA["derived"] + EXTRA["derived"]
#: The 400 the console answers a write with: Chromium logs every 4xx page load.
REFUSED = "status of 400"
SHOTS = ROOT / "docs" / "explorer"


def family_edges(root: str) -> set[tuple[str, str, str]]:
    """(child, parent, relation) between the root and its descendants that are not deleted,
    from the fixture's own rows."""
    ids = {m["id"].lower(): m["id"] for m in MODELS}
    deleted = {m["id"].lower() for m in MODELS if m.get("deleted")}
    members, grown = {root.lower()}, True
    while grown:
        found = {d["child"].lower() for d in DERIVED if d["parent"].lower() in members}
        grown = bool(found - deleted - members)
        members |= found - deleted
    return {(ids[d["child"].lower()], ids[d["parent"].lower()], d["relation"]) for d in DERIVED
            if d["child"].lower() in members and d["parent"].lower() in members}


@pytest.fixture(scope="module")
def base(driver: neo4j.Driver, neo4j_server: TestServer) -> Iterator[str]:
    """The explorer's URL, over the small graph plus the hostile rows."""
    small_graph(driver, neo4j_server.database, EXTRA)
    await_search_index(driver, neo4j_server.database)
    with explorer(driver, neo4j_server.database) as url:
        yield url


@pytest.fixture(scope="module")
def context() -> Iterator[Any]:
    with chromium() as browser:
        yield browser.context


@pytest.fixture
def tab(context: Any, base: str) -> Iterator[Tab]:
    """A fresh 1280x800 tab; after the test, no page it opened left the machine, opened a
    dialog or logged an error the test did not provoke."""
    t = open_tab(context, base)
    t.page.set_viewport_size({"width": 1280, "height": 800})
    yield t
    t.page.close()
    pages = [u for u in t.visited if u != "about:blank"]
    assert pages and all(urlsplit(u).hostname == "127.0.0.1" for u in pages), t.visited
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in t.requests), t.requests


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("HFLINEAGE_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        return SHOTS
    return tmp_path_factory.mktemp("explorer-shots")


def shoot(tab: Tab, shots: Path, name: str) -> None:
    tab.page.screenshot(path=str(shots / f"{name}.png"))


def text(tab: Tab, selector: str) -> str:
    return str(tab.page.locator(selector).first.text_content()).strip()


def options(tab: Tab) -> list[str]:
    return [str(t).strip() for t in
            tab.page.locator("#suggestions [role=option] a").evaluate_all(
                "els => els.map(e => e.firstChild.textContent)")]


def test_typeahead_suggests_and_the_keyboard_opens_a_model(tab: Tab, shots: Path) -> None:
    tab.goto("/")
    box = tab.page.locator("#q")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    box.press_sequentially("zeph", delay=30)
    tab.page.wait_for_selector("#suggestions:not([hidden]) [role=option]")
    found = options(tab)
    assert ZEPHYR in found and ZEPHYRINE in found, found  # the hostile id, as text
    searches = [u for u in tab.requests if "/api/search" in u]
    assert len(searches) <= 2, searches  # debounced: not one request per key
    assert unquote(searches[-1]).endswith("q=zeph")
    assert box.get_attribute("aria-expanded") == "true"
    assert tab.page.locator("#suggestions").get_attribute("role") == "listbox"
    assert tab.page.locator("#suggestions img, #suggestions b, #suggestions script").count() == 0

    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert tab.page.locator("#suggestions").is_hidden()
    for _ in range(found.index(ZEPHYR) + 1):
        box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and text(tab, f"#{active} a").startswith(ZEPHYR)
    assert tab.page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    shoot(tab, shots, "search-typeahead")
    with tab.page.expect_navigation():
        box.press("Enter")
    assert urlsplit(tab.page.url).path == "/model/" + ZEPHYR
    assert text(tab, "h1") == ZEPHYR
    assert not tab.problems()


def test_a_stale_request_is_aborted_and_its_answer_never_shown(tab: Tab) -> None:
    """The answer for "llama" is held back; typing on aborts it and only "zeph"'s hits show."""
    held: list[Any] = []
    failed: list[str] = []

    def hold(route: Any) -> None:
        if "q=llama" in route.request.url:
            held.append(route)
        else:
            route.continue_()

    tab.page.route("**/api/search?*", hold)
    tab.page.on("requestfailed", lambda r: failed.append(r.url))
    tab.goto("/")
    box = tab.page.locator("#q")
    with tab.page.expect_request(lambda r: "q=llama" in r.url):
        box.fill("llama")
    with tab.page.expect_request(lambda r: "q=zeph" in r.url):
        box.fill("zeph")
    tab.page.wait_for_selector("#suggestions:not([hidden]) [role=option]")
    with contextlib.suppress(PlaywrightError):  # the page gave up on it already
        held[0].continue_()
    assert any("q=llama" in u for u in failed), failed
    tab.page.wait_for_timeout(300)
    assert set(options(tab)) == {ZEPHYR, ZEPHYRINE}
    assert not tab.problems()


def test_the_form_works_without_the_script(tab: Tab) -> None:
    """With search.js answered empty, Enter submits the form and the server lists the hits."""
    tab.page.route("**/static/search.js", lambda r: r.fulfill(
        status=200, content_type="text/javascript", body=""))
    tab.goto("/")
    tab.page.locator("#q").fill("zephyr")
    with tab.page.expect_navigation():
        tab.page.locator("#q").press("Enter")
    assert urlsplit(tab.page.url).query == "q=zephyr"
    links = tab.page.locator("ul.search-results a")
    assert ZEPHYR in links.all_text_contents()
    assert links.filter(has_text=ZEPHYR).get_attribute("href") == "/model/" + ZEPHYR
    assert tab.page.locator("#suggestions").is_hidden()
    assert not tab.problems()


def test_model_to_child_to_organization_to_family(tab: Tab, base: str, shots: Path) -> None:
    tab.goto("/model/meta/Llama-7B")
    assert text(tab, "h1") == "meta/Llama-7B"
    children = tab.page.locator("#children a").all_text_contents()
    expected = {d["child"] for d in DERIVED if d["parent"] == "meta/Llama-7B"}
    assert set(children) == expected, children
    shoot(tab, shots, "model")
    with tab.page.expect_navigation():
        tab.page.locator("#children a", has_text="alice/llama-ft").first.click()
    assert urlsplit(tab.page.url).path == "/model/alice/llama-ft"
    assert text(tab, "h1") == "alice/llama-ft"
    with tab.page.expect_navigation():
        tab.page.locator("#facts a[href^='/org/']").click()
    assert urlsplit(tab.page.url).path == "/org/alice"
    assert text(tab, "h1") == "alice"
    mine = {m["id"] for m in MODELS if m.get("org") == "alice"}
    assert set(tab.page.locator("#models tbody tr td:first-child a").all_text_contents()) == mine
    shoot(tab, shots, "org")
    assert not tab.problems()

    tab.page.go_back()
    with tab.page.expect_navigation():
        tab.page.locator("a.family[href^='/family/']").click()
    assert tab.page.url.startswith(base + "/family/")
    assert "meta/Llama-7B" in str(tab.page.locator("main").text_content())
    assert not tab.problems()


def normal(value: Any) -> str:
    """A JSON value as the CSV writes it: lists as JSON, missing as empty."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def test_a_query_form_shows_its_rows_and_its_csv_equals_the_api(tab: Tab, base: str,
                                                              shots: Path) -> None:
    tab.goto("/queries/family_edges")
    tab.page.locator("input[name=model]").fill("meta/Llama-7B")
    tab.page.locator("input[name=maxDepth]").fill("5")
    with tab.page.expect_navigation():
        tab.page.locator("form.query-form button[type=submit]").click()
    query = dict(part.split("=", 1) for part in urlsplit(tab.page.url).query.split("&"))
    # includeLikely's select is left on its default (empty: declared edges only)
    assert {k: unquote(v) for k, v in query.items()} == {"model": "meta/Llama-7B", "maxDepth": "5",
                                                         "includeLikely": ""}
    expected = family_edges("meta/Llama-7B")
    assert EVIL in {child for child, _, _ in expected}
    rows = tab.page.locator("table.results tbody tr")
    cells = [r.locator("td").all_text_contents() for r in rows.all()]
    assert {(c[0], c[1], c[2]) for c in cells} == expected and len(cells) == len(expected)
    assert tab.page.locator("table.results img").count() == 0
    shoot(tab, shots, "query")

    with tab.page.expect_download() as download:
        tab.page.locator("a", has_text="CSV").click()
    with open(download.value.path(), encoding="utf-8", newline="") as f:
        downloaded = list(csv.DictReader(f))
    api = base + "/api/query/family_edges?" + urlencode(
        {"model": "meta/Llama-7B", "maxDepth": "5", "format": "json"})
    with urlopen(api) as r:
        records = json.load(r)
    assert downloaded == [{k: normal(v) for k, v in rec.items()} for rec in records]
    assert {(r["child"], r["parent"], r["relation"]) for r in downloaded} == expected
    assert not tab.problems()


def count_nodes(driver: neo4j.Driver, database: str) -> int:
    records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=database)
    return int(records[0]["n"])


def run_in_console(tab: Tab, cypher: str) -> None:
    tab.goto("/cypher")
    tab.page.locator("textarea[name=query]").fill(cypher)
    with tab.page.expect_navigation():
        tab.page.locator("form.console-form button[type=submit]").click()


def test_the_console_page_offers_a_form(tab: Tab, shots: Path) -> None:
    tab.goto("/cypher")
    assert text(tab, "h1") == "Cypher console"
    tab.page.locator("textarea[name=query]").fill(
        "MATCH (o:Organization)-[:PUBLISHED]->(m:Model)\nRETURN o.name AS organization, "
        "count(m) AS models\nORDER BY models DESC LIMIT 10")
    tab.page.locator("textarea[name=params]").fill("{}")
    assert tab.page.locator("form.console-form button[type=submit]").is_enabled()
    shoot(tab, shots, "console")
    assert not tab.problems()


def test_the_console_refuses_a_write_and_the_graph_is_unchanged(
        tab: Tab, driver: neo4j.Driver, database: str) -> None:
    before = count_nodes(driver, database)
    run_in_console(tab, "CREATE (n:X {name: 'console'}) RETURN n")
    error = text(tab, ".error[role=alert]")
    assert "writes to the graph" in error and "nothing was changed" in error, error
    assert tab.page.locator("table.results").count() == 0
    assert text(tab, "textarea[name=query]").startswith("CREATE (n:X")
    assert count_nodes(driver, database) == before
    records, _, _ = driver.execute_query("MATCH (n:X) RETURN count(n) AS n", database_=database)
    assert records[0]["n"] == 0
    assert not tab.problems(expected=(REFUSED,))
    assert any(REFUSED in e for e in tab.errors)  # the 400 did reach the browser


def test_the_console_shows_a_read_as_a_table(tab: Tab) -> None:
    run_in_console(tab, "MATCH (o:Organization)-[:PUBLISHED]->(m:Model)\n"
                        "RETURN o.name AS organization, count(m) AS models, "
                        "sum(m.downloads) AS downloads\nORDER BY models DESC, organization")
    published: dict[str, int] = {}
    for m in MODELS:
        if m.get("org"):
            published[m["org"]] = published.get(m["org"], 0) + 1
    rows = [r.locator("td").all_text_contents()
            for r in tab.page.locator("table.results tbody tr").all()]
    assert {r[0]: int(r[1]) for r in rows} == published
    assert EVIL_ORG in {r[0] for r in rows}
    assert tab.page.locator("main img").count() == 0
    assert not tab.problems()


#: Elements the hostile strings would make if a page parsed them as markup.
INJECTED = ("img[src=x]", "[onerror]", "[onmouseover]", "[onload]",
            "script:not([src]):not([type='application/json'])")


def injected(tab: Tab) -> dict[str, int]:
    """Elements Hub markup would have made, counted in the page."""
    return {s: tab.page.locator(s).count() for s in INJECTED}


@pytest.mark.parametrize(("path", "shown"), [
    ("/model/" + quote(EVIL, safe="/"), EVIL),
    ("/org/" + quote(EVIL_ORG, safe=""), EVIL_ORG),
    ("/architecture/" + quote(MARKUP, safe=""), MARKUP),
    ("/contributor/hub/" + quote(EVIL_HAND, safe=""), EVIL_HAND),
    ("/model/" + quote(ZEPHYRINE, safe="/"), ZEPHYRINE),
    ("/?" + urlencode({"q": "zephyrine"}), ZEPHYRINE),
])
def test_hub_markup_is_inert_text(tab: Tab, path: str, shown: str) -> None:
    response = tab.goto(path)
    assert response is not None and response.status == 200
    assert shown in str(tab.page.locator("main").text_content())
    made = injected(tab)
    assert made == dict.fromkeys(made, 0)
    if path.startswith("/model/"):
        assert text(tab, "h1") == shown
    assert not tab.problems()


def test_typed_markup_finds_hostile_names_as_text(tab: Tab) -> None:
    tab.goto("/")
    tab.page.locator("#q").press_sequentially("<img onerror", delay=5)
    tab.page.wait_for_selector("#suggestions:not([hidden]) [role=option]")
    assert set(options(tab)) == {EVIL, EVIL_ORG}
    assert tab.page.locator("#suggestions img, #suggestions script").count() == 0
    tab.page.locator("#q").fill("<img src=x onerror=alert(9)>")
    tab.page.wait_for_selector("#suggestions[hidden]", state="attached")
    assert text(tab, "#suggest-status") == (
        "Nothing matches \u201c<img src=x onerror=alert(9)>\u201d.")
    assert tab.page.locator("main img").count() == 0
    assert not tab.problems()


@pytest.mark.parametrize("path", ["/", "/?q=llama", "/queries", "/queries/top_architectures",
                                  "/model/bob/mistral-merge", "/org/mistralai", "/cypher",
                                  "/model/google/gemma-7b", "/org/" + quote(EVIL_ORG, safe=""),
                                  "/family/meta/Llama-7B", "/architecture/LlamaForCausalLM",
                                  "/contributor/hub/alice", "/contributor/hub/sfconvertbot"])
def test_every_page_stays_on_the_machine_without_errors(tab: Tab, path: str) -> None:
    response = tab.goto(path)
    assert response is not None and response.status == 200
    sheets = tab.page.locator("link[rel=stylesheet]").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))")
    assert "/static/explore.css" in sheets and all(h.startswith("/static/") for h in sheets)
    scripts = tab.page.locator("script").evaluate_all("els => els.map(e => [e.src, e.type])")
    assert all(src.startswith(tab.base + "/static/") or kind == "application/json"
               for src, kind in scripts), scripts  # nothing inline runs
    scripts = [src for src, _ in scripts]
    assert (tab.base + "/static/search.js" in scripts) == (urlsplit(path).path == "/")
    assert not tab.problems()


def test_the_typeahead_script_never_writes_markup(base: str) -> None:
    """search.js puts text in the page with textContent only, and is served as JavaScript."""
    with urlopen(base + "/static/search.js") as r:
        assert r.headers["Content-Type"].split(";")[0] == "text/javascript"
        code = r.read().decode()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function"):
        assert sink not in code, sink
    assert "textContent" in code


def node_position(tab: Tab, key: str) -> dict[str, float]:
    """Where a drawn node is in the viewport (the graph scrolled into view)."""
    tab.page.locator("#graph").scroll_into_view_if_needed()
    box: dict[str, float] = tab.page.evaluate(
        "(id) => { const p = network.canvasToDOM(network.getPositions([id])[id]);"
        " const r = document.getElementById('graph').getBoundingClientRect();"
        " return {x: r.left + p.x, y: r.top + p.y}; }", key)
    return box


def test_the_lineage_graph_draws_toggles_and_opens_a_model(tab: Tab) -> None:
    tab.goto("/model/alice/llama-ft")
    tab.page.wait_for_selector("body[data-drawn='1']", state="attached")
    data = json.loads(str(tab.page.locator("#lineage-data").text_content()))
    drawn = tab.page.evaluate("() => [nodes.length, edges.length]")
    assert drawn == [len(data["nodes"]), len(data["edges"])]
    # The parent, the model and its children in the fixture (deleted ones aside).
    expected = ({"meta/llama-7b", "alice/llama-ft"}
                | {d["child"].lower() for d in DERIVED if d["parent"] == "alice/llama-ft"})
    assert set(tab.page.evaluate("() => nodes.getIds()")) == expected
    tab.page.locator("input.rel[value='quantized']").uncheck()
    hidden = tab.page.evaluate("() => edges.get({filter: e => e.hidden}).map(e => e.relation)")
    quantized = [d for d in DERIVED if d["parent"] == "alice/llama-ft"
                 and d["relation"] == "quantized"]
    assert hidden == ["quantized"] * len(quantized) and hidden
    where = node_position(tab, "bob/llama-ft-ft")
    with tab.page.expect_navigation():
        tab.page.mouse.dblclick(where["x"], where["y"])
    assert urlsplit(tab.page.url).path == "/model/bob/llama-ft-ft"
    assert not tab.problems()


#: Where the last table of the family page is, before any chart or graph is drawn.
TABLE_TOP = ("() => { const t = [...document.querySelectorAll('main table')].pop();"
             " return t.getBoundingClientRect().top + window.scrollY; }")


def test_family_page_draws_its_graph_and_charts_within_the_csp(tab: Tab, shots: Path) -> None:
    tab.page.add_init_script("document.addEventListener('DOMContentLoaded', () => {"
                             f" window.__tableTop = ({TABLE_TOP})(); }});")
    tab.goto("/family/meta/Llama-7B")
    tab.page.wait_for_selector("body[data-drawn='1']", state="attached")
    blocks = tab.page.locator("script.plotly-figure").count()
    tab.page.wait_for_selector(".plotly-chart .main-svg")
    before = tab.page.evaluate("() => window.__tableTop")
    assert before is not None and tab.page.evaluate(TABLE_TOP) == before  # no layout jump
    assert blocks and tab.page.locator(".plotly-chart .main-svg").count() >= blocks
    assert tab.page.locator("style").count() == 0  # plotly.js inserted no inline style
    shoot(tab, shots, "family")
    assert not tab.problems()  # CSP refusals are console errors


def test_result_tables_sort_by_value_and_page(tab: Tab) -> None:
    run_in_console(tab, "UNWIND range(1, 120) AS n RETURN n, 'x' + toString(n) AS label")
    assert text(tab, ".pager-status") == "Rows 1\u201350 of 120"
    visible = "() => [...document.querySelectorAll('table.sortable tbody tr')]" \
              ".filter(r => !r.hidden).map(r => r.cells[0].textContent)"
    assert tab.page.evaluate(visible) == [str(n) for n in range(1, 51)]
    tab.page.get_by_role("button", name="Next \u2192").click()
    assert text(tab, ".pager-status") == "Rows 51\u2013100 of 120"
    tab.page.locator("th button.sort", has_text="n").first.click()  # ascending
    tab.page.locator("th button.sort", has_text="n").first.click()  # descending, by number
    assert tab.page.evaluate(visible)[:3] == ["120", "119", "118"]
    assert tab.page.locator("th[aria-sort='descending']").count() == 1
    assert text(tab, ".pager-status") == "Rows 1\u201350 of 120"
    tab.page.locator("th button.sort", has_text="label").click()  # text: x1, x10, x100, ...
    assert tab.page.evaluate(visible)[:3] == ["1", "10", "100"]
    assert not tab.problems()
