"""The one subgraph fetcher: a family, a lineage, an organization's neighbourhood or a named
query's models, one bounded, index-backed hop at a time.

The lineage pages draw these subgraphs, the report measures them and export writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import neo4j

from hflineage.analytics.queries import bind_query, read_query, read_records, require_anchors
from hflineage.errors import (
    ModelNotFoundError,
    NotDrawableError,
    OrganizationNotFoundError,
    QueryParameterError,
    ViewTooLargeError,
)
from hflineage.loader.normalize.ids import key_of
from hflineage.loader.normalize.vocab import EDGE_RELATIONS

FETCH_LIMIT = 100_000
BENCHMARK = "Average"
_BATCH = 5_000
#: Drifting ancestors read per model (a tooltip names these and counts the rest).
DRIFT_FIRST = 3


@dataclass(frozen=True)
class Drift:
    """One declared ancestor a model's licence drifts from (read/licence_drift_keys, the
    definition of the licence_drift query): ``kinds`` among looser, stricter, ungated and gated;
    ``conflict`` when looser or ungated."""

    ancestor: str
    hops: int
    license: str | None
    category: str
    ancestor_license: str | None
    ancestor_category: str
    ancestor_gated: str
    kinds: tuple[str, ...]
    conflict: bool


@dataclass(frozen=True)
class ModelInfo:
    """What a node's label, size, colour and tooltip show."""

    key: str
    id: str
    organization: str | None = None
    architecture: str | None = None
    parameters: int | None = None
    license: str | None = None
    downloads: int | None = None
    likes: int | None = None
    created: str | None = None
    stub: bool = False
    deleted: bool = False
    quantized_storage: bool = False
    """The loader's ``quantizedStorage``: its parameter count is of packed storage."""
    scores: tuple[tuple[str, float], ...] = ()
    """The score on BENCHMARK per leaderboard, as (leaderboard, score), v1 first."""
    missing: bool = False
    drift: tuple[Drift, ...] = ()
    """The first DRIFT_FIRST declared ancestors its licence drifts from, conflicts first; read
    only for the models a drawing keeps (Subgraph.read_drift)."""
    drifting: int = 0
    """How many declared ancestors its licence drifts from."""


@dataclass(frozen=True)
class Link:
    """A DERIVED_FROM edge, child → parent as stored; or an organization's PUBLISHED edge.

    ``likely``: a predicted LIKELY_DERIVED_FROM edge (hflineage infer), not declared, with its
    ``confidence`` (0–1), ``rank`` among the child's candidates, ``method`` and ``evidence``.
    """

    child: str
    parent: str
    relation: str = "unknown"
    source: str | None = None
    relation_source: str | None = None
    likely: bool = False
    confidence: float | None = None
    rank: int | None = None
    method: str | None = None
    evidence: tuple[str, ...] = ()


#: Reads the licence drift of model keys: key -> (first drifting ancestors, how many drift).
DriftReader = Callable[[Iterable[str]], dict[str, tuple[tuple[Drift, ...], int]]]


@dataclass
class Subgraph:
    """The models and links of one view, before collapsing and drawing."""

    kind: str
    title: str
    models: dict[str, ModelInfo]
    links: list[Link]
    anchors: list[str]
    focus: str | None = None
    organization: str | None = None
    notes: list[str] = field(default_factory=list)
    likely: bool = False
    """Whether predicted edges were asked for (drawn dashed, counted in a note)."""
    read_drift: DriftReader | None = None
    """The licence drift of given models (licence_drift_details): a drawing reads it for the
    models it keeps, not for the whole fetch (a family reaches 100k models)."""


def _read(driver: neo4j.Driver, database: str, name: str, params: dict[str, Any],
          timeout: float | None = None) -> list[dict[str, Any]]:
    return [r.data() for r in read_records(driver, f"read/{name}", params, database, timeout)]


def _batches(keys: Sequence[str]) -> Iterable[list[str]]:
    for i in range(0, len(keys), _BATCH):
        yield list(keys[i:i + _BATCH])


def check_relations(relations: Iterable[str] | None,
                    choices: Sequence[str] = EDGE_RELATIONS) -> list[str] | None:
    """The relation filter as a list (names may be comma-separated), refusing names not in
    ``choices``; None when nothing is asked."""
    if relations is None:
        return None
    wanted = [r.strip().lower() for value in relations for r in value.split(",") if r.strip()]
    unknown = sorted(set(wanted) - set(choices))
    if unknown:
        raise QueryParameterError(
            f"unknown relation {', '.join(unknown)}; choose from {', '.join(choices)}")
    return list(dict.fromkeys(wanted)) or None


