"""Everything one contributor's page shows: its kind and bot flag, the models it committed to
and their organizations, and its commits in all.

:func:`contributor_page` reads it through the one query runner; a contributor not in the graph
(or a kind other than ``hub`` and ``git``) raises
:class:`~hflineage.errors.ContributorNotFoundError` naming close matches, and
:func:`similar_contributors` gives those matches as a list (for links).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import neo4j
import pandas as pd

from hflineage.analytics.queries import read_records
from hflineage.db.schema import ensure_current
from hflineage.errors import ContributorNotFoundError
from hflineage.loader.normalize.ids import key_of

#: The kinds of contributor: a Hub account, or a git author name not linked to one.
KINDS = ("hub", "git")
#: Rows of each list (models, organizations).
TOP = 500
_MODELS = ["id", "organization", "commits", "firstCommit", "lastCommit", "stub", "deleted"]
_ORGANIZATIONS = ["name", "models", "commits"]


@dataclass(frozen=True)
class ContributorPage:
    """One contributor's page as plain values and DataFrames, over every model it committed to
    (deleted ones included).

    ``models``: id, organization (None when not known), commits, firstCommit, lastCommit (ISO
    datetimes, UTC; None when not known), stub, deleted; the top ``limit`` of ``model_count`` by
    commits. ``organizations``: name, models, commits; the top ``limit`` of
    ``organization_count`` by models (``without_organization`` models have no known
    publisher). ``commits`` in all, and the ``first_commit`` and ``last_commit`` times.
    """

    name: str
    kind: str
    is_bot: bool
    limit: int
    model_count: int
    commits: int
    first_commit: str | None
    last_commit: str | None
    models: pd.DataFrame
    organizations: pd.DataFrame
    organization_count: int
    without_organization: int


def similar_contributors(driver: neo4j.Driver, name: str, *, database: str = "neo4j",
                         timeout: float | None = None, n: int = 5) -> list[tuple[str, str]]:
    """(kind, name) of contributors of either kind close to ``name``, closest first."""
    rows = read_records(driver, "read/similar_contributors", {"prefix": key_of(name)[:3]},
                        database, timeout)
    found: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        found.setdefault(str(r["name"]).lower(), []).append((str(r["kind"]), str(r["name"])))
    close = difflib.get_close_matches(key_of(name), list(found), n=n, cutoff=0.5)
    return [hit for k in close for hit in sorted(found[k])]


def contributor_page(driver: neo4j.Driver, kind: str, name: str, *, database: str = "neo4j",
                     timeout: float | None = None, limit: int = TOP) -> ContributorPage:
    """Everything the page of contributor ``kind``/``name`` (name case-insensitive) shows; an
    unknown kind or name raises ContributorNotFoundError (with "did you mean")."""
    if kind not in KINDS:
        raise ContributorNotFoundError(
            f"no contributor kind {kind!r}: a contributor is hub (a Hub account) or git "
            "(a git author name not linked to a Hub account)")
    ensure_current(driver, database)
    rows = read_records(driver, "read/contributor_page",
                        {"kind": kind, "name": name, "limit": limit}, database, timeout)
    if not rows:
        close = similar_contributors(driver, name, database=database, timeout=timeout, n=3)
        hint = f"; did you mean {', '.join(f'{n} ({k})' for k, n in close)}?" if close else ""
        raise ContributorNotFoundError(f"no {kind} contributor {name!r} in the graph{hint}")
    row = rows[0]
    return ContributorPage(
        name=str(row["name"]), kind=str(row["kind"]), is_bot=bool(row["isBot"]), limit=limit,
        model_count=row["modelCount"], commits=row["commits"],
        first_commit=row["firstCommit"], last_commit=row["lastCommit"],
        models=pd.DataFrame(row["models"], columns=_MODELS),
        organizations=pd.DataFrame(row["organizations"], columns=_ORGANIZATIONS),
        organization_count=row["organizationCount"],
        without_organization=row["withoutOrganization"],
    )
