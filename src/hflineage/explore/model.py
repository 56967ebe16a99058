"""The model page, ``/model/<id>``: one model's facts, relatives, ancestry, scores and
contributors, read by :func:`hflineage.analytics.model_page`.

The id is the rest of the path, so ``/model/owner/name`` and ``/model/owner%2Fname`` are the same
page. An id not in the graph is a 404 naming close matches as links.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
import neo4j
import pandas as pd
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from hflineage.analytics.model_page import (
    MAX_DEPTH,
    PARAMETER_FLAGS,
    ModelPage,
    model_page,
    similar_model_ids,
)
from hflineage.analytics.subgraph import fetch_lineage
from hflineage.errors import ModelNotFoundError, QueryParameterError
from hflineage.explore import graph
from hflineage.explore.forms import toggle

MISSING = "—"
#: How the model page names licence_drift's kinds (the model against one ancestor).
DRIFT_KINDS = {"looser": "looser licence", "stricter": "stricter licence", "ungated": "ungated",
               "gated": "gated"}


def segment(value: Any) -> str:
    """One path segment: every character that is not plain is percent-encoded (``/`` too)."""
    return quote(str(value), safe="")


def model_path(model_id: str) -> str:
    """The page of a model: its id's slash stays, everything else unusual is encoded."""
    return "/model/" + quote(model_id, safe="/")


def contributor_path(kind: str, name: str) -> str:
    """The page of a contributor."""
    return f"/contributor/{segment(kind)}/{segment(name)}"


def family_path(model_id: str) -> str:
    """The page of the family below a model."""
    return "/family/" + quote(model_id, safe="/")


def score(value: Any) -> str:
    """A leaderboard score in points, or the missing mark (never 0)."""
    return MISSING if value is None or math.isnan(value) else f"{value:.2f}"


def delta(value: Any) -> str:
    """A signed difference in points, or the missing mark (never 0)."""
    return MISSING if value is None or math.isnan(value) else f"{value:+.2f}"


def confidence(value: Any) -> str:
    """A prediction's confidence (0–1) with two decimals, or the missing mark."""
    return MISSING if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{float(value):.2f}"


def billions(value: int | None) -> str:
    return MISSING if value is None else f"{value / 1e9:,.2f}"


def day(value: str | None) -> str:
    """An ISO date (the day of a stored datetime)."""
    return MISSING if not value else value[:10]


def _ancestors(n: int) -> str:
    return f"its {n} declared ancestor{'' if n == 1 else 's'}"


def drift_note(page: ModelPage) -> str:
    """What the licence drift flag says besides its list: the coverage, or why nothing drifts
    or nothing can be judged (declared ancestors only; licence_drift's definition)."""
    n, known = page.ancestors, page.known_ancestors
    if page.deleted:
        return "Not judged: licence drift leaves models deleted from the Hub out."
    if not n:
        return "No declared ancestors, so nothing to drift from."
    coverage = f"{_ancestors(n)} ({known or 'none'} with a known licence category)"
    unknown = page.license_category in (None, "unknown")
    if len(page.drift):
        return f"Checked against {coverage}." + (
            " This model's licence category is unknown, so only gating is judged."
            if unknown else "")
    ungated = ("; no declared ancestor is gated, so it is not ungated below one"
               if page.gated == "false" else "")
    if unknown:
        return ("This model's licence category is unknown, so licence drift cannot be judged "
                f"against {_ancestors(n)}{ungated}.")
    if not known:
        none = ("its declared ancestor has no known licence category" if n == 1 else
                f"none of {_ancestors(n)} has a known licence category")
        return f"Licence drift cannot be judged: {none}{ungated}."
    gating = " Its gating is not known, so ungating is not judged." if page.gated is None else ""
    return f"No drift against {coverage}.{gating}"


def drift_href(page: ModelPage) -> str:
    """The licence_drift query's page for this model."""
    return "/queries/licence_drift?" + urlencode({"model": page.id, "maxDepth": MAX_DEPTH})


