"""Everything one model's page shows: its facts, relatives, ancestry, scores and contributors.

:func:`model_page` reads it through the one query runner; an id not in the graph raises
:class:`~hflineage.errors.ModelNotFoundError` naming close matches, and
:func:`similar_model_ids` gives those matches as a list (for links).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Any

import neo4j
import pandas as pd

from hflineage.analytics.queries import read_records, run_query
from hflineage.loader.normalize.ids import key_of
from hflineage.loader.normalize.vocab import license_category

HUB = "https://huggingface.co/"
#: The deepest ancestry model_lineage follows (its own cap).
MAX_DEPTH = 32
_RELATIVES = ["id", "relation", "stub"]
_CONTRIBUTORS = ["name", "kind", "isBot", "commits", "firstCommit", "lastCommit"]
_SCORES = ["leaderboard", "benchmark", "score"]
_COMPARISONS = ["leaderboard", "benchmark", "score", "against", "model", "other_score", "delta"]
PREDICTED_COLUMNS = ["id", "relation", "confidence", "rank", "method", "evidence", "stub"]
PREDICTED_ANCESTRY_COLUMNS = ["model", "generation", "relation", "confidence", "path"]
DRIFT_COLUMNS = ["ancestor", "hops", "relations", "path", "modelLicense", "modelCategory",
                 "ancestorLicense", "ancestorCategory", "modelGated", "ancestorGated", "drift",
                 "conflict"]
#: What the loader's ``parametersFlag`` values mean (a count not to be taken as the model's size).
PARAMETER_FLAGS = {
    "below-10M": "below 10 million, too few for a real model",
    "disagrees-with-name": "more than 10× away from the size the model's name states",
    "disagrees-with-leaderboard": "safetensors and the leaderboard's #Params more than 10× apart",
}


@dataclass(frozen=True)
class ModelPage:
    """One model's page as plain values and DataFrames.

    ``parents``/``children``: id, relation, stub (by relation, then id). ``chains``: per root,
    the ids from this model up to it. ``scores``: leaderboard, benchmark, score (the model's
    own). ``comparisons``: per own score and per direct parent and root (``against``), that
    model's score on the same leaderboard and benchmark and ``delta`` = score - other_score;
    both are NaN (never 0) when the other model has no such score. ``quantized``: a quantized
    edge to a parent or the loader's quantizedStorage mark (``parameters`` is then a count of
    packed storage); ``parameters_flag``: the loader's suspect-count flag (see PARAMETER_FLAGS).
    Everything above uses declared edges only. ``predicted``: the model's predicted parents
    (LIKELY_DERIVED_FROM, hflineage infer; PREDICTED_COLUMNS, best rank first), always read;
    ``predicted_ancestry``: with ``include_likely``, the ancestors reached only through a
    predicted edge (model, generation, relation, lowest confidence on the path, path), else
    empty. ``drift``: the licence_drift rows of the model (DRIFT_COLUMNS, conflicts first) over
    its ``ancestors`` (declared, not deleted, up to MAX_DEPTH hops), ``known_ancestors`` of
    which have a known licence category.
    """

    id: str
    key: str
    hub_url: str
    organization: str | None
    architecture: str | None
    parameters: int | None
    parameters_source: str | None
    parameters_flag: str | None
    quantized: bool
    license: str | None
    license_category: str | None
    gated: str | None
    created: str | None
    last_modified: str | None
    deleted_at: str | None
    downloads: int | None
    likes: int | None
    stub: bool
    deleted: bool
    parents: pd.DataFrame
    children: pd.DataFrame
    roots: tuple[str, ...]
    chains: tuple[tuple[str, ...], ...]
    contributors: pd.DataFrame
    scores: pd.DataFrame
    comparisons: pd.DataFrame
    predicted: pd.DataFrame
    predicted_ancestry: pd.DataFrame
    drift: pd.DataFrame
    ancestors: int
    known_ancestors: int
    include_likely: bool = False


def similar_model_ids(driver: neo4j.Driver, model: str, *, database: str = "neo4j",
                      timeout: float | None = None, n: int = 5) -> list[str]:
    """Ids of the graph close to ``model`` (same namespace or same name), closest first."""
    namespace, _, name = key_of(model).rpartition("/")
    rows = read_records(driver, "read/similar_models", {"namespace": namespace, "name": name},
                        database, timeout)
    by_key = {str(r["id"]).lower(): str(r["id"]) for r in rows}
    close = difflib.get_close_matches(key_of(model), list(by_key), n=n, cutoff=0.5)
    return [by_key[k] for k in close]


def _chains(lineage: pd.DataFrame, model_id: str, roots: tuple[str, ...]
            ) -> tuple[tuple[str, ...], ...]:
    paths = {str(row["model"]).lower(): tuple(str(step) for step in row["path"])
             for row in lineage.to_dict("records")
             if row["direction"] == "ancestor" and not row["likely"]}
    return tuple(paths.get(r.lower(), (model_id, "…", r)) for r in roots)


def _comparisons(scores: list[dict[str, Any]], relatives: list[tuple[str, str]]
                 ) -> pd.DataFrame:
    """Per own score, each relative's score on the same board and benchmark, and the delta."""
    theirs = {(s["model"].lower(), s["leaderboard"], s["benchmark"]): s["score"] for s in scores
              if s["role"] != "self"}
    rows = []
    for own in (s for s in scores if s["role"] == "self"):
        for against, other in relatives:
            found = theirs.get((other.lower(), own["leaderboard"], own["benchmark"]))
            delta = math.nan if found is None else own["score"] - found
            rows.append([own["leaderboard"], own["benchmark"], own["score"], against, other,
                         math.nan if found is None else found, delta])
    return pd.DataFrame(rows, columns=_COMPARISONS)