def model_details(driver: neo4j.Driver, database: str, keys: Iterable[str],
                  timeout: float | None = None) -> dict[str, ModelInfo]:
    """Details of the given models; keys not in the graph are left out. ``timeout`` (seconds)
    bounds each read, here and in every fetcher below."""
    out: dict[str, ModelInfo] = {}
    for batch in _batches(sorted(set(keys))):
        rows = _read(driver, database, "model_details", {"keys": batch, "benchmark": BENCHMARK},
                     timeout)
        for row in rows:
            out[row["key"]] = ModelInfo(
                key=row["key"], id=row["id"] or row["key"], organization=row["organization"],
                architecture=row["architecture"], parameters=row["parameters"],
                license=row["license"], downloads=row["downloads"], likes=row["likes"],
                created=row["createdAt"], stub=bool(row["stub"]), deleted=bool(row["deleted"]),
                quantized_storage=bool(row["quantizedStorage"]),
                scores=tuple((s["leaderboard"], s["score"]) for s in row["scores"]))
    return out


def licence_drift_details(driver: neo4j.Driver, database: str, keys: Iterable[str],
                          timeout: float | None = None) -> dict[str, tuple[tuple[Drift, ...], int]]:
    """Per given model that drifts: its first DRIFT_FIRST drifting declared ancestors and how
    many it drifts from (read/licence_drift_keys); models that do not drift are left out."""
    out: dict[str, tuple[tuple[Drift, ...], int]] = {}
    for batch in _batches(sorted(set(keys))):
        for row in _read(driver, database, "licence_drift_keys",
                         {"keys": batch, "first": DRIFT_FIRST}, timeout):
            out[row["key"]] = (tuple(
                Drift(d["ancestor"], int(d["hops"]), row["license"], row["category"],
                      d["license"], d["category"], d["gated"], tuple(d["kinds"]),
                      bool(d["conflict"])) for d in row["drift"]), int(row["drifting"]))
    return out


def _drift_reader(driver: neo4j.Driver, database: str, timeout: float | None) -> DriftReader:
    return lambda keys: licence_drift_details(driver, database, keys, timeout)


def _link(row: dict[str, Any]) -> Link:
    return Link(row["child"], row["parent"], row["relation"] or "unknown", row["source"],
                row["relationSource"], bool(row["likely"]), row["confidence"], row["rank"],
                row["method"], tuple(row["evidence"] or ()))


def _hop(driver: neo4j.Driver, database: str, name: str, keys: Sequence[str],
         relations: list[str] | None, timeout: float | None = None,
         include_likely: bool = False) -> list[Link]:
    links: list[Link] = []
    for batch in _batches(keys):
        links += map(_link, _read(driver, database, name, {
            "keys": batch, "relations": relations, "includeLikely": include_likely}, timeout))
    return links


def expand(  # noqa: PLR0913 (keyword-only walk options)
        driver: neo4j.Driver, database: str, start: Iterable[str], *, up: int | None,
           down: int | None, relations: list[str] | None, limit: int | None = FETCH_LIMIT,
           timeout: float | None = None, include_likely: bool = False
           ) -> tuple[set[str], list[Link]]:
    """Breadth-first walk up to ``up`` generations of parents and ``down`` of children.

    ``None`` walks until no new model turns up (to the roots, or to the leaves); a walk that
    reaches more than ``limit`` models (None: no limit) is refused. ``include_likely`` also
    follows predicted edges (hflineage infer); declared only by default.
    """
    seen = set(start)
    links: dict[tuple[str, str], Link] = {}
    for name, depth in (("parent_links", up), ("child_links", down)):
        frontier = sorted(set(start))
        level = 0
        while frontier and (depth is None or level < depth):
            found = _hop(driver, database, name, frontier, relations, timeout, include_likely)
            new: set[str] = set()
            for link in found:
                links.setdefault((link.child, link.parent), link)
                other = link.parent if name == "parent_links" else link.child
                if other not in seen:
                    new.add(other)
            seen |= new
            if limit is not None and len(seen) > limit:
                raise ViewTooLargeError(
                    f"this view reaches more than {limit:,} models; narrow it with "
                    "--relation, --up or --down")
            frontier = sorted(new)
            level += 1
    return seen, list(links.values())


