"""The one query runner: named, internal and user Cypher, always read-routed with a timeout.

:func:`read_query` looks a query up, binds its parameters once, checks the schema version and
the anchors, and reads; :func:`run_query` gives a DataFrame, :func:`read_records` the rows.

Every named query of the registry is also a function of :mod:`hflineage.analytics`,
``fn(driver, database="neo4j", timeout=None, **params) -> DataFrame``.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import neo4j
import pandas as pd

from hflineage.cypher import Query, load, registry
from hflineage.db.schema import ensure_current
from hflineage.errors import (
    ConsoleRefusedError,
    DatabaseError,
    ModelNotFoundError,
    OrganizationNotFoundError,
    QueryParameterError,
    QueryTimeoutError,
    ReadOnlyViolationError,
)
from hflineage.loader.normalize.ids import key_of

QueryFunction = Callable[..., pd.DataFrame]
T = TypeVar("T")

#: What user Cypher may call: the read-only catalog and full-text search procedures.
ALLOWED_PROCEDURES = ("db.labels", "db.relationshipTypes", "db.propertyKeys",
                      "db.schema.visualization", "db.schema.nodeTypeProperties",
                      "db.schema.relTypeProperties", "db.index.fulltext.queryNodes",
                      "db.index.fulltext.queryRelationships")
#: Plan operators user Cypher may not use (by name prefix), and why.
_REFUSED_OPERATORS = {
    "LoadCSV": "a LOAD CSV would make the server read a URL or file",
    "Show": "a SHOW command (transactions, settings, users, ...) is not a graph read",
    "Terminate": "a TERMINATE TRANSACTIONS would stop other transactions",
    "AdministrationCommand": "administration commands are not graph reads",
    "Transaction": "a CALL { ... } IN TRANSACTIONS needs its own transactions",
}
#: Server errors that mean a command cannot even be planned as a query.
_UNPLANNABLE = ("Neo.ClientError.Statement.UnsupportedAdministrationCommand",
                "Neo.ClientError.Statement.NotSystemDatabaseError")
_EXPLAIN = "EXPLAIN "
_WRITE_REFUSED = ("this query writes to the graph, but queries run read-only: "
                  "it was refused and nothing was changed")


def _to_df(result: neo4j.Result) -> pd.DataFrame:
    return result.to_df(parse_dates=True)


def _to_records(result: neo4j.Result) -> list[neo4j.Record]:
    return list(result)


def _execute(driver: neo4j.Driver, text: str, params: dict[str, Any] | None, database: str,
             timeout: float | None, transform: Callable[[neo4j.Result], T]) -> T:
    """The one place Cypher is read: read-routed (writes are refused by the server), stopped
    after ``timeout`` seconds, with the driver's refusals mapped to our errors."""
    try:
        return driver.execute_query(neo4j.Query(text, timeout=timeout),
                                    params or {}, database_=database,
                                    routing_=neo4j.RoutingControl.READ,
                                    result_transformer_=transform)
    except neo4j.exceptions.ClientError as e:
        code = e.code or ""
        if code == "Neo.ClientError.Statement.AccessMode":
            raise ReadOnlyViolationError(_WRITE_REFUSED) from e
        if code.startswith("Neo.ClientError.Transaction.TransactionTimedOut"):
            raise QueryTimeoutError(
                f"the query ran longer than its {timeout:g} s timeout and was stopped "
                "(raise it with --timeout or HFLINEAGE_QUERY_TIMEOUT)") from e
        raise DatabaseError(f"Neo4j refused the query: {e.message}") from e


def read_dataframe(driver: neo4j.Driver, text: str, params: dict[str, Any] | None = None,
                   database: str = "neo4j", timeout: float | None = None) -> pd.DataFrame:
    """Run Cypher in a read-only transaction (writes are refused by the server) as a DataFrame.

    Temporal columns become pandas Timestamps. ``timeout`` (seconds) stops the transaction.
    """
    return _execute(driver, text, params, database, timeout, _to_df)


def _did_you_mean(wanted: str, candidates: list[str]) -> str:
    by_key = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(wanted.lower(), list(by_key), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(by_key[c] for c in close)}?" if close else ""