def _predicted_ancestry(lineage: pd.DataFrame) -> pd.DataFrame:
    rows = lineage[(lineage["direction"] == "ancestor") & lineage["likely"].astype(bool)]
    return pd.DataFrame([[r["model"], int(r["generation"]), r["relation"], r["confidence"],
                          tuple(r["path"])] for r in rows.to_dict("records")],
                        columns=PREDICTED_ANCESTRY_COLUMNS)


def model_page(driver: neo4j.Driver, model: str, *, database: str = "neo4j",
               timeout: float | None = None, include_likely: bool = False) -> ModelPage:
    """Everything the page of ``model`` shows; a model not in the graph raises
    ModelNotFoundError (with "did you mean"). ``include_likely`` adds the ancestry through
    predicted edges (hflineage infer); the rest stays declared."""
    lineage = run_query(driver, "model_lineage",  # anchored: checks the schema and the id first
                        {"model": model, "maxDepth": MAX_DEPTH, "direction": "up",
                         "includeLikely": include_likely}, database, timeout)
    predicted = [dict(r) for r in
                 read_records(driver, "read/predicted_parents", {"model": model}, database,
                              timeout)]
    row = read_records(driver, "read/model_page", {"model": model}, database, timeout)[0]
    scores = [dict(r) for r in
              read_records(driver, "read/model_scores", {"model": model}, database, timeout)]
    drift = run_query(driver, "licence_drift",
                      {"model": model, "maxDepth": MAX_DEPTH, "limit": max(row["ancestors"], 1)},
                      database, timeout) if row["ancestors"] else pd.DataFrame()
    roots = tuple(row["roots"])
    relatives = [("parent", p["id"]) for p in row["parents"]] + [("root", r) for r in roots]
    lic = row["license"]
    return ModelPage(
        id=row["id"], key=row["key"], hub_url=HUB + row["id"],
        organization=row["organization"], architecture=row["architecture"],
        parameters=row["parameters"], parameters_source=row["parametersSource"],
        parameters_flag=row["parametersFlag"], quantized=row["quantized"],
        license=lic, license_category=license_category(lic) if lic else None,
        gated=row["gated"], created=row["createdAt"], last_modified=row["lastModified"],
        deleted_at=row["deletedAt"], downloads=row["downloads"], likes=row["likes"],
        stub=row["stub"], deleted=row["deleted"],
        parents=pd.DataFrame(row["parents"], columns=_RELATIVES),
        children=pd.DataFrame(row["children"], columns=_RELATIVES),
        roots=roots, chains=_chains(lineage, row["id"], roots),
        contributors=pd.DataFrame(row["contributors"], columns=_CONTRIBUTORS),
        scores=pd.DataFrame([[s[c] for c in _SCORES] for s in scores if s["role"] == "self"],
                            columns=_SCORES),
        comparisons=_comparisons(scores, relatives),
        predicted=pd.DataFrame([[p[c] for c in PREDICTED_COLUMNS] for p in predicted],
                               columns=PREDICTED_COLUMNS),
        predicted_ancestry=_predicted_ancestry(lineage),
        drift=drift.reindex(columns=DRIFT_COLUMNS),
        ancestors=row["ancestors"], known_ancestors=row["knownAncestors"],
        include_likely=include_likely,
    )
