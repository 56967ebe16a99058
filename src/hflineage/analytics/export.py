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
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx

from hflineage import SCHEMA_VERSION
from hflineage.analytics.queries import bind_query, read_query, read_records
from hflineage.analytics.subgraph import family_members
from hflineage.db.schema import schema_versions
from hflineage.errors import HFLineageError, QueryParameterError
from hflineage.loader.normalize.ids import key_of

#: The formats of a graph export; ``export --format`` also takes ``cyclonedx`` (one model's
#: ML-BOM, hflineage.analytics.cyclonedx).
GRAPH_FORMATS = ("graphml", "csv")
FORMATS = (*GRAPH_FORMATS, "cyclonedx")
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


def _read(driver: neo4j.Driver, database: str, name: str, **params: Any) -> list[neo4j.Record]:
    return read_records(driver, f"read/export_{name}", params, database)


def _schema_version(driver: neo4j.Driver, database: str) -> int:
    return max(schema_versions(driver, database), default=SCHEMA_VERSION)


def _display(record: neo4j.Record) -> str:
    props = record["props"]
    return str(props.get("id") or props.get("name") or record["id"])


def _neighbourhood(driver: neo4j.Driver, database: str, ids: Iterable[str],
                   keys: Iterable[str]) -> list[str]:
    """Element ids of the given nodes and models plus the models' non-model neighbours."""
    found = _read(driver, database, "neighbourhood", ids=sorted(ids), keys=sorted(keys))
    return list(found[0]["ids"])


def family_ids(driver: neo4j.Driver, database: str, root: str, max_depth: int) -> list[str]:
    """Element ids of a family subgraph (root, descendants, their non-model neighbours)."""
    _, keys, _ = family_members(driver, database, root, down=max_depth, limit=None)
    return _neighbourhood(driver, database, [], keys)


def _collect(value: Any, ids: set[str], keys: set[str]) -> None:
    if isinstance(value, neo4j.graph.Node):
        ids.add(value.element_id)
    elif isinstance(value, neo4j.graph.Relationship):
        ids.update(n.element_id for n in value.nodes if n is not None)
    elif isinstance(value, neo4j.graph.Path):
        ids.update(n.element_id for n in value.nodes)
    elif isinstance(value, str):
        keys.add(key_of(value))
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
    ids: set[str] = set()
    keys: set[str] = set()
    for record in read_records(driver, bind_query(name, params), None, database):
        _collect(list(record.values()), ids, keys)
    return _neighbourhood(driver, database, ids, keys)


def _with_schema(driver: neo4j.Driver, database: str, ids: list[str]) -> list[str]:
    schema = read_records(driver, "read/schema_node_ids", None, database)[0]["ids"]
    return sorted(set(ids) | set(schema))


def _keys(driver: neo4j.Driver, database: str, name: str) -> list[str]:
    return [r["key"] for r in _read(driver, database, name)]


def _node_row(r: neo4j.Record, keys: list[str]) -> list[str]:
    props = r["props"]
    return [r["id"], _display(r), r["label"], *(_cell(props.get(k)) for k in keys)]


def _rel_row(r: neo4j.Record, keys: list[str]) -> list[str]:
    props = r["props"]
    return [r["source"], r["target"], "Directed", r["type"], *(_cell(props.get(k)) for k in keys)]


def _write_table(path: Path, head: list[str], rows: Iterable[list[str]]) -> int:
    """One CSV file; the number of rows written."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(head)
        for row in rows:
            out.writerow(row)
            count += 1
    return count


def _write_manifest(folder: Path, summary: ExportSummary) -> None:
    manifest = asdict(summary) | {"path": str(summary.path),
                                  "schemaVersion": summary.schema_version,
                                  "exportedAt": datetime.now(UTC).isoformat()}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                          encoding="utf-8")


def _write_csv(folder: Path, nodes: list[neo4j.Record], rels: list[neo4j.Record],
               summary: ExportSummary) -> None:
    node_keys = sorted({k for r in nodes for k in r["props"]})
    rel_keys = sorted({k for r in rels for k in r["props"]})
    folder.mkdir(parents=True, exist_ok=True)
    summary.nodes = _write_table(folder / "nodes.csv", [*NODE_HEAD, *node_keys],
                                 (_node_row(r, node_keys) for r in nodes))
    summary.relationships = _write_table(folder / "relationships.csv", [*REL_HEAD, *rel_keys],
                                         (_rel_row(r, rel_keys) for r in rels))
    _write_manifest(folder, summary)


def _stream_csv(driver: neo4j.Driver, database: str, folder: Path,
                summary: ExportSummary) -> None:
    """The whole graph as CSV, each file written while its records stream in."""
    node_keys = _keys(driver, database, "node_keys")
    rel_keys = _keys(driver, database, "relationship_keys")
    folder.mkdir(parents=True, exist_ok=True)

    def stream(name: str, write: Callable[[neo4j.Result], int]) -> int:
        return read_query(driver, f"read/export_{name}", None, database, None, write)[1]

    summary.nodes = stream("nodes", lambda result: _write_table(
        folder / "nodes.csv", [*NODE_HEAD, *node_keys], (_node_row(r, node_keys) for r in result)))
    summary.relationships = stream("relationships", lambda result: _write_table(
        folder / "relationships.csv", [*REL_HEAD, *rel_keys],
        (_rel_row(r, rel_keys) for r in result)))
    _write_manifest(folder, summary)


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
    if fmt not in GRAPH_FORMATS:
        raise HFLineageError(f"format must be one of {', '.join(GRAPH_FORMATS)}, got {fmt!r} "
                             "(a CycloneDX BOM: hflineage.analytics.cyclonedx.model_bom)")
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
    if ids is None and fmt == "csv":
        _stream_csv(driver, database, path, summary)
        return summary
    if ids is None:
        nodes = _read(driver, database, "nodes")
        rels = _read(driver, database, "relationships")
    else:
        ids = _with_schema(driver, database, ids)
        nodes = _read(driver, database, "subgraph_nodes", ids=ids)
        rels = _read(driver, database, "subgraph_relationships", ids=ids)
    if fmt == "graphml":
        _write_graphml(path, nodes, rels, summary)
    else:
        _write_csv(path, nodes, rels, summary)
    return summary
