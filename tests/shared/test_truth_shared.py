"""Issue "Truth in the graph" on the shared snapshots: the corrected figures, recomputed with
pandas straight from the input files and the README's rules (not from the loader's code)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd

from hflineage.analytics import run_query
from hflineage.loader import load_snapshot
from hflineage.loader.normalize.vocab import CANONICAL_IDS

# The README's rules, written again here: a parent is an ``owner/name`` Hub id (a Hub URL is
# reduced to one, a trailing ``/`` dropped) or a legacy canonical id (the shipped list), not the
# child itself; typed tags alone define the
# parents when a record has them, else the card's ``base_model_relation`` states it; several
# parents make a merge, adapter evidence an adapter,
# quantization evidence (tags, library, name tokens, never a size token) a quantization. The
# file, config, GGUF quant-type and bit-rate rules are left out: no record without typed tags in
# paper-2024 or model-trees-2025 carries siblings or quantization_config, or such a name.
HUB_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*/[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
ADAPTER = {"peft", "lora", "qlora", "adapter", "adapter-transformers"}
QUANT_TAGS = {"gguf", "gptq", "awq", "exl2", "bitsandbytes", "4-bit", "8-bit", "4bit", "8bit",
              "bnb", "quantized", "ggml", "hqq", "aqlm", "mlx-4bit"}
QUANT_TOKENS = {"gguf", "ggml", "gptq", "awq", "exl2", "bnb", "hqq", "aqlm", "int4", "int8",
                "nf4", "fp8", "quantized"} | {f"{n}bit{s}" for n in range(1, 9) for s in ("", "s")}


def _hub_id(value: str) -> str | None:
    value = value.strip().rstrip("/").strip()
    url = re.match(r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(.+)$", value)
    if url:
        value = "/".join(url.group(1).split("/")[:2])
    ok = ((HUB_ID.match(value) or value.lower() in CANONICAL_IDS)
          and "--" not in value and ".." not in value)
    return value if ok else None


def expected_edges(models: Path) -> pd.DataFrame:
    """child, parent, relation of the newest record of each id (case-insensitive)."""
    records = [json.loads(line) for line in models.open(encoding="utf-8") if line.strip()]
    frame = pd.DataFrame({"key": [r["id"].lower() for r in records],
                          "modified": [r.get("lastModified", "") for r in records],
                          "record": records})
    newest = frame.sort_values("modified", kind="stable").groupby("key").tail(1)
    edges = []
    for r in newest["record"]:
        tags = r.get("tags", [])
        typed = {t.split(":", 2)[2]: t.split(":", 2)[1] for t in tags
                 if t.startswith("base_model:") and t.count(":") == 2}
        base = r.get("cardData", {}).get("base_model")
        named = [t.split(":", 1)[1] for t in tags if t.count(":") == 1
                 and t.startswith("base_model:")]
        named += [base] if isinstance(base, str) else [b for b in base or []
                                                       if isinstance(b, str)]
        card_relation = str(r.get("cardData", {}).get("base_model_relation") or "").strip()
        if card_relation:
            card_relation = (card_relation.lower() if card_relation.lower() in
                             {"finetune", "adapter", "quantized", "merge"} else "unknown")
        candidates = list(typed) if typed else named
        parents: dict[str, str] = {}
        for raw in candidates:
            hub = _hub_id(raw)
            if hub and hub.lower() != r["id"].lower():
                parents.setdefault(hub.lower(), typed.get(raw, card_relation))
        evidence = {t.lower() for t in tags} | {str(r.get("library_name", "")).lower()}
        tokens = {t.lower() for t in re.split(r"[-_.]", r["id"].split("/")[-1])}
        for parent, stated in parents.items():
            if stated:
                relation = stated
            elif len(parents) > 1:
                relation = "merge"
            elif evidence & ADAPTER:
                relation = "adapter"
            elif evidence & QUANT_TAGS or tokens & QUANT_TOKENS:
                relation = "quantized"
            else:
                relation = "finetune"
            edges.append((r["id"].lower(), parent, relation))
    return pd.DataFrame(edges, columns=["child", "parent", "relation"])


def _untyped_values(models: Path) -> int:
    """Card and legacy-tag parent values of records with typed tags that name no typed parent
    (valid ids only, as the README's rules read them)."""
    count = 0
    for line in models.open(encoding="utf-8"):
        r = json.loads(line)
        tags = r.get("tags", [])
        typed = {t.split(":", 2)[2].lower() for t in tags
                 if t.startswith("base_model:") and t.count(":") == 2}
        if not typed:
            continue
        base = r.get("cardData", {}).get("base_model")
        named = [t.split(":", 1)[1] for t in tags if t.count(":") == 1
                 and t.startswith("base_model:")]
        named += [base] if isinstance(base, str) else [b for b in base or []
                                                       if isinstance(b, str)]
        for raw in named:
            hub = _hub_id(raw)
            if hub and hub.lower() != r["id"].lower() and hub.lower() not in typed:
                count += 1
    return count


def graph_edges(driver: neo4j.Driver) -> pd.DataFrame:
    records, _, _ = driver.execute_query(
        "MATCH (c:Model)-[d:DERIVED_FROM]->(p:Model) "
        "RETURN c.key AS child, p.key AS parent, d.relation AS relation")
    return pd.DataFrame([r.data() for r in records], columns=["child", "parent", "relation"])


def one(driver: neo4j.Driver, query: str, **params: Any) -> Any:
    return driver.execute_query(query, params)[0][0][0]


def test_paper_2024_relations_organizations_and_junk(
        graph: neo4j.Driver, database: str, shared_data: Path, tmp_path: Path) -> None:
    load_snapshot(graph, shared_data / "paper-2024", database=database,
                  rejects=tmp_path / "r.jsonl")
    want = expected_edges(shared_data / "paper-2024" / "models.jsonl")
    got = graph_edges(graph)
    key = ["child", "parent", "relation"]
    assert sorted(map(tuple, got[key].values)) == sorted(map(tuple, want[key].values))

    merges = want[want.relation == "merge"].child.nunique()
    assert merges == 679
    assert one(graph, "MATCH (c:Model) WHERE EXISTS { (c)-[:DERIVED_FROM {relation: 'merge'}]"
                      "->() } RETURN count(c)") == merges
    quantized = run_query(graph, "top_base_models", {"relation": "quantized", "limit": 1000},
                          database=database)
    assert len(quantized[quantized["directDerivatives"] > 0]) == 36
    assert want[want.relation == "quantized"].parent.nunique() == 36
    assert one(graph, "MATCH (:Model {key: 'sail/sailor-4b-chat'})-[d:DERIVED_FROM]->() "
                      "RETURN d.relation") == "finetune"

    # every model whose id has an owner is published by it, stubs included
    assert one(graph, "MATCH (m:Model) WHERE m.id CONTAINS '/' "
                      "AND NOT (m)<-[:PUBLISHED]-(:Organization) RETURN count(m)") == 0
    owned = want[want.child.str.contains("/") & want.parent.str.contains("/")].assign(
        po=lambda f: f.parent.str.split("/").str[0], co=lambda f: f.child.str.split("/").str[0])
    flows = run_query(graph, "org_flows", {"limit": 100000, "includeSameOrg": True},
                      database=database)
    assert flows["derivatives"].sum() == len(owned.drop_duplicates(["po", "co", "child"]))

    assert one(graph, "MATCH (d:Dataset) WHERE d.key = 'generator' RETURN count(d)") == 0
    assert one(graph, "MATCH (c:Contributor) WHERE c.name = 'Limerobot' "
                      "RETURN c.isBot") is False


def test_model_trees_typed_tags_are_authoritative(
        graph: neo4j.Driver, database: str, shared_data: Path, tmp_path: Path) -> None:
    rejects = tmp_path / "r.jsonl"
    load_snapshot(graph, shared_data / "model-trees-2025", database=database, rejects=rejects)
    want = expected_edges(shared_data / "model-trees-2025" / "models.jsonl")
    got = graph_edges(graph)
    key = ["child", "parent", "relation"]
    assert sorted(map(tuple, got[key].values)) == sorted(map(tuple, want[key].values))
    assert one(graph, "MATCH (:Model {key: 'microsoft/phi-4'})<-[d:DERIVED_FROM "
                      "{relation: 'merge'}]-() RETURN count(d)") == 0
    dropped = [json.loads(x) for x in rejects.read_text(encoding="utf-8").splitlines()]
    typed_drops = [d for d in dropped if d["reason"].startswith("not-in-typed-tags")]
    assert len(typed_drops) == _untyped_values(shared_data / "model-trees-2025" / "models.jsonl")
    assert one(graph, "MATCH (m:Model) WHERE m.id CONTAINS '/' "
                      "AND NOT (m)<-[:PUBLISHED]-(:Organization) RETURN count(m)") == 0
