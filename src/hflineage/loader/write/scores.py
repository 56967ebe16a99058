"""Graph writes of leaderboard scores: one managed transaction per batch of score rows."""

from __future__ import annotations

import neo4j

from hflineage.cypher import statement
from hflineage.loader.normalize.rules import Row
from hflineage.loader.write.online import after_models, batched
from hflineage.loader.write.run import progress_bar


def _merge_scores(tx: neo4j.ManagedTransaction, batch: list[Row]) -> None:
    tx.run(statement("write/merge_scores"), rows=batch).consume()
    after_models(tx, ((r["key"], r["id"]) for r in batch), (r["key"] for r in batch))


def write_scores(driver: neo4j.Driver, database: str, rows: list[Row], *, label: str,
                 batch_size: int, progress: bool) -> None:
    """Merge score rows (one per model, see ``best_rows``) with their models and benchmarks."""
    with progress_bar(progress, label, len(rows)) as advance:
        for batch in batched(rows, batch_size):
            with driver.session(database=database) as session:
                session.execute_write(_merge_scores, batch)
            advance(len(batch))
