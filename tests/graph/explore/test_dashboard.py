"""The dashboards, ``/dashboard[/engagement|/openness]`` and ``/api/dashboard``, against the small
hand-made graph: the report's own sections, progress while cold, filtered charts checked against
the named query run directly and against the fixture's JSON, the URL holding the filters,
one-line errors, and a new graph version never served stale."""

from __future__ import annotations

import base64
import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import neo4j
import numpy as np
import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from hflineage.analytics.dashboard import PAGES
from hflineage.analytics.queries import run_query
from hflineage.analytics.report import collect
from hflineage.db.version import bump_epoch
from hflineage.explore.app import create_app
from tests.fixtures.analytics.graph import HERE
from tests.support.explore import LOCAL, small_graph
from tests.support.server import TestServer

DATA: dict[str, list[dict[str, Any]]] = json.loads((HERE / "small_graph.json").read_text())


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    return small_graph(driver, neo4j_server.database)


@pytest.fixture(scope="module")
def client(small: neo4j.Driver, neo4j_server: TestServer) -> Iterator[TestClient]:
    """One app for the module, so its cache serves the later tests what the first computed."""
    with TestClient(create_app(small, neo4j_server.database, timeout=30), base_url=LOCAL) as c:
        yield c


def complete(client: TestClient, page: str = "", query: str = "") -> dict[str, Any]:
    """The API's answer once no section group of the page is pending."""
    url = "/api/dashboard" + (f"/{page}" if page else "") + (f"?{query}" if query else "")
    deadline = time.monotonic() + 180
    while True:
        r = client.get(url)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        if not body["pending"] or time.monotonic() > deadline:
            assert not body["pending"], "sections still pending after 180 s"
            return body