def _lookup(driver: neo4j.Driver, database: str, path: str, params: dict[str, Any]
            ) -> list[neo4j.Record]:
    """An anchor check's own read (never anchored itself)."""
    q = load(path, internal=True)
    return _execute(driver, q.text, q.bind(params), database, None, _to_records)


def require_anchors(driver: neo4j.Driver, params: dict[str, Any], database: str = "neo4j"
                    ) -> None:
    """Refuse a ``$model`` or ``$org`` that is not in the graph (one key-index seek each),
    naming close matches, so an anchored query never answers a typo with no rows."""
    anchors = {"model": params.get("model"), "org": params.get("org")}
    if anchors["model"] is None and anchors["org"] is None:
        return
    found = _lookup(driver, database, "read/anchors_exist", anchors)[0]
    model, org = anchors["model"], anchors["org"]
    if model is not None and not found["model"]:
        namespace, _, name = key_of(str(model)).rpartition("/")
        similar = _lookup(driver, database, "read/similar_models",
                          {"namespace": namespace, "name": name})
        raise ModelNotFoundError(f"no model {model!r} in the graph"
                                 + _did_you_mean(str(model), [r["id"] for r in similar]))
    if org is not None and not found["org"]:
        similar = _lookup(driver, database, "read/similar_organizations",
                          {"prefix": key_of(str(org))[:3]})
        raise OrganizationNotFoundError(f"no organization or user {org!r} in the graph"
                                        + _did_you_mean(str(org), [r["name"] for r in similar]))


def _with_limit(q: Query, params: dict[str, Any] | None, limit: int | None) -> dict[str, Any]:
    params = dict(params or {})
    if limit is not None and any(p.name == "limit" for p in q.params):
        if "limit" in params:
            raise QueryParameterError(
                f"the row limit is given twice ({limit} and $limit={params['limit']}); "
                "give it once")
        params["limit"] = limit
    return params


@dataclass(frozen=True)
class BoundQuery:
    """A query looked up and its parameters checked, converted and defaulted: no database yet."""

    query: Query
    params: dict[str, Any]
    limit: int | None = None


def bind_query(name: str, params: dict[str, Any] | None = None, *, limit: int | None = None,
               internal: bool = False) -> BoundQuery:
    """Look ``name`` up (with ``internal``, also ``read/...``) and bind its parameters once."""
    q = load(name, internal=internal)
    return BoundQuery(q, q.bind(_with_limit(q, params, limit)), limit)


def read_query(driver: neo4j.Driver, query: str | BoundQuery, params: dict[str, Any] | None,
               database: str, timeout: float | None, transform: Callable[[neo4j.Result], T],
               ) -> tuple[BoundQuery, T]:
    """The one query path: bind (unless bound already), then for a named query check the
    schema version and the ``$model``/``$org`` anchors, then read.

    A name given as text may be an internal ``read/...`` one: callers pass a user's name
    through :func:`bind_query` first. Returns the bound query and ``transform`` of the result.
    """
    bound = (query if isinstance(query, BoundQuery)
             else bind_query(query, params, internal=True))
    if not bound.query.name.startswith("read/"):
        ensure_current(driver, database)
        require_anchors(driver, bound.params, database)
    return bound, _execute(driver, bound.query.text, bound.params, database, timeout, transform)


def run_query(driver: neo4j.Driver, name: str | BoundQuery, params: dict[str, Any] | None = None,
              database: str = "neo4j", timeout: float | None = None, *,
              limit: int | None = None) -> pd.DataFrame:
    """Run a named query with its parameters checked and defaulted; columns as its header says.

    A ``$model`` or ``$org`` not in the graph raises ModelNotFoundError or
    OrganizationNotFoundError. ``limit`` caps the rows: it sets ``$limit`` where the query has
    one (giving both is an error), else keeps the first ``limit`` rows.
    """
    bound = name if isinstance(name, BoundQuery) else bind_query(name, params, limit=limit)
    _, df = read_query(driver, bound, None, database, timeout, _to_df)
    if bound.limit is not None and "limit" not in bound.params:
        df = df.head(bound.limit)
    return df if len(df.columns) else pd.DataFrame(columns=list(bound.query.columns))


def read_records(driver: neo4j.Driver, name: str | BoundQuery,
                 params: dict[str, Any] | None = None,
                 database: str = "neo4j", timeout: float | None = None) -> list[neo4j.Record]:
    """A named or internal (``read/...``) query's rows as records, on the same path as
    :func:`run_query`."""
    return read_query(driver, name, params, database, timeout, _to_records)[1]


