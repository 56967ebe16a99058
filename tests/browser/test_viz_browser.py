"""Generated lineage pages opened in headless Chromium: drawn, inert and offline."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import neo4j
import pytest

from hflineage.analytics.subgraph import Link, ModelInfo, Subgraph
from hflineage.viz import LineageNetwork, family_graph, lineage_graph, org_graph
from hflineage.viz.render import build_network
from tests.graph.viz.test_viz import EVIL, write_small
from tests.support.browser import Browser

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: Any) -> neo4j.Driver:
    write_small(driver, neo4j_server.database)
    return driver


def drawn(browser: Browser, net: LineageNetwork, path: Path, **kwargs: Any) -> None:
    visit = browser.visit(net.save(path), **kwargs)
    assert (visit.nodes, visit.edges) == (len(net.nodes), len(net.edges))
    assert visit.injected is None and visit.dialogs == []
    assert visit.off_machine == []
    assert visit.errors == []
    assert visit.dom["img"] == 0 and visit.dom["script"] == 3 and visit.dom["iframe"] == 0
    assert visit.drawn_ms > 0


def test_family_page_draws_offline_and_inert(browser: Browser, small: neo4j.Driver,
                                             database: str, tmp_path: Path) -> None:
    net = family_graph(small, "acme/base-7b", database=database, max_nodes=30)
    assert len(net.nodes) == 30
    drawn(browser, net, tmp_path / "family.html", hover=EVIL.lower(),
          screenshot=ARTIFACTS / "family-small.png")


@pytest.mark.parametrize("keep_csp", [True, False])
def test_hostile_text_never_runs(browser: Browser, small: neo4j.Driver, database: str,
                                 tmp_path: Path, keep_csp: bool) -> None:
    """With and without the page's CSP: escaping alone must keep the payloads inert."""
    net = lineage_graph(small, EVIL, database=database)
    page = net.generate_html()
    if not keep_csp:
        page, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
        assert n == 1
    path = tmp_path / "evil.html"
    path.write_text(page, encoding="utf-8")
    visit = browser.visit(path, hover=EVIL.lower())
    assert visit.injected is None and visit.dialogs == [] and visit.errors == []
    assert visit.dom["img"] == 0 and visit.dom["script"] == 3 and visit.dom["tips"] >= 1
    assert visit.off_machine == []


def test_org_page_stabilises_with_physics(browser: Browser, small: neo4j.Driver, database: str,
                                          tmp_path: Path) -> None:
    net = org_graph(small, "acme", database=database)
    assert net.page.layout == "physics"
    drawn(browser, net, tmp_path / "org.html")


def synthetic_family(models: int, seed: int = 7) -> Subgraph:
    """A made-up family shaped like a real one: a few fine-tunes with long tails of quantized
    copies and adapters, so the big-page path runs without shared data."""
    rng = random.Random(seed)
    infos = {"root/base": ModelInfo("root/base", "root/Base", "root", "LlamaForCausalLM",
                                    7_000_000_000, "llama2", 2_000_000, 4000)}
    links: list[Link] = []
    hubs = ["root/base"]
    for i in range(models - 1):
        parent = hubs[min(int(rng.expovariate(0.3)), len(hubs) - 1)]
        relation = rng.choices(["finetune", "adapter", "quantized", "merge"], [3, 4, 5, 1])[0]
        key = f"user{i % 97}/model-{i}"
        infos[key] = ModelInfo(key, key, f"user{i % 97}",
                               rng.choice(["LlamaForCausalLM", "MistralForCausalLM", None]),
                               downloads=int(rng.paretovariate(1.2) * 10), likes=rng.randint(0, 9))
        links.append(Link(key, parent, relation))
        if relation == "finetune":
            hubs.append(key)
    return Subgraph("family", "Family of root/Base", infos, links, ["root/base"],
                    focus="root/base")


def test_big_family_uses_a_fixed_layout(browser: Browser, tmp_path: Path) -> None:
    net = build_network(synthetic_family(3000), max_nodes=2000)
    assert net.page.layout == "fixed" and 1500 < len(net.nodes) <= 2000
    assert all("x" in n and "y" in n for n in net.nodes)
    drawn(browser, net, tmp_path / "big.html", screenshot=ARTIFACTS / "family-synthetic-2000.png")