def _describe(relations: list[str] | None, up: int | None, down: int | None,
              include_likely: bool = False) -> str:
    def gens(n: int | None, end: str) -> str:
        return end if n is None else f"{n} generation{'s' * (n != 1)}"

    rel = ", ".join(relations) if relations else "all"
    edges = ("declared and predicted edges (hflineage infer)" if include_likely
             else "declared edges only")
    return f"Relations followed: {rel}, {edges}. Up: {gens(up, 'to the roots')}; " \
           f"down: {gens(down, 'to the leaves')}."


def _require_model(driver: neo4j.Driver, database: str, model: str,
                   timeout: float | None = None) -> ModelInfo:
    found = model_details(driver, database, [key_of(model)], timeout)
    if not found:
        require_anchors(driver, {"model": model}, database)
        raise ModelNotFoundError(f"no model {model!r} in the graph")
    return found[key_of(model)]


def fetch_lineage(  # noqa: PLR0913 (keyword-only view options)
        driver: neo4j.Driver, database: str, model: str, *, up: int | None = None,
                  down: int | None = 2, relations: Iterable[str] | None = None,
                  limit: int = FETCH_LIMIT, timeout: float | None = None,
                  include_likely: bool = False) -> Subgraph:
    """A model's ancestors (``up`` generations) and descendants (``down``); predicted edges
    too with ``include_likely``."""
    rels = check_relations(relations)
    focus = _require_model(driver, database, model, timeout)
    keys, links = expand(driver, database, [focus.key], up=up, down=down, relations=rels,
                         limit=limit, timeout=timeout, include_likely=include_likely)
    return Subgraph("lineage", f"Lineage of {focus.id}",
                    model_details(driver, database, keys, timeout),
                    links, [focus.key], focus=focus.key,
                    notes=[_describe(rels, up, down, include_likely)], likely=include_likely,
                    read_drift=_drift_reader(driver, database, timeout))


def family_members(driver: neo4j.Driver, database: str, root: str, *, down: int | None = None,
                   relations: list[str] | None = None, limit: int | None = FETCH_LIMIT,
                   timeout: float | None = None, include_likely: bool = False
                   ) -> tuple[ModelInfo, set[str], list[Link]]:
    """A family's root, the keys of its members (root and ``down`` generations of
    descendants) and its links, without the members' details."""
    top = _require_model(driver, database, root, timeout)
    keys, links = expand(driver, database, [top.key], up=0, down=down, relations=relations,
                         limit=limit, timeout=timeout, include_likely=include_likely)
    return top, keys, links


def fetch_family(driver: neo4j.Driver, database: str, root: str, *, down: int | None = None,
                 relations: Iterable[str] | None = None, limit: int | None = FETCH_LIMIT,
                 timeout: float | None = None, include_likely: bool = False) -> Subgraph:
    """A model and everything derived from it; predicted edges too with ``include_likely``."""
    rels = check_relations(relations)
    top, keys, links = family_members(driver, database, root, down=down, relations=rels,
                                      limit=limit, timeout=timeout,
                                      include_likely=include_likely)
    return Subgraph("family", f"Family of {top.id}",
                    model_details(driver, database, keys, timeout),
                    links, [top.key], focus=top.key,
                    notes=[_describe(rels, 0, down, include_likely)], likely=include_likely,
                    read_drift=_drift_reader(driver, database, timeout))


def org_node(organization: str) -> str:
    """The node id that stands for an organization in a drawing."""
    return f"org:{key_of(organization)}"


def fetch_org(  # noqa: PLR0913 (keyword-only view options)
        driver: neo4j.Driver, database: str, org: str, *, up: int | None = 1,
              down: int | None = 1, relations: Iterable[str] | None = None,
              limit: int = FETCH_LIMIT, timeout: float | None = None,
              include_likely: bool = False) -> Subgraph:
    """An organization's models, the models they build on, and the models built on them."""
    rels = check_relations(relations)
    rows = _read(driver, database, "org_models", {"org": org}, timeout)
    if not rows:
        raise OrganizationNotFoundError(f"organization or user {org!r} has no models in the graph")
    name = rows[0]["organization"] or org
    own = [r["key"] for r in rows]
    keys, links = expand(driver, database, own, up=up, down=down, relations=rels, limit=limit,
                         timeout=timeout, include_likely=include_likely)
    hub = org_node(name)
    published = [Link(m, hub, "published") for m in own]
    return Subgraph("org", f"Models of {name}", model_details(driver, database, keys, timeout),
                    published + links, [hub], organization=name,
                    notes=[_describe(rels, up, down, include_likely)], likely=include_likely,
                    read_drift=_drift_reader(driver, database, timeout))