@dataclass(frozen=True)
class Board:
    """One leaderboard's table: the columns compared against and a row per benchmark."""

    leaderboard: str
    against: list[tuple[str, str]]
    rows: list[tuple[str, float, list[tuple[float, float]]]]


def boards(page: ModelPage) -> list[Board]:
    """The model's scores per leaderboard, each with its relatives' scores and deltas."""
    result = []
    for board, own in page.scores.groupby("leaderboard", sort=True):
        cmp = page.comparisons[page.comparisons["leaderboard"] == board]
        against = list(dict.fromkeys(zip(cmp["against"], cmp["model"], strict=True)))
        rows = []
        for s in own.to_dict("records"):
            mine = cmp[cmp["benchmark"] == s["benchmark"]].to_dict("records")
            rows.append((str(s["benchmark"]), float(s["score"]),
                         [(float(c["other_score"]), float(c["delta"])) for c in mine]))
        result.append(Board(str(board), against, rows))
    return result


def relations(frame: pd.DataFrame) -> list[tuple[str, list[dict[Hashable, Any]]]]:
    """Relatives grouped by relation, relations in order."""
    return [(str(rel), group.to_dict("records"))
            for rel, group in frame.groupby("relation", sort=True)]


@dataclass(frozen=True)
class View:
    """An endpoint over one driver and database, rendering the explorer's templates."""

    driver: neo4j.Driver
    database: str
    timeout: float | None
    pages: jinja2.Environment

    def _html(self, template: str, status: int, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.pages.get_template(template).render(**context), status)

    def _not_found(self, wanted: str, error: Exception, similar: list[tuple[str, str]],
                   kind: str) -> HTMLResponse:
        """The shared 404: the error, ``similar`` as (href, label) links, and a search link."""
        return self._html("error.html", 404, title=wanted, error=str(error), similar=similar,
                          similar_kind=kind, search="/?" + urlencode({"q": wanted}))


class ModelView(View):
    """The ``/model/{id:path}`` endpoint over one driver and database."""

    def page(self, request: Request) -> Response:
        model = str(request.path_params["id"])
        try:
            up, down = (graph.depth(request.query_params.get("up"), None),
                        graph.depth(request.query_params.get("down"), 2))
            likely = toggle("likely", request.query_params.get("likely"))
        except QueryParameterError as e:
            return self._html("error.html", 400, title=model, error=str(e))
        try:
            page = model_page(self.driver, model, database=self.database, timeout=self.timeout,
                              include_likely=likely)
        except ModelNotFoundError as e:
            similar = similar_model_ids(self.driver, model, database=self.database,
                                        timeout=self.timeout)
            return self._not_found(model, e, [(model_path(s), s) for s in similar], "model ids")
        lineage = graph.draw(lambda: fetch_lineage(
            self.driver, self.database, page.id, up=up, down=down,
            limit=graph.PAGE_FETCH_LIMIT, timeout=self.timeout, include_likely=likely))
        return self._html("model.html", 200, m=page, boards=boards(page),
                          graph=lineage, up=graph.depth_text(up), down=graph.depth_text(down),
                          depths=graph.DEPTHS, likely=likely, confidence=confidence,
                          likely_href=model_path(page.id) + "?" + urlencode(
                              {"up": graph.depth_text(up), "down": graph.depth_text(down),
                               "likely": "1"}) + "#lineage",
                          predicted=page.predicted.to_dict("records"),
                          predicted_ancestry=page.predicted_ancestry.to_dict("records"),
                          drift=page.drift.to_dict("records"), drift_note=drift_note(page),
                          drift_href=drift_href(page), drift_kinds=DRIFT_KINDS,
                          parents=relations(page.parents), children=relations(page.children),
                          model_path=model_path, family_path=family_path, segment=segment,
                          score=score, delta=delta, billions=billions, day=day, missing=MISSING,
                          parameter_flags=PARAMETER_FLAGS)
