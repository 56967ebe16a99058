"""The walking skeleton: sample load, a query table, a lineage page, through the real CLI, on the
demo's own server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import neo4j
import pandas as pd

from hflineage.config import get_settings
from hflineage.db.runtime import demo_instance, demo_state_dir
from hflineage.demo import DEMO_FAMILY, sample_dir


def test_demo_runs_on_its_own_server_and_never_mixes(
    graph: neo4j.Driver, database: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "demo"
    settings = get_settings()  # cli_env points HFLINEAGE_HOME at a temporary state folder
    inst = demo_instance(settings)
    try:
        proc = subprocess.run([sys.executable, "-m", "hflineage", "demo", "--out", str(out)],
                              env=os.environ | cli_env, capture_output=True, text=True,
                              timeout=600, check=False)
        assert proc.returncode == 0, proc.stderr
        home = demo_state_dir(settings)
        assert inst.home == home / "neo4j" and inst.pid() is not None
        assert f"state folder {home}" in proc.stdout and "NEO4J_URI is ignored" in proc.stdout
        assert inst.uri and inst.uri != cli_env["NEO4J_URI"] and inst.uri in proc.stdout
        assert f"HFLINEAGE_HOME={home} NEO4J_URI= hflineage db env" in proc.stdout
        assert f"HFLINEAGE_HOME={home} NEO4J_URI= hflineage serve --open" in proc.stdout
        assert "top_base_models" in proc.stdout
        assert "mistralai/Mistral-7B-v0.1" in proc.stdout
        table = pd.read_csv(out / "top_base_models.csv")
        assert table.iloc[0]["model"] == "mistralai/Mistral-7B-v0.1"
        html = (out / "lineage-llama-2-7b.html").read_text(encoding="utf-8")
        assert "Llama-2-7b-hf" in html and "<script" in html
        assert str(out / "lineage-llama-2-7b.html") in proc.stdout

        records, _, _ = graph.execute_query(  # the server NEO4J_URI names got nothing
            "MATCH (n) WHERE NOT n:Schema RETURN count(n) AS n", database_=database)
        assert records[0]["n"] == 0
        lines = [ln for ln in (sample_dir() / "models.jsonl").read_text().splitlines()
                 if ln.strip()]
        with inst.driver() as demo_graph:
            records, _, _ = demo_graph.execute_query(
                "MATCH (m:Model) WHERE NOT m.stub RETURN count(m) AS described")
            # One broken line and one exact duplicate in the sample; every other line is a model.
            assert records[0]["described"] == len(lines) - 2
            records, _, _ = demo_graph.execute_query(
                "MATCH (:Model {key: toLower($id)})<-[:DERIVED_FROM*1..]-(d) "
                "RETURN count(DISTINCT d) AS n", {"id": DEMO_FAMILY})
            assert records[0]["n"] > 5
        opened = subprocess.run(
            [sys.executable, "-m", "hflineage", "query", "run", "top_base_models", "-n", "1",
             "--format", "csv"], env=os.environ | cli_env | {"HFLINEAGE_HOME": str(home),
                                                             "NEO4J_URI": ""},
            capture_output=True, text=True, timeout=300, check=False)
        assert opened.returncode == 0 and "Mistral-7B-v0.1" in opened.stdout, opened.stderr
    finally:
        inst.stop()
