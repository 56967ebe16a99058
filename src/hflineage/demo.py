"""The walking skeleton: start Neo4j, load the shipped sample, run a query, draw a lineage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import neo4j
import pandas as pd

from hflineage.db.schema import init_schema
from hflineage.loader import load_leaderboard, load_snapshot

SAMPLE = "data/sample"
DEMO_QUERY = "top_base_models"
DEMO_FAMILY = "meta-llama/Llama-2-7b-hf"
DEMO_COLUMNS = ["model", "architecture", "directDerivatives", "transitiveDerivatives"]


@dataclass
class DemoResult:
    """What the demo wrote, and the table it printed."""

    outputs: dict[str, Path] = field(default_factory=dict)
    table: pd.DataFrame | None = None


def sample_dir() -> Path:
    """The shipped illustrative snapshot (see its README)."""
    return Path(str(resources.files("hflineage").joinpath(SAMPLE)))


def run_demo(driver: neo4j.Driver, database: str, out: Path,
             say: Callable[[str], None] = lambda _: None) -> DemoResult:
    """Load the sample, run one named query, write one lineage page; return what was made."""
    from hflineage.analytics import run_query
    from hflineage.viz import family_graph

    out.mkdir(parents=True, exist_ok=True)
    result = DemoResult()
    init_schema(driver, database)
    sample = sample_dir()
    rejects = out / "rejects.jsonl"
    summary = load_snapshot(driver, sample, database=database, rejects=rejects, progress=False)
    say(f"sample snapshot: {summary.line()}")
    scores = load_leaderboard(driver, sample / "leaderboard-v2.csv", database=database,
                              rejects=out / "leaderboard-rejects.jsonl", progress=False)
    say(f"sample leaderboard: {scores.line()}")
    result.outputs["rejects"] = rejects

    table = run_query(driver, DEMO_QUERY, {"limit": 10}, database=database)
    result.table = table
    csv = out / f"{DEMO_QUERY}.csv"
    table.to_csv(csv, index=False)
    result.outputs["table"] = csv

    html = out / "lineage-llama-2-7b.html"
    family_graph(driver, DEMO_FAMILY, database=database).save(html)
    result.outputs["lineage"] = html
    return result
