"""Everything one organization's page shows: its models, the flows of derivatives out of and
into them, and its contributors.

:func:`org_page` reads it through the one query runner; a name not in the graph raises
:class:`~hflineage.errors.OrganizationNotFoundError` naming close matches, and
:func:`similar_organizations` gives those matches as a list (for links).
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass

import neo4j
import pandas as pd

from hflineage.analytics.queries import read_records, run_query
from hflineage.loader.normalize.ids import key_of

#: Rows of the models list (most downloaded first) and of the contributors list (most commits).
MODELS = 500
CONTRIBUTORS = 200
_MODELS = ["id", "architecture", "parameters", "quantized", "downloads", "stub", "deleted"]
_CONTRIBUTORS = ["name", "kind", "isBot", "commits", "models"]


@dataclass(frozen=True)
class OrgPage:
    """One organization's page as plain values and DataFrames.

    ``models``: id, architecture, parameters, quantized, downloads, stub, deleted, most downloads
    first (unknown last), then by id: the top ``model_limit`` of ``model_count``, of which
    ``with_parameters`` and ``with_downloads`` have the count. ``quantized``: a quantized edge
    or the loader's quantizedStorage mark (the parameter count is of packed storage).
    ``flows_out``: per other organization publishing derivatives of these models and per
    relation, the number of such derivatives; ``flows_in``: per other organization whose models
    these models derive from and per relation, the number of these models (``organization`` is
    None when the parent's publisher is not known). Deleted models are left out of both.
    ``contributors``: name, kind, isBot, commits and models, summed over the organization's
    models (most commits first): the top ``contributor_limit`` of ``contributor_count``.
    """

    name: str
    kind: str | None
    models: pd.DataFrame
    model_count: int
    with_parameters: int
    with_downloads: int
    model_limit: int
    flows_out: pd.DataFrame
    flows_in: pd.DataFrame
    contributors: pd.DataFrame
    contributor_count: int
    contributor_limit: int


def similar_organizations(driver: neo4j.Driver, org: str, *, database: str = "neo4j",
                          timeout: float | None = None, n: int = 5) -> list[str]:
    """Organization names of the graph close to ``org`` (same first letters), closest first."""
    names = [str(r["name"]) for r in read_records(
        driver, "read/similar_organizations", {"prefix": key_of(org)[:3]}, database, timeout)]
    lowered = {name.lower(): name for name in names}
    return [lowered[k] for k in difflib.get_close_matches(org.lower(), list(lowered), n=n,
                                                          cutoff=0.5)]


def _flows(edges: pd.DataFrame, own: str, mine: str, theirs: str) -> pd.DataFrame:
    """Edges whose ``mine`` organization is ``own`` and whose ``theirs`` is another, counted
    per other organization and relation (distinct children)."""
    seen: set[tuple[str | None, str, str]] = set()
    for e in edges.to_dict("records"):
        other = e[theirs] if isinstance(e[theirs], str) else None
        ours = e[mine] if isinstance(e[mine], str) else ""
        if ours.lower() == own.lower() and (other or "").lower() != own.lower():
            seen.add((other, str(e["relation"] or "unknown"), str(e["child"])))
    counts = Counter((other, relation) for other, relation, _ in seen)
    rows = sorted(((o, r, n) for (o, r), n in counts.items()),
                  key=lambda row: (-row[2], row[0] or "", row[1]))
    columns = list(zip(*rows, strict=True)) or [(), (), ()]
    return pd.DataFrame({"organization": pd.Series(columns[0], dtype=object),  # None stays None
                         "relation": pd.Series(columns[1], dtype=object),
                         "derivatives": pd.Series(columns[2], dtype="int64")})


def org_page(driver: neo4j.Driver, org: str, *, database: str = "neo4j",
             timeout: float | None = None, model_limit: int = MODELS,
             contributor_limit: int = CONTRIBUTORS) -> OrgPage:
    """Everything the page of ``org`` shows; a name not in the graph raises
    OrganizationNotFoundError (with "did you mean")."""
    edges = run_query(driver, "org_neighbourhood", {"org": org}, database, timeout)  # anchored
    row = read_records(driver, "read/org_page", {"org": org, "modelLimit": model_limit,
                                                 "contributorLimit": contributor_limit},
                       database, timeout)[0]
    name = str(row["name"])
    return OrgPage(
        name=name, kind=row["kind"],
        models=pd.DataFrame(row["models"], columns=_MODELS), model_count=row["modelCount"],
        with_parameters=row["withParameters"], with_downloads=row["withDownloads"],
        model_limit=model_limit,
        flows_out=_flows(edges, name, "parentOrganization", "childOrganization"),
        flows_in=_flows(edges, name, "childOrganization", "parentOrganization"),
        contributors=pd.DataFrame(row["contributors"], columns=_CONTRIBUTORS),
        contributor_count=row["contributorCount"], contributor_limit=contributor_limit,
    )
