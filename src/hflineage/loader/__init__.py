"""The loader: Hub-shaped records → normalized flat rows → batched, idempotent Neo4j writes.

``normalize`` holds the pure rules, ``rows`` the iterators every source shares, ``writer`` the
batched Cypher, ``snapshot`` and ``leaderboard`` the loads.
"""

from hflineage.loader.normalize import rows
from hflineage.loader.normalize.rules import (
    ModelRows,
    RecordError,
    normalize_commit,
    normalize_model,
)
from hflineage.loader.sources.leaderboard import load_leaderboard
from hflineage.loader.write.run import LoadSummary
from hflineage.loader.write.stages import load_commit_records, load_model_records, load_snapshot

__all__ = [
    "LoadSummary",
    "ModelRows",
    "RecordError",
    "load_commit_records",
    "load_leaderboard",
    "load_model_records",
    "load_snapshot",
    "normalize_commit",
    "normalize_model",
    "rows",
]
