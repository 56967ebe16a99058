"""Graph writes of a Hub crawl: its load in one LoadRun, then renames and deletions."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

import neo4j

from hflineage.cypher import statement
from hflineage.db.lock import load_lock
from hflineage.db.version import bump_epoch
from hflineage.loader.normalize.ids import key_of
from hflineage.loader.sources.crawl import Crawl, read_jsonl
from hflineage.loader.sources.hub import CrawlSpec
from hflineage.loader.sources.snapshot import snapshot_stages
from hflineage.loader.write.online import batched
from hflineage.loader.write.run import LoadSummary
from hflineage.loader.write.stages import run_stages


def load_crawl(driver: neo4j.Driver, crawl: Crawl, *, database: str,
               rejects: Path | str | None = None, batch_size: int = 5000,
               progress: bool = False, lock: Path | None = None) -> LoadSummary:
    """Load a fetched crawl in one Hub LoadRun, then apply its renames and deletions (and bump
    the graph epoch, so the graph version changes after them too), holding ``lock`` (the
    managed server's load lock) throughout."""
    folder = crawl.folder
    with load_lock(lock):
        summary = run_stages(driver, snapshot_stages(folder, "hub"), source="hub",
                             input_=crawl.spec.describe(), database=database,
                             rejects=rejects or folder / "rejects.jsonl",
                             batch_size=batch_size, progress=progress, lock=lock)
        driver.execute_query(statement("write/hub_crawl_started"),
                             {"id": summary.run_id, "at": crawl.state.started_at,
                              "scope": crawl.spec.scope()}, database_=database)
        apply_events(driver, database, folder, batch_size)
        bump_epoch(driver, database)  # the events land after the run finished: a new version
    crawl.mark("loaded")
    return summary


def apply_events(driver: neo4j.Driver, database: str, folder: Path, batch_size: int = 5000
                 ) -> None:
    """Revive models fetched alive, mark 404s deleted, fold renamed ids into live models."""
    deleted: dict[str, str] = {}
    renames: list[dict[str, str]] = []
    for e in read_jsonl(folder / "events.jsonl"):
        if e["event"] == "deleted":
            deleted[key_of(e["id"])] = e["at"]
        else:
            renames.append({"oldKey": key_of(e["from"]), "newKey": key_of(e["to"]),
                            "newId": e["to"]})
    alive = (k for k in (key_of(r["id"]) for r in read_jsonl(folder / "models.jsonl"))
             if k not in deleted)
    for keys in batched(alive, batch_size):
        _write(driver, database, "write/hub_revive", {"keys": keys})
    for rows in batched([{"key": k, "at": at} for k, at in deleted.items()], batch_size):
        _write(driver, database, "write/hub_mark_deleted", {"rows": rows})
    fold_renamed(driver, database, renames)


def fold_renamed(driver: neo4j.Driver, database: str, renames: list[dict[str, str]]) -> int:
    """Fold renamed ids into their live models, then any node re-created under an alias since
    (a stale parent reference in a later load). Returns how many stale nodes were folded."""
    for row in renames:  # one at a time: a chain A→B, B→C must fold in order
        _write(driver, database, "write/hub_merge_renamed", {"rows": [row]})
    stale = driver.execute_query(statement("read/hub_stale_aliases"), database_=database,
                                 routing_=neo4j.RoutingControl.READ).records
    for record in stale:
        _write(driver, database, "write/hub_merge_renamed", {"rows": [dict(record)]})
    return len(stale)


def _write(driver: neo4j.Driver, database: str, name: str, params: dict[str, Any]) -> None:
    driver.execute_query(statement(name), params, database_=database)


def stored_models(driver: neo4j.Driver, database: str, author: str | None = None,
                  limit: int | None = None) -> list[str]:
    """Ids of the described, live models in the graph (what ``--refresh`` re-checks)."""
    records = driver.execute_query(statement("read/hub_stored_models"),
                                   {"author": author, "limit": limit or 2**62},
                                   database_=database, routing_=neo4j.RoutingControl.READ).records
    return [r["id"] for r in records]


def last_crawl_start(driver: neo4j.Driver, database: str, spec: CrawlSpec) -> str | None:
    """Start of the crawl behind the last complete Hub load of this scope, ISO-8601 UTC."""
    records = driver.execute_query(statement("read/hub_last_crawl"), {"scope": spec.scope()},
                                   database_=database, routing_=neo4j.RoutingControl.READ).records
    since = records[0]["since"] if records else None
    return since.to_native().astimezone(UTC).isoformat() if since is not None else None