def _model_ref(value: Any) -> str | None:
    if isinstance(value, neo4j.graph.Node):
        if "Model" in value.labels:
            return key_of(str(value.get("key") or value.get("id") or "")) or None
        return None
    if isinstance(value, str) and value.strip():
        return key_of(value.strip())
    return None


def _path_links(path: neo4j.graph.Path) -> list[Link]:
    """A path's DERIVED_FROM and (predicted) LIKELY_DERIVED_FROM relationships as links."""
    links = []
    for rel in path.relationships:
        c, p = _model_ref(rel.start_node), _model_ref(rel.end_node)
        relation = str(rel.get("relation") or "unknown")
        if rel.type == "DERIVED_FROM" and c and p:
            links.append(Link(c, p, relation, rel.get("source"), rel.get("relationSource")))
        elif rel.type == "LIKELY_DERIVED_FROM" and c and p:
            links.append(Link(c, p, relation, likely=True, confidence=rel.get("confidence"),
                              rank=rel.get("rank"), method=rel.get("method"),
                              evidence=tuple(rel.get("evidence") or ())))
    return links


def rows_to_links(rows: list[dict[str, Any]]) -> tuple[list[str], list[Link]]:
    """Models and links in a named query's rows, by the drawing convention.

    Columns ``child`` and ``parent`` (ids or Model nodes, with an optional ``relation``, and
    ``likely``/``confidence`` for predicted edges) are edges; paths contribute their Model nodes
    and DERIVED_FROM (and predicted LIKELY_DERIVED_FROM) relationships; otherwise Model nodes,
    or ids in a column named ``model``, ``id`` or ``key``, are the models to draw.
    """
    models: list[str] = []
    links: list[Link] = []
    for row in rows:
        child, parent = _model_ref(row.get("child")), _model_ref(row.get("parent"))
        if child and parent:
            links.append(Link(child, parent, str(row.get("relation") or "unknown").lower(),
                              likely=row.get("likely") is True,
                              confidence=row.get("confidence") if row.get("likely") else None))
            models += [child, parent]
            continue
        for value in row.values():
            if isinstance(value, neo4j.graph.Path):
                models += [k for k in map(_model_ref, value.nodes) if k]
                links += _path_links(value)
            elif isinstance(value, neo4j.graph.Node) and (ref := _model_ref(value)):
                models.append(ref)
        for column in ("model", "id", "key"):
            if isinstance(row.get(column), str) and (ref := _model_ref(row[column])):
                models.append(ref)
    return list(dict.fromkeys(models)), links


def rows_subgraph(driver: neo4j.Driver, database: str, rows: list[dict[str, Any]],
                  title: str, notes: list[str], timeout: float | None = None) -> Subgraph:
    """The models and links in result rows (see :func:`rows_to_links`), with their details;
    rows without links are joined by the DERIVED_FROM edges among their models."""
    keys, links = rows_to_links(rows)
    if not keys:
        raise NotDrawableError(
            "no models to draw: a drawable result has columns child and "
            "parent, paths, Model nodes, or ids in a column named model, id or key")
    if not links:
        wanted = set(keys)
        links = [link for link in _hop(driver, database, "parent_links", keys, None, timeout)
                 if link.parent in wanted]
    found = model_details(driver, database, keys, timeout)
    models = {k: found.get(k) or ModelInfo(k, k, missing=True) for k in keys}
    return Subgraph("query", title, models, links, [], notes=notes,
                    read_drift=_drift_reader(driver, database, timeout))


def fetch_query(driver: neo4j.Driver, database: str, name: str,
                params: dict[str, Any] | None = None) -> Subgraph:
    """Draw any named query whose rows hold models, child/parent links or paths."""
    bound, rows = read_query(driver, bind_query(name, params), None, database, None,
                             lambda result: [dict(zip(result.keys(), r, strict=True))
                                             for r in result])
    shown = ", ".join(f"{k}={v}" for k, v in (params or {}).items())
    try:
        return rows_subgraph(driver, database, rows,
                             f"Query {name}" + (f" ({shown})" if shown else ""),
                             [bound.query.description])
    except NotDrawableError as e:
        raise NotDrawableError(f"{name} returned {e}") from None
