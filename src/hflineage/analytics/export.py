"""Export the graph, or a family or query subgraph, as GraphML or CSV (for Gephi, networkx, ...).

Every export carries the graph's schema version: GraphML as the graph attribute
``schemaVersion``, CSV in ``manifest.json``, and both include the ``(:Schema)`` node.
Whole-graph CSV exports stream; GraphML and subgraphs are built in memory with networkx.

CSV layout (a folder, Gephi's spreadsheet import): ``nodes.csv`` (``Id``, ``Label``,
``neo4jLabel``, then one column per property), ``relationships.csv`` (``Source``, ``Target``,
``Type`` = Directed, ``Label`` = relationship type, then properties) and ``manifest.json``.
Lists are written as JSON, times as ISO-8601.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx

from hflineage import SCHEMA_VERSION
from hflineage.analytics.queries import require_anchors
from hflineage.cypher import load, statement
from hflineage.errors import HFLineageError, ModelNotFoundError, QueryParameterError

FORMATS = ("graphml", "csv")
NODE_HEAD = ("Id", "Label", "neo4jLabel")
REL_HEAD = ("Source", "Target", "Type", "Label")


@dataclass
class ExportSummary:
    """What an export wrote."""

    path: Path
    format: str
    scope: str
    nodes: int = 0
    relationships: int = 0
    schema_version: int = SCHEMA_VERSION


def _plain(value: Any) -> Any:
    """A property value as a GraphML/CSV scalar: times as ISO-8601, lists as JSON."""
    if isinstance(value, list):
        return json.dumps([_plain(v) for v in value], ensure_ascii=False)
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _read(driver: neo4j.Driver, database: str, name: str, **params: Any) -> Iterator[neo4j.Record]:
    """Stream the records of an internal read statement."""
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        yield from session.run(statement(name), params)


def _schema_version(driver: neo4j.Driver, database: str) -> int:
    records, _, _ = driver.execute_query(
        "MATCH (s:Schema) RETURN max(s.version) AS v", database_=database,
        routing_=neo4j.RoutingControl.READ)
    return int(records[0]["v"] or SCHEMA_VERSION)


def _display(record: neo4j.Record) -> str:
    props = record["props"]
    return str(props.get("id") or props.get("name") or record["id"])


def family_ids(driver: neo4j.Driver, database: str, root: str, max_depth: int) -> list[str]:
    """Element ids of a family subgraph (root, descendants, their non-model neighbours)."""
    records, _, _ = driver.execute_query(statement("export/family"),
                                         {"root": root, "maxDepth": max_depth},
                                         database_=database, routing_=neo4j.RoutingControl.READ)
    if not records or not records[0]["ids"]:
        raise ModelNotFoundError(f"no model {root!r} in the graph")
    return list(records[0]["ids"])


def _collect(value: Any, ids: set[str], keys: set[str]) -> None:
    if isinstance(value, neo4j.graph.Node):
        ids.add(value.element_id)
    elif isinstance(value, neo4j.graph.Relationship):
        ids.update(n.element_id for n in value.nodes if n is not None)
    elif isinstance(value, neo4j.graph.Path):
        ids.update(n.element_id for n in value.nodes)
    elif isinstance(value, str):
        keys.add(value.lower())
    elif isinstance(value, list | tuple):
        for v in value:
            _collect(v, ids, keys)
    elif isinstance(value, dict):
        for v in value.values():
            _collect(v, ids, keys)


def query_ids(driver: neo4j.Driver, database: str, name: str,
              params: dict[str, Any] | None = None) -> list[str]:
    """Element ids of a query subgraph: the nodes (and model ids) a named query returns, plus
    their non-model neighbours."""
    query = load(name)
    bound = query.bind(params)
    require_anchors(driver, bound, database)
    records, _, _ = driver.execute_query(query.text, bound, database_=database,
                                         routing_=neo4j.RoutingControl.READ)
    ids: set[str] = set()
    keys: set[str] = set()
    for record in records:
        _collect(list(record.values()), ids, keys)
    found, _, _ = driver.execute_query(statement("export/neighbourhood"),
                                       {"ids": sorted(ids), "keys": sorted(keys)},
                                       database_=database, routing_=neo4j.RoutingControl.READ)
    return list(found[0]["ids"])


def _with_schema(driver: neo4j.Driver, database: str, ids: list[str]) -> list[str]:
    records, _, _ = driver.execute_query("MATCH (s:Schema) RETURN collect(elementId(s)) AS ids",
                                         database_=database, routing_=neo4j.RoutingControl.READ)
    return sorted(set(ids) | set(records[0]["ids"]))


def _keys(driver: neo4j.Driver, database: str, name: str) -> list[str]:
    return [r["key"] for r in _read(driver, database, name)]


def _write_csv(folder: Path, nodes: Iterable[neo4j.Record], rels: Iterable[neo4j.Record],
               node_keys: list[str], rel_keys: list[str], summary: ExportSummary) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "nodes.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow([*NODE_HEAD, *node_keys])
        for r in nodes:
            props = r["props"]
            out.writerow([r["id"], _display(r), r["label"], *(_cell(props.get(k))
                                                               for k in node_keys)])
            summary.nodes += 1
    with (folder / "relationships.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow([*REL_HEAD, *rel_keys])
        for r in rels:
            props = r["props"]
            out.writerow([r["source"], r["target"], "Directed", r["type"],
                          *(_cell(props.get(k)) for k in rel_keys)])
            summary.relationships += 1
    manifest = asdict(summary) | {"path": str(summary.path),
                                  "schemaVersion": summary.schema_version,
                                  "exportedAt": datetime.now(UTC).isoformat()}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                          encoding="utf-8")


def _uniform(items: Iterable[dict[str, Any]]) -> None:
    """GraphML needs one type per attribute: a key with mixed types is written as text."""
    items = list(items)
    kinds: dict[str, set[type]] = {}
    for attrs in items:
        for k, v in attrs.items():
            kinds.setdefault(k, set()).add(float if type(v) is int else type(v))
    mixed = {k for k, ts in kinds.items() if len(ts) > 1}
    for attrs in items:
        for k in mixed & attrs.keys():
            attrs[k] = _cell(attrs[k])


def _write_graphml(path: Path, nodes: Iterable[neo4j.Record], rels: Iterable[neo4j.Record],
                   summary: ExportSummary) -> None:
    graph = nx.MultiDiGraph(schemaVersion=summary.schema_version, scope=summary.scope,
                            exportedAt=datetime.now(UTC).isoformat())
    for r in nodes:
        attrs = {k: _plain(v) for k, v in r["props"].items() if v is not None}
        graph.add_node(r["id"], **attrs, label=_display(r), neo4jLabel=r["label"])
    for r in rels:
        attrs = {k: _plain(v) for k, v in r["props"].items() if v is not None}
        graph.add_edge(r["source"], r["target"], **attrs, label=r["type"])
    _uniform(graph.nodes[n] for n in graph.nodes)
    _uniform(data for _, _, data in graph.edges(data=True))
    summary.nodes, summary.relationships = graph.number_of_nodes(), graph.number_of_edges()
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(graph, path)


def export_graph(driver: neo4j.Driver, path: Path | str, *, fmt: str = "graphml",
                 database: str = "neo4j", family: str | None = None, max_depth: int = 10,
                 query: str | None = None, params: dict[str, Any] | None = None
                 ) -> ExportSummary:
    """Write the whole graph, a family (``family``) or a named query's subgraph (``query``).

    GraphML goes to the file ``path``; CSV to the folder ``path``.
    """
    if fmt not in FORMATS:
        raise HFLineageError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if family and query:
        raise QueryParameterError("choose --family or --query, not both")
    path = Path(path)
    scope = f"family:{family}" if family else f"query:{query}" if query else "graph"
    summary = ExportSummary(path, fmt, scope, schema_version=_schema_version(driver, database))
    ids: list[str] | None = None
    if family:
        ids = family_ids(driver, database, family, max_depth)
    elif query:
        ids = query_ids(driver, database, query, params)
    if ids is None:
        nodes: Iterable[neo4j.Record] = _read(driver, database, "export/nodes")
        rels: Iterable[neo4j.Record] = _read(driver, database, "export/relationships")
    else:
        ids = _with_schema(driver, database, ids)
        nodes = list(_read(driver, database, "export/subgraph_nodes", ids=ids))
        rels = list(_read(driver, database, "export/subgraph_relationships", ids=ids))
    if fmt == "graphml":
        _write_graphml(path, nodes, rels, summary)
    elif ids is None:
        _write_csv(path, nodes, rels, _keys(driver, database, "export/node_keys"),
                   _keys(driver, database, "export/relationship_keys"), summary)
    else:
        nodes, rels = list(nodes), list(rels)
        _write_csv(path, nodes, rels, sorted({k for r in nodes for k in r["props"]}),
                   sorted({k for r in rels for k in r["props"]}), summary)
    return summary
