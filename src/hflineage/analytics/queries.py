"""Named and user Cypher as pandas DataFrames, always in a READ transaction with a timeout.

Every named query of the registry is also a function of :mod:`hflineage.analytics`,
``fn(driver, database="neo4j", timeout=None, **params) -> DataFrame``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import neo4j
import pandas as pd

from hflineage.cypher import Query, load, registry
from hflineage.errors import DatabaseError, QueryTimeoutError, ReadOnlyViolationError

QueryFunction = Callable[..., pd.DataFrame]


def read_dataframe(driver: neo4j.Driver, text: str, params: dict[str, Any] | None = None,
                   database: str = "neo4j", timeout: float | None = None) -> pd.DataFrame:
    """Run Cypher in a read-only transaction (writes are refused by the server) as a DataFrame.

    Temporal columns become pandas Timestamps. ``timeout`` (seconds) stops the transaction.
    """

    @neo4j.unit_of_work(timeout=timeout)
    def work(tx: neo4j.ManagedTransaction) -> pd.DataFrame:
        return tx.run(text, params or {}).to_df(parse_dates=True)

    try:
        with driver.session(database=database,
                            default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(work)
    except neo4j.exceptions.ClientError as e:
        code = e.code or ""
        if code == "Neo.ClientError.Statement.AccessMode":
            raise ReadOnlyViolationError(
                "this query writes to the graph, but queries run read-only: "
                "it was refused and nothing was changed") from e
        if code.startswith("Neo.ClientError.Transaction.TransactionTimedOut"):
            raise QueryTimeoutError(
                f"the query ran longer than its {timeout:g} s timeout and was stopped "
                "(raise it with --timeout or HFLINEAGE_QUERY_TIMEOUT)") from e
        raise DatabaseError(f"Neo4j refused the query: {e.message}") from e


def run_query(driver: neo4j.Driver, name: str, params: dict[str, Any] | None = None,
              database: str = "neo4j", timeout: float | None = None) -> pd.DataFrame:
    """Run a named query with its parameters checked and defaulted; columns as its header says."""
    q = load(name)
    df = read_dataframe(driver, q.text, q.bind(params), database, timeout)
    return df if len(df.columns) else pd.DataFrame(columns=list(q.columns))


def run_cypher(driver: neo4j.Driver, text: str, params: dict[str, Any] | None = None,
               database: str = "neo4j", timeout: float | None = None) -> pd.DataFrame:
    """Run a user's own Cypher read-only; parameters are passed as parameters, never spliced."""
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
    fn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
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