def _operators(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [plan] + [op for child in plan.get("children", []) for op in _operators(child)]


def _refusal(summary: neo4j.ResultSummary, database: str) -> str | None:
    """Why a planned user query is more than a read of ``database``, or None."""
    for op in _operators(summary.plan or {}):
        name, _, on = str(op.get("operatorType", "")).partition("@")
        if "ProcedureCall" in name:
            details = str(op.get("args", {}).get("Details", ""))
            procedure = details.split("(", 1)[0].strip()
            if procedure not in ALLOWED_PROCEDURES:
                return (f"procedure {procedure or '?'} may not be called; the allowed ones are "
                        + ", ".join(ALLOWED_PROCEDURES))
        for prefix, reason in _REFUSED_OPERATORS.items():
            if name.startswith(prefix):
                return reason
        if on and on.lower() != database.lower():
            return f"it runs on database {on!r}, but queries read {database!r} only"
    if summary.query_type != "r" or summary.plan is None:
        return "schema, administration and dbms commands are not graph reads"
    return None


def _check_plan(driver: neo4j.Driver, text: str, params: dict[str, Any] | None, database: str,
                timeout: float | None) -> None:
    """Plan the user's text with EXPLAIN (nothing runs) and refuse what is not a plain read."""
    try:
        summary = _execute(driver, _EXPLAIN + text, params, database, timeout,
                           neo4j.Result.consume)
    except DatabaseError as e:
        cause = e.__cause__
        if isinstance(cause, neo4j.exceptions.ClientError) and cause.code in _UNPLANNABLE:
            raise ConsoleRefusedError(
                "this query was refused and nothing was run: administration commands are "
                "not graph reads") from e
        raise
    if summary.query_type in ("w", "rw"):
        raise ReadOnlyViolationError(_WRITE_REFUSED)
    reason = _refusal(summary, summary.database or database)
    if reason is not None:
        raise ConsoleRefusedError(f"this query was refused and nothing was run: {reason}")


def run_cypher(driver: neo4j.Driver, text: str, params: dict[str, Any] | None = None,
               database: str = "neo4j", timeout: float | None = None) -> pd.DataFrame:
    """Run a user's own Cypher read-only; parameters are passed as parameters, never spliced.

    The text is planned first and refused (ConsoleRefusedError) unless it only reads the graph:
    no LOAD CSV, SHOW or TERMINATE command, other database, or procedure outside
    :data:`ALLOWED_PROCEDURES`.
    """
    ensure_current(driver, database)
    _check_plan(driver, text, params, database, timeout)
    return read_dataframe(driver, text, params, database, timeout)


def _doc(q: Query) -> str:
    lines = [q.description, ""]
    lines += [f"``{p.name}`` ({p.type}{'' if p.required else f', default {p.default!r}'}): {p.doc}"
              for p in q.params]
    lines += ["", f"Returns a DataFrame with columns: {', '.join(q.columns)}.",
              "", f"Cypher: ``hflineage query show {q.name}``."]
    return "\n".join(lines)


def query_function(name: str) -> QueryFunction:
    """The Python function for one named query, with a real name, docstring and signature."""
    q = load(name)

    def fn(driver: neo4j.Driver, database: str = "neo4j", timeout: float | None = None,
           **params: Any) -> pd.DataFrame:
        return run_query(driver, name, params, database, timeout)

    P = inspect.Parameter
    fn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # read by inspect
        [P("driver", P.POSITIONAL_OR_KEYWORD, annotation=neo4j.Driver),
         P("database", P.POSITIONAL_OR_KEYWORD, default="neo4j", annotation=str),
         P("timeout", P.POSITIONAL_OR_KEYWORD, default=None, annotation=float | None)]
        + [P(p.name, P.KEYWORD_ONLY, default=P.empty if p.required else p.default)
           for p in q.params],
        return_annotation=pd.DataFrame)
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = "hflineage.analytics"
    fn.__doc__ = _doc(q)
    return fn


def query_functions() -> dict[str, QueryFunction]:
    """Every named query as a function, by name."""
    return {name: query_function(name) for name in registry()}
