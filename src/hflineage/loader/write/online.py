"""Batched, index-backed writes of normalized rows: one managed transaction per batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import Any, TypeVar

import neo4j

from hflineage.cypher import statement
from hflineage.loader.normalize.ids import is_hub_username, key_of, owner_of
from hflineage.loader.normalize.rules import CommitRow, ModelRows, Row, is_bot

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def newest_per_key(batch: Sequence[ModelRows]) -> list[ModelRows]:
    """Within one batch, keep the newest record of each model (same rule as across batches)."""
    best: dict[str, ModelRows] = {}
    for rows in batch:
        key = rows.model["key"]
        if key not in best or rows.model["version"] > best[key].model["version"]:
            best[key] = rows
    return list(best.values())


def describe_rows(batch: Iterable[ModelRows]) -> list[Row]:
    """The rows of ``write/describe_models``: each model row with its edge rows nested."""
    return [{**r.model, "architectures": r.architectures, "licenses": r.licenses,
             "datasets": r.datasets, "parents": r.parents} for r in batch]


def organization_rows(models: Iterable[tuple[str, str]]) -> list[Row]:
    """``write/stub_organizations`` rows for (key, id) pairs of referenced models with an owner."""
    rows: dict[str, Row] = {}
    for key, model_id in models:
        owner = owner_of(model_id)
        if owner is not None and (key not in rows or owner < rows[key]["orgName"]):
            rows[key] = {"key": key, "orgKey": key_of(owner), "orgName": owner}
    return list(rows.values())


def after_models(tx: neo4j.ManagedTransaction, referenced: Iterable[tuple[str, str]],
                 counted: Iterable[str]) -> None:
    """What every write of models ends with: referenced models get their organization, and
    models whose parameter count was written get it checked (``parametersFlag``)."""
    tx.run(statement("write/stub_organizations"),
           rows=organization_rows(referenced)).consume()
    keys = list(dict.fromkeys(counted))
    if keys:
        tx.run(statement("write/flag_parameters"), keys=keys).consume()


def _describe(tx: neo4j.ManagedTransaction, batch: list[ModelRows]) -> None:
    tx.run(statement("write/describe_models"), rows=describe_rows(batch)).consume()
    after_models(tx, ((p["parentKey"], p["parentId"]) for r in batch for p in r.parents),
                 (r.model["key"] for r in batch))


def committed_to_rows(batch: Iterable[CommitRow], kind: str) -> list[Row]:
    """``write/merge_commits`` rows: commits grouped per (contributor, model), with their
    distinct ids and time range.

    ``kind`` is the kind of the source's authors; a name that cannot be a Hub username (the Hub
    returns git display names for commits not linked to an account) is ``git`` either way. A
    contributor is spelled as in its latest commit (the smallest spelling on a tie).
    """
    groups: dict[tuple[str, str], Row] = {}
    for c in batch:
        author_kind = "hub" if kind == "hub" and is_hub_username(c.author) else "git"
        ckey = f"{author_kind}:{key_of(c.author)}"
        row = groups.get((ckey, c.model_key))
        if row is None:
            row = groups[(ckey, c.model_key)] = {
                "modelKey": c.model_key, "modelId": c.model_id, "contributorKey": ckey,
                "name": c.author, "kind": author_kind, "isBot": is_bot(c.author),
                "commitIds": {}, "first": None, "last": None}
        row["commitIds"][c.commit_id] = None
        t = c.created_at
        if t is None:
            continue
        if row["first"] is None or t < row["first"]:
            row["first"] = t
        if row["last"] is None or t > row["last"] or (t == row["last"] and c.author < row["name"]):
            row["last"], row["name"] = t, c.author
    for row in groups.values():
        row["commitIds"] = list(row["commitIds"])
    return list(groups.values())


def _commits(tx: neo4j.ManagedTransaction, rows: list[Row]) -> None:
    tx.run(statement("write/merge_commits"), rows=rows).consume()
    after_models(tx, ((r["modelKey"], r["modelId"]) for r in rows), ())


def _locked(tx: neo4j.ManagedTransaction,
            fn: Callable[[neo4j.ManagedTransaction, Any], None], payload: Any) -> None:
    tx.run(statement("write/lock_writes")).consume()
    fn(tx, payload)


class OnlineWriter:
    """The online :class:`~hflineage.loader.write.stages.Writer`: writes batches on a background
    thread while the caller normalizes the next one."""

    def __init__(self, driver: neo4j.Driver, database: str) -> None:
        self.driver = driver
        self.database = database
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hflineage-writer")
        self._pending: Future[Any] | None = None

    def _submit(self, fn: Callable[[neo4j.ManagedTransaction, Any], None], payload: Any) -> None:
        self.wait()
        self._pending = self._pool.submit(self._run, fn, payload)

    def _run(self, fn: Callable[[neo4j.ManagedTransaction, Any], None], payload: Any) -> None:
        with self.driver.session(database=self.database) as session:
            session.execute_write(_locked, fn, payload)

    def models(self, batch: Sequence[ModelRows]) -> None:
        """Describe a batch of models (newest record per model wins)."""
        self._submit(_describe, newest_per_key(batch))

    def commits(self, batch: Sequence[CommitRow], kind: str) -> None:
        """Merge a batch of commits by ``hub`` usernames or ``git`` display names."""
        self._submit(_commits, committed_to_rows(batch, kind))

    def wait(self) -> None:
        """Block until the batch in flight is written; re-raise its error."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self._pool.shutdown(wait=True)
