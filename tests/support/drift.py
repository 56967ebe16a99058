"""The licence drift fixture (tests/fixtures/drift) loaded as the loader loads it, plus two
models written directly whose id and licence carry markup, for the escaping checks."""

from __future__ import annotations

import neo4j

from hflineage.db.schema import init_schema, wipe_database
from hflineage.loader import load_snapshot
from tests.support.paths import FIXTURES

DRIFT = FIXTURES / "drift" / "models.jsonl"
#: A gated model whose id and licence are markup, and its ungated apache-2.0 child.
EVIL = "evil/<img src=x onerror=alert(1)>"
EVIL_LICENCE = "<script>alert(2)</script>"
EVIL_CHILD = "zed/evil-child"

_EVIL = """
MERGE (e:Model {key: toLower($evil)}) SET e.id = $evil, e.gated = 'manual'
MERGE (el:License {id: $licence}) SET el.category = 'custom/restricted'
MERGE (e)-[:LICENSED_UNDER]->(el)
MERGE (c:Model {key: toLower($child)}) SET c.id = $child, c.gated = false
MERGE (cl:License {id: 'apache-2.0'}) SET cl.category = 'permissive'
MERGE (c)-[:LICENSED_UNDER]->(cl)
MERGE (c)-[d:DERIVED_FROM]->(e) SET d.relation = 'finetune'
"""


def drift_graph(driver: neo4j.Driver, database: str) -> neo4j.Driver:
    """The drift fixture plus the markup models, on an emptied database."""
    wipe_database(driver, database)
    init_schema(driver, database)
    load_snapshot(driver, DRIFT, database=database)
    driver.execute_query(_EVIL, {"evil": EVIL, "licence": EVIL_LICENCE, "child": EVIL_CHILD},
                         database_=database)
    return driver
