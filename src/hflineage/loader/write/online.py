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


def on_the_wire(row: Row, *fields: str) -> Row:
    """``row`` with its datetime ``fields`` as ISO 8601 text, which the statements parse with
    ``datetime()``: the driver encodes datetimes about ten times slower than text."""
    return row | {f: row[f].isoformat() if row[f] is not None else None for f in fields}


def _architectures(rows: ModelRows, won: Row) -> list[str]:
    if rows.model["hasArchitectures"]:
        return list(dict.fromkeys(a["name"] for a in rows.architectures))
    board = won["leaderboardArchitecture"]
    return [board] if board is not None else []


def model_ends(winners: Sequence[tuple[ModelRows, Row]]) -> dict[str, Any]:
    """``write/model_ends`` parameters: every node the winners point to, once, reduced as the
    per-row merges would leave it (newest record names an organization, smallest spelling of a
    dataset or a stub parent)."""
    orgs: dict[str, Row] = {}
    archs: dict[str, None] = {}
    licenses: dict[str, Row] = {}
    datasets: dict[str, Row] = {}
    parents: dict[str, Row] = {}
    for rows, won in winners:
        m = rows.model
        if m["orgKey"] is not None:
            known = orgs.get(m["orgKey"])
            if known is None or m["version"] > known["version"]:
                orgs[m["orgKey"]] = {"key": m["orgKey"], "name": m["orgName"],
                                     "version": m["version"]}
        archs.update(dict.fromkeys(_architectures(rows, won)))
        for lic in rows.licenses:
            licenses[lic["id"]] = {"id": lic["id"], "category": lic["category"]}
        for d in rows.datasets:
            if d["key"] not in datasets or d["id"] < datasets[d["key"]]["id"]:
                datasets[d["key"]] = {"key": d["key"], "id": d["id"]}
        for p in rows.parents:
            if p["parentKey"] not in parents or p["parentId"] < parents[p["parentKey"]]["id"]:
                parents[p["parentKey"]] = {"key": p["parentKey"], "id": p["parentId"]}
    return {"organizations": list(orgs.values()), "architectures": list(archs),
            "licenses": list(licenses.values()), "datasets": list(datasets.values()),
            "parents": list(parents.values())}


def link_rows(winners: Sequence[tuple[ModelRows, Row]]) -> list[Row]:
    """``write/link_models`` rows: each winner's outgoing edges, once per end node."""
    out = []
    for rows, won in winners:
        m = rows.model
        parents = {p["parentKey"]: {"key": p["parentKey"], "relation": p["relation"],
                                    "source": p["source"], "relationSource": p["relationSource"]}
                   for p in rows.parents}
        out.append({"key": m["key"], "orgKey": m["orgKey"] if won["fresh"] else None,
                    "architectures": _architectures(rows, won),
                    "licenses": list(dict.fromkeys(lic["id"] for lic in rows.licenses)),
                    "datasets": list(dict.fromkeys(d["key"] for d in rows.datasets)),
                    "parents": list(parents.values())})
    return out


def _describe(tx: neo4j.ManagedTransaction, batch: list[ModelRows]) -> None:
    """Describe a batch (one row per key): properties, then the edges a winner replaces, the
    nodes they point to, and the edges themselves, each its own statement without ``Eager``."""
    described = tx.run(statement("write/describe_models"),
                       rows=[on_the_wire(r.model, "createdAt", "lastModified") for r in batch])
    won = {r["key"]: r.data() for r in described}
    winners = [(rows, won[rows.model["key"]]) for rows in batch if rows.model["key"] in won]
    replace = [key for key, r in won.items() if r["replace"]]
    if replace:
        tx.run(statement("write/replace_model_edges"), keys=replace).consume()
    if winners:
        tx.run(statement("write/model_ends"), model_ends(winners)).consume()
        tx.run(statement("write/link_models"), rows=link_rows(winners)).consume()
    published = [{"key": rows.model["key"], "orgKey": rows.model["orgKey"]}
                 for rows, r in winners if not r["fresh"] and rows.model["orgKey"] is not None]
    if published:
        tx.run(statement("write/publish_models"), rows=published).consume()
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
    tx.run(statement("write/merge_commits"),
           rows=[on_the_wire(r, "first", "last") for r in rows]).consume()
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
