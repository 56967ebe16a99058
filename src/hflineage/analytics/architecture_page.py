"""Everything one architecture's page shows: its models and their organizations, the most
downloaded, derivatives by relation, parameter sizes, contributors and leaderboard coverage.

:func:`architecture_page` reads it through the one query runner; a name not in the graph raises
:class:`~hflineage.errors.ArchitectureNotFoundError` naming close matches, and
:func:`similar_architectures` gives those matches as a list (for links).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import neo4j
import pandas as pd

from hflineage.analytics.queries import read_records
from hflineage.db.schema import ensure_current
from hflineage.errors import ArchitectureNotFoundError

#: Rows of each top list (organizations, models, contributors).
TOP = 50
_ORGANIZATIONS = ["name", "models"]
_MODELS = ["id", "organization", "parameters", "downloads", "quantized"]
_DERIVATIVES = ["relation", "edges", "children"]
_CONTRIBUTORS = ["name", "kind", "isBot", "commits", "models"]
_BOARDS = ["leaderboard", "models"]


@dataclass(frozen=True)
class ArchitecturePage:
    """One architecture's page as plain values and DataFrames.

    ``described`` counts its models that are neither reference-only stubs (``stubs``) nor
    deleted (``deleted``); every other figure is over those described models.
    ``organizations``: name, models (the top ``limit`` of ``organization_count``; models with no
    known publisher are ``without_organization``). ``models``: id, organization, parameters,
    downloads, quantized, most downloaded first (the top ``limit``; ``with_downloads`` have a
    count). ``derivatives``: relation, edges (DERIVED_FROM edges whose child is one of these
    models), children (distinct such models). Parameters: ``with_parameters`` have a count,
    ``quantized_parameters`` of them are quantized (a quantized edge or quantizedStorage: packed
    storage); median, minimum and maximum over the others (None when there are none).
    ``contributors``: name, kind, isBot, commits, models (the top ``limit`` of
    ``contributor_count`` by commits; ``bots`` of them are bots). ``boards``: leaderboard,
    models (with a score on that board; one row per board).
    ``spellings``: the other architectures whose names differ only in case.
    """

    name: str
    spellings: tuple[str, ...]
    limit: int
    described: int
    stubs: int
    deleted: int
    organizations: pd.DataFrame
    organization_count: int
    without_organization: int
    models: pd.DataFrame
    with_downloads: int
    derivatives: pd.DataFrame
    with_parameters: int
    quantized_parameters: int
    median_parameters: float | None
    min_parameters: int | None
    max_parameters: int | None
    contributors: pd.DataFrame
    contributor_count: int
    bots: int
    boards: pd.DataFrame


def similar_architectures(driver: neo4j.Driver, name: str, *, database: str = "neo4j",
                          timeout: float | None = None, n: int = 5) -> list[str]:
    """Architecture names of the graph close to ``name``, closest first."""
    spelt: dict[str, list[str]] = {}
    for r in read_records(driver, "read/similar_architectures", {}, database, timeout):
        spelt.setdefault(str(r["name"]).lower(), []).append(str(r["name"]))
    close = difflib.get_close_matches(name.lower(), list(spelt), n=n, cutoff=0.5)
    return [s for k in close for s in sorted(spelt[k])]


def architecture_page(driver: neo4j.Driver, name: str, *, database: str = "neo4j",
                      timeout: float | None = None, limit: int = TOP) -> ArchitecturePage:
    """Everything the page of architecture ``name`` (case-insensitive) shows; a name not in the
    graph raises ArchitectureNotFoundError (with "did you mean")."""
    ensure_current(driver, database)
    rows = read_records(driver, "read/architecture_page", {"name": name, "limit": limit},
                        database, timeout)
    if not rows:
        close = similar_architectures(driver, name, database=database, timeout=timeout, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ArchitectureNotFoundError(f"no architecture {name!r} in the graph{hint}")
    row = rows[0]
    return ArchitecturePage(
        name=str(row["name"]), spellings=tuple(row["spellings"]), limit=limit,
        described=row["described"], stubs=row["stubs"], deleted=row["deleted"],
        organizations=pd.DataFrame(row["organizations"], columns=_ORGANIZATIONS),
        organization_count=row["organizationCount"],
        without_organization=row["withoutOrganization"],
        models=pd.DataFrame(row["models"], columns=_MODELS), with_downloads=row["withDownloads"],
        derivatives=pd.DataFrame(row["derivatives"], columns=_DERIVATIVES),
        with_parameters=row["withParameters"], quantized_parameters=row["quantizedParameters"],
        median_parameters=row["medianParameters"],
        min_parameters=row["minParameters"], max_parameters=row["maxParameters"],
        contributors=pd.DataFrame(row["contributors"], columns=_CONTRIBUTORS),
        contributor_count=row["contributorCount"], bots=row["bots"],
        boards=pd.DataFrame(row["boards"], columns=_BOARDS),
    )