def figure(page: str, key: str) -> dict[str, Any]:
    found = re.search(rf'<script type="application/json" class="plotly-figure" '
                      rf'id="fig-{key}">(.*?)</script>', page, re.S)
    assert found, f"no chart for {key}"
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def values(v: Any) -> list[Any]:
    """A trace's array as a list (plotly writes numeric arrays as base64 typed arrays)."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


def bars(fig: dict[str, Any]) -> dict[str, Counter[str]]:
    """Per trace name, its y value by x."""
    out: dict[str, Counter[str]] = {}
    for t in fig["data"]:
        out[t["name"]] = Counter(dict(zip(values(t["x"]), values(t["y"]), strict=True)))
    return out


def test_a_cold_page_answers_at_once_with_progress(small: neo4j.Driver,
                                                   neo4j_server: TestServer) -> None:
    app = create_app(small, neo4j_server.database, timeout=30, dashboard_wait=0)
    with TestClient(app, base_url=LOCAL) as c:
        r = c.get("/dashboard/openness")
        assert r.status_code == 200
        assert r.headers["X-HFLineage-Pending"] == str(len(PAGES["openness"][2])) == "2"
        assert 'data-status="pending"' in r.text and "Computing over the whole graph" in r.text
        assert '<meta http-equiv="refresh"' in r.text  # inside <noscript>: pages without JS
        complete(c, "openness")
        r = c.get("/dashboard/openness")
        assert r.headers["X-HFLineage-Pending"] == "0" and 'data-status="pending"' not in r.text
        assert 'id="openness_spectrum"' in r.text


def test_the_dashboard_shows_every_report_section_as_the_report_words_it(
        client: TestClient, small: neo4j.Driver, neo4j_server: TestServer) -> None:
    complete(client)
    page = client.get("/dashboard").text
    report = collect(small, neo4j_server.database)
    assert len(report) >= 15
    for s in report:
        assert f'<section class="panel" id="{s.key}">' in page, s.key
        assert str(escape(s.sentence)) in page, s.key
        if s.coverage:
            assert str(escape(f"Coverage: {s.coverage}.")) in page, s.key
    assert 'Graph version: <span id="dashboard-version">load run run-1 (complete' in page


def finetune_months() -> Counter[str]:
    """From the fixture: dated, live derivatives with a finetune edge to a parent, by month."""
    models = {m["id"]: m for m in DATA["models"]}
    children = {d["child"] for d in DATA["derived"] if d["relation"] == "finetune"}
    return Counter(models[c]["createdAt"][:7] for c in children
                   if models[c].get("createdAt") and not models[c].get("deleted"))


def test_a_relation_filter_redraws_with_the_named_querys_counts(
        client: TestClient, small: neo4j.Driver, neo4j_server: TestServer) -> None:
    complete(client, query="relation=finetune")
    body = complete(client)  # the unfiltered view too, to compare
    assert body["filters"] == "none (the whole graph)"
    whole = figure(client.get("/dashboard").text, "derivatives_per_month")
    filtered = client.get("/dashboard?relation=finetune").text
    fig = figure(filtered, "derivatives_per_month")
    direct = run_query(small, "derivatives_per_month", {"relation": "finetune"},
                       neo4j_server.database)
    assert bars(fig) == {"finetune": Counter(direct.groupby("month")["derivatives"].sum()
                                             .to_dict())}
    assert bars(fig)["finetune"] == finetune_months()
    assert set(bars(whole)) > {"finetune"}  # the unfiltered chart has the other relations
    assert "Filters: <span id=\"dashboard-filters\">relation finetune</span>" in filtered
    assert '<option value="finetune" selected>' in filtered  # the URL restores the form


def test_a_filter_no_query_of_a_section_takes_is_stated(client: TestClient) -> None:
    complete(client, query="leaderboard=v2")
    page = client.get("/dashboard?leaderboard=v2").text
    stats = page[page.index('id="graph_stats"'):]
    assert "Not filtered by leaderboard: no query of this section takes it" in stats
    scores = re.findall(r'<section class="panel" id="(\w+_v\d)">', page)
    assert scores and all(k.endswith("_v2") for k in scores)  # only the chosen board


@pytest.mark.parametrize(("query", "message"), [
    ("relation=finetuned", "relation must be one of finetune, adapter"),
    ("since=2024-13", "since must be a month as YYYY-MM"),
    ("architecture=LlamaForCausalLm",
     "no architecture 'LlamaForCausalLm' in the graph (names are exact); did you mean "
     "LlamaForCausalLM"),
    ("licence=permissive", "no dashboard filter 'licence'"),
])
def test_bad_filters_answer_400_in_one_line(client: TestClient, query: str,
                                            message: str) -> None:
    r = client.get(f"/dashboard?{query}")
    assert r.status_code == 400
    assert str(escape(message)) in r.text
    api = client.get(f"/api/dashboard?{query}")
    assert api.status_code == 400 and message in api.json()["error"]
    assert "\n" not in api.json()["error"] and "Traceback" not in r.text


def test_an_unknown_dashboard_is_a_404(client: TestClient) -> None:
    r = client.get("/dashboard/nope")
    assert r.status_code == 404 and "no dashboard &#39;nope&#39;" in r.text
    assert client.get("/api/dashboard/nope").status_code == 404


@pytest.mark.parametrize("page", ["engagement", "openness"])
def test_each_dashboard_shows_its_own_groups(client: TestClient, page: str) -> None:
    body = complete(client, page)
    assert [s["key"] for s in body["sections"]] == list(PAGES[page][2])
    assert all(s["status"] == "ready" for s in body["sections"])


@pytest.fixture
def new_model(small: neo4j.Driver, neo4j_server: TestServer) -> Iterator[str]:
    model = "zed/brand-new"
    yield model
    small.execute_query("MATCH (m:Model {id: $id}) DETACH DELETE m", {"id": model},
                        database_=neo4j_server.database)
    bump_epoch(small, neo4j_server.database)


def test_a_new_graph_version_is_never_served_stale(client: TestClient, small: neo4j.Driver,
                                                   neo4j_server: TestServer,
                                                   new_model: str) -> None:
    before = complete(client)
    total = figure(client.get("/dashboard").text, "growth_per_month")
    small.execute_query("CREATE (:Model {id: $id, key: $id, createdAt: datetime('2024-05-01')})",
                        {"id": new_model}, database_=neo4j_server.database)
    bump_epoch(small, neo4j_server.database)
    after = complete(client)
    assert after["version"] != before["version"]
    grown = figure(client.get("/dashboard").text, "growth_per_month")
    old, new = bars(total)["models (total)"], bars(grown)["models (total)"]
    assert max(new.values()) == max(old.values()) + 1
