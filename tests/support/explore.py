"""What the explorer's tests share: the small graph rebuilt, and a page section."""

from __future__ import annotations

import re
from typing import Any

import neo4j

from hflineage.db.schema import init_schema, wipe_database
from tests.fixtures.analytics.graph import build

#: Where the tests' client addresses the explorer: a loopback name, as a browser on this machine.
LOCAL = "http://127.0.0.1"


def small_graph(driver: neo4j.Driver, database: str,
                extra: dict[str, list[dict[str, Any]]] | None = None) -> neo4j.Driver:
    """The small analytics graph plus ``extra``, on an emptied database."""
    wipe_database(driver, database)
    init_schema(driver, database)
    build(driver, database, extra)
    return driver


def section(html: str, name: str) -> str:
    found = re.search(rf'<section id="{name}">(.*?)</section>', html, re.S)
    assert found, f"no section {name}"
    return found.group(1)


#: The scripts a page with a lineage graph loads: the viz package's own files, nothing inline.
GRAPH_SCRIPTS = ['<script src="/static/graph/vis-network.min.js">',
                 '<script src="/static/graph/lineage.js">']


def script_tags(html: str) -> list[str]:
    """The page's opening script tags, inert JSON data blocks left out."""
    return [t for t in re.findall(r"<script[^>]*>", html) if "application/json" not in t]
