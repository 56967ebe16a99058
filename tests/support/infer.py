"""Rows shaped like ``read/infer_facts`` straight from a models.jsonl file, without a graph:
the newest record per id, its declared parents, and a stub for each parent it names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hflineage.loader.normalize.rules import ModelRows, RecordError, normalize_model


def file_rows(path: Path) -> list[dict[str, Any]]:
    best: dict[str, ModelRows] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows = normalize_model(json.loads(line), line)
        except (RecordError, ValueError):
            continue
        key = rows.model["key"]
        if key not in best or rows.model["version"] > best[key].model["version"]:
            best[key] = rows
    out: dict[str, dict[str, Any]] = {}
    for key, rows in best.items():
        m = rows.model
        out[key] = {
            "key": key, "id": m["id"], "stub": False,
            "created": m["createdAt"].timestamp() * 1000 if m["createdAt"] else None,
            "modelType": m["modelType"], "library": m["libraryName"],
            "architectures": [a["name"] for a in rows.architectures],
            "tags": [t for t in m["tags"] if not t.startswith("base_model:")],
            "files": m["fileEvidence"], "hints": m["cardHints"], "size": m["nameParameters"],
            "root": None, "parents": [[p["parentKey"], p["relation"]] for p in rows.parents]}
    for rows in best.values():
        for p in rows.parents:
            out.setdefault(p["parentKey"], {"key": p["parentKey"], "id": p["parentId"],
                                            "stub": True, "parents": []})
    return list(out.values())
