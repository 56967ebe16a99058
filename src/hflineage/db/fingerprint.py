"""A graph's fingerprint: counts per label and type plus a hash of ids, edges and properties.

Two graphs with equal fingerprints hold the same nodes, relationships and property values.
Bookkeeping that differs by nature between loads (``LoadRun``, ``Schema`` and ``GraphEpoch`` nodes,
load-run ids and timestamps written on data) is left out, so a clean load and a crashed-then-rerun
load compare.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import neo4j

from hflineage.cypher import statement

VOLATILE = frozenset({"loadRun", "lastLoadRun", "firstLoadRun", "loadedAt", "updatedAt",
                      "createdInRun", "runId"})
SKIP_LABELS = ("LoadRun", "Schema", "GraphEpoch")


@dataclass(frozen=True)
class Fingerprint:
    """Counts and a digest; equal fingerprints mean equal graphs."""

    nodes: dict[str, int]
    relationships: dict[str, int]
    digest: str

    def as_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "relationships": self.relationships, "digest": self.digest}


def _canon(value: Any) -> Any:
    if isinstance(value, list):
        return [_canon(v) for v in value]
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def _props(props: dict[str, Any]) -> str:
    clean = {k: _canon(v) for k, v in props.items() if k not in VOLATILE}
    return json.dumps(clean, sort_keys=True, ensure_ascii=False, default=str)


def fingerprint(driver: neo4j.Driver, database: str = "neo4j") -> Fingerprint:
    """Read the whole graph once (streamed) and summarise it."""
    nodes: dict[str, int] = {}
    rels: dict[str, int] = {}
    node_lines: list[str] = []
    rel_lines: list[str] = []
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        for rec in session.run(statement("read/fingerprint_nodes"), skip=list(SKIP_LABELS)):
            labels = ":".join(sorted(rec["labels"]))
            nodes[labels] = nodes.get(labels, 0) + 1
            node_lines.append(f"{labels}|{_props(rec['props'])}")
        for rec in session.run(statement("read/fingerprint_relationships"),
                               skip=list(SKIP_LABELS)):
            rels[rec["type"]] = rels.get(rec["type"], 0) + 1
            rel_lines.append(f"{rec['start']}|{rec['type']}|{rec['end']}|{_props(rec['props'])}")
    digest = hashlib.sha256()
    for line in [*sorted(node_lines), "--", *sorted(rel_lines)]:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return Fingerprint(dict(sorted(nodes.items())), dict(sorted(rels.items())),
                       digest.hexdigest())
