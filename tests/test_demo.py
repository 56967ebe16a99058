"""The walking skeleton: sample load, a query table, a lineage page, through the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import neo4j
import pandas as pd

from hflineage.demo import DEMO_FAMILY, sample_dir


def test_demo_cli_loads_sample_prints_table_and_writes_html(
    graph: neo4j.Driver, database: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "demo"
    proc = subprocess.run([sys.executable, "-m", "hflineage", "demo", "--out", str(out)],
                          env=os.environ | cli_env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "top_base_models" in proc.stdout
    assert "mistralai/Mistral-7B-v0.1" in proc.stdout
    table = pd.read_csv(out / "top_base_models.csv")
    assert table.iloc[0]["model"] == "mistralai/Mistral-7B-v0.1"
    html = (out / "lineage-llama-2-7b.html").read_text(encoding="utf-8")
    assert "Llama-2-7b-hf" in html and "<script" in html
    assert str(out / "lineage-llama-2-7b.html") in proc.stdout

    lines = [ln for ln in (sample_dir() / "models.jsonl").read_text().splitlines() if ln.strip()]
    records, _, _ = graph.execute_query(
        "MATCH (m:Model) WHERE NOT m.stub RETURN count(m) AS described", database_=database)
    described = records[0]["described"]
    # One broken line and one exact duplicate in the sample; every other line is a model.
    assert described == len(lines) - 2
    records, _, _ = graph.execute_query(
        "MATCH (:Model {key: toLower($id)})<-[:DERIVED_FROM*1..]-(d) "
        "RETURN count(DISTINCT d) AS n", {"id": DEMO_FAMILY}, database_=database)
    assert records[0]["n"] > 5
