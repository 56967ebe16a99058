"""The graph version: what a cache of whole-graph results is keyed on.

It is the latest finished ``LoadRun`` (complete or failed: a failed load may have written part of
its rows) plus the epoch of the one ``(:GraphEpoch {id: 'graph'})`` node, which ``db reset`` and
``db restore`` bump. A bump raises the epoch past the value read before the graph was wiped or
replaced and draws a fresh token, so a key never repeats, even after a reset that died half-way.
"""

from __future__ import annotations

from dataclasses import dataclass

import neo4j

from hflineage.cypher import statement


@dataclass(frozen=True)
class GraphVersion:
    """The latest finished LoadRun (all None before any) and the reset/restore epoch."""

    epoch: int
    token: str | None
    run_id: str | None
    run_finished_at: str | None
    run_status: str | None

    @property
    def key(self) -> str:
        """``epoch-N[.token]/run-ID`` (``run-none`` before any load finished)."""
        epoch = f"epoch-{self.epoch}" + (f".{self.token[:8]}" if self.token else "")
        return f"{epoch}/run-{self.run_id or 'none'}"


def graph_version(driver: neo4j.Driver, database: str = "neo4j",
                  timeout: float | None = None) -> GraphVersion:
    """The graph's version now (one small read)."""
    # Imported here: the loader bumps the epoch, and analytics imports the loader.
    from hflineage.analytics.queries import read_records

    row = read_records(driver, "read/graph_version", None, database, timeout)[0]
    return GraphVersion(epoch=int(row["epoch"]), token=row["token"], run_id=row["runId"],
                        run_finished_at=row["runFinishedAt"], run_status=row["runStatus"])


def bump_epoch(driver: neo4j.Driver, database: str = "neo4j", at_least: int = 0) -> int:
    """Raise the epoch past both its stored value and ``at_least``; returns the new epoch."""
    records, _, _ = driver.execute_query(statement("write/bump_epoch"), {"atLeast": at_least},
                                         database_=database)
    return int(records[0]["epoch"])
