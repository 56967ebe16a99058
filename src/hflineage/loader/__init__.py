"""The loader, by stage: ``sources`` read records (snapshot files, the Hub, leaderboards),
``normalize`` turns them into flat rows (ids, vocabulary, relation rules), ``write`` puts the rows
in Neo4j (the stage runner with LoadRun and rejects, the online and bulk writers, Hub events,
scores). ``api`` holds the loads, each a source, the normalizer and a writer in one LoadRun.
"""

from hflineage.loader.api import (
    HubLoad,
    load_commit_records,
    load_hub,
    load_leaderboard,
    load_model_records,
    load_snapshot,
    resolve_since,
)
from hflineage.loader.normalize import rows
from hflineage.loader.normalize.rules import (
    ModelRows,
    RecordError,
    normalize_commit,
    normalize_model,
)
from hflineage.loader.sources.hub import CrawlSpec, HubClient
from hflineage.loader.write.run import LoadSummary

__all__ = [
    "CrawlSpec",
    "HubClient",
    "HubLoad",
    "LoadSummary",
    "ModelRows",
    "RecordError",
    "load_commit_records",
    "load_hub",
    "load_leaderboard",
    "load_model_records",
    "load_snapshot",
    "normalize_commit",
    "normalize_model",
    "resolve_since",
    "rows",
]
