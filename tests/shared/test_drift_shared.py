"""Issue "Openness along the ancestry" on the shared snapshots: licence drift counted again from
the input file (edges by test_truth_shared.expected_edges, licences from the card then the tags of
each id's newest record, categories by the README's lists), never from the loader's rows."""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest

from hflineage.analytics.queries import run_query
from hflineage.loader import load_snapshot
from hflineage.loader.normalize import vocab
from tests.shared.test_truth_shared import expected_edges

ORDER = ["permissive", "copyleft", "custom/restricted", "non-commercial"]
LISTS = {"permissive": vocab.PERMISSIVE, "copyleft": vocab.COPYLEFT,
         "non-commercial": vocab.NON_COMMERCIAL, "custom/restricted": vocab.CUSTOM_RESTRICTED}
GATED = {"auto", "manual", True}
#: Real drifting pairs quoted in the issue note, each checked by hand against its records:
#: (model, ancestor, hops, model licence, ancestor licence, drift kinds).
EXAMPLES = {
    "model-trees-2025": [
        ("Arjs/Llama-2-7b-chatbot-finetune", "meta-llama/Llama-2-7b-chat-hf", 1, "apache-2.0",
         "llama2", ["looser", "ungated"]),
        ("ChengsenWang/ChatTime-1-7B-Chat", "meta-llama/Llama-2-7b", 2, "apache-2.0", "llama2",
         ["looser", "ungated"]),
        ("JosephNguyen/meditron-7b-finetuned", "epfl-llm/meditron-7b", 1, "apache-2.0",
         "llama2", ["looser", "ungated"]),
        ("Junfeng5/Liquid_V1_7B", "google/gemma-7b", 1, "mit", "gemma", ["looser", "ungated"]),
        ("Flit/g", "stabilityai/stable-diffusion-3-medium", 2, "mit", "other",
         ["looser", "ungated"])],
    "paper-2024": [
        ("liminerity/Blur-7b-v1.21", "udkai/Turdus", 1, "apache-2.0", "cc-by-nc-4.0", ["looser"]),
        ("222gate/Blur-4x7b-MOE-v0.1", "mlabonne/NeuralMarcoro14-7B", 3, "apache-2.0",
         "cc-by-nc-4.0", ["looser"])],
}


def _licence(record: dict[str, Any]) -> str | None:
    card = record.get("cardData", {}).get("license")
    for value in [card] if isinstance(card, str) else card or []:
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    tags = [t[8:].strip().lower() for t in record.get("tags", []) if t.startswith("license:")]
    return next((t for t in tags if t), None)


def _newest(models: Path) -> dict[str, dict[str, Any]]:
    newest: dict[str, dict[str, Any]] = {}
    for line in models.open(encoding="utf-8"):
        r = json.loads(line)
        key = r["id"].lower()
        if key not in newest or r.get("lastModified", "") >= newest[key].get("lastModified", ""):
            newest[key] = r
    return newest


def _ancestors(parents: dict[str, list[str]], model: str, max_depth: int) -> dict[str, int]:
    """Each ancestor within max_depth hops, by its shortest distance (breadth first)."""
    hops = {model: 0}
    todo = deque([model])
    while todo:
        here = todo.popleft()
        for p in parents.get(here, []):
            if p not in hops and hops[here] < max_depth:
                hops[p] = hops[here] + 1
                todo.append(p)
    del hops[model]
    return hops


def file_drift(models: Path, max_depth: int = 10) -> pd.DataFrame:
    """Every (derivative, ancestor) pair of the file within max_depth hops, with drift kinds."""
    newest = _newest(models)
    lic = {key: _licence(r) for key, r in newest.items()}
    rank = {key: next((ORDER.index(c) for c, ids in LISTS.items() if lic[key] in ids), None)
            for key in newest}
    parents: dict[str, list[str]] = {}
    edges = expected_edges(models)
    for child, parent in zip(edges["child"], edges["parent"], strict=True):
        parents.setdefault(str(child), []).append(str(parent))
    rows = []
    for model in parents:
        d = rank.get(model)
        for anc, n in _ancestors(parents, model, max_depth).items():
            a = rank.get(anc)
            both = d is not None and a is not None
            gated_anc = newest.get(anc, {}).get("gated") in GATED
            rows.append({"model": model, "ancestor": anc, "hops": n, "comparable": both,
                         "other": "other" in (lic.get(model), lic.get(anc)),
                         "gated": newest[model].get("gated") in GATED
                         and newest.get(anc, {}).get("gated") is False,
                         "looser": both and (d or 0) < (a or 0),
                         "stricter": both and (d or 0) > (a or 0),
                         "gatedAncestor": gated_anc and "gated" in newest[model],
                         "ungated": gated_anc and newest[model].get("gated") is False})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("folder", ["model-trees-2025", "paper-2024"])
def test_drift_counts_match_the_file(graph: neo4j.Driver, database: str, shared_data: Path,
                                     folder: str) -> None:
    models = shared_data / folder / "models.jsonl"
    load_snapshot(graph, models, database=database)
    pairs = file_drift(models)
    got = run_query(graph, "licence_drift_summary", {"by": "all"}, database).iloc[0]
    licence = pairs["looser"] | pairs["stricter"]
    drifting = pairs[licence | pairs["ungated"] | pairs["gated"]]
    want = {"pairs": len(pairs), "comparablePairs": int(pairs["comparable"].sum()),
            "looserPairs": int(pairs["looser"].sum()),
            "stricterPairs": int(pairs["stricter"].sum()),
            "gatedAncestorPairs": int(pairs["gatedAncestor"].sum()),
            "ungatedPairs": int(pairs["ungated"].sum()), "gatedPairs": int(pairs["gated"].sum()),
            "otherPairs": int((licence & pairs["other"]).sum()), "driftPairs": len(drifting),
            "models": pairs["model"].nunique(),
            "driftingModels": drifting["model"].nunique()}
    print(folder, want)
    assert {k: int(got[k]) for k in want} == want
    rows = run_query(graph, "licence_drift", {"limit": 1_000_000}, database)
    assert len(rows) == len(drifting)
    got_pairs = set(zip(rows["model"].str.lower(), rows["ancestor"].str.lower(), rows["hops"],
                        strict=True))
    assert got_pairs == set(zip(drifting["model"], drifting["ancestor"], drifting["hops"],
                                strict=True))
    for model, ancestor, hops, lic, anc_lic, kinds in EXAMPLES[folder]:
        row = rows[(rows["model"] == model) & (rows["ancestor"] == ancestor)]
        assert len(row) == 1, (model, ancestor)
        r = row.iloc[0]
        assert (r["hops"], r["modelLicense"], r["ancestorLicense"], list(r["drift"])) == (
            hops, lic, anc_lic, kinds)
