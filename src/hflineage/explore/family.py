"""The family page, ``/family/<root id>``: the family below a model, generation by generation,
its summary facts and the increasing maximum per leaderboard, read by
:func:`hflineage.analytics.family_page.family_page`.

The id is the rest of the path (``/family/owner/name`` or ``/family/owner%2Fname``). An id not
in the graph is a 404 naming close matches as links.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from hflineage.analytics.coverage_text import share
from hflineage.analytics.family_page import FamilyPage, family_page
from hflineage.analytics.model_page import similar_model_ids
from hflineage.analytics.report import LEADERBOARDS, Board, best_over_time_figure
from hflineage.errors import ModelNotFoundError, QueryParameterError, ViewTooLargeError
from hflineage.explore import graph
from hflineage.explore.charts import figure_block
from hflineage.explore.forms import toggle
from hflineage.explore.model import MISSING, View, billions, family_path, model_path, score
from hflineage.explore.org import org_path

#: The unit of every leaderboard score on the page.
POINTS = "points 0–100"


def board_name(key: str) -> str:
    return LEADERBOARDS.get(key, f"leaderboard {key}")


def n_of(n: int, total: int) -> str:
    return f"{n:,} of {total:,}"


@dataclass(frozen=True)
class Chart:
    """One board's increasing-maximum chart: the figure block and the caption it states."""

    board: str
    name: str
    caption: str
    block: Markup


def _generation_rows(page: FamilyPage) -> list[dict[Hashable, Any]]:
    """The generation table's rows: counts, relations, parameters and per-board score cells."""
    rows = []
    for g in page.generations.to_dict("records"):
        scores = page.scores[page.scores["generation"] == g["generation"]]
        cells = {s["leaderboard"]: s for s in scores.to_dict("records")}
        rows.append({**g, "relations": [(rel, g[rel]) for rel in page.relations if g[rel]],
                     "boards": [cells[b] for b in page.boards]})
    return rows


def _charts(page: FamilyPage) -> list[Chart]:
    charts = []
    for cov in page.coverage.to_dict("records"):
        key = str(cov["leaderboard"])
        board = Board(key, page.benchmark, int(cov["scored"]), int(cov["models"]))
        curve = page.curves[page.curves["leaderboard"] == key].reset_index(drop=True)
        coverage = (share(int(cov["dated"]), int(cov["models"]), "family members",
                          f"have a score for {page.benchmark} on {board.name} and a creation date")
                    + f" ({int(cov['scored']):,} are scored)")
        fig = best_over_time_figure({page.root: curve}, board, unit=POINTS, coverage=coverage)
        charts.append(Chart(key, board.name, coverage, figure_block(fig, f"best-{key}")))
    return charts


def _parameters(value: Any) -> str:
    return MISSING if value is None or pd.isna(value) else f"{billions(int(value))} billion"


class FamilyView(View):
    """The ``/family/{root:path}`` endpoint over one driver and database."""

    def page(self, request: Request) -> Response:
        root = str(request.path_params["root"])
        try:
            likely = toggle("likely", request.query_params.get("likely"))
        except QueryParameterError as e:
            return self._html("error.html", 400, title=root, error=str(e))
        try:
            page = family_page(self.driver, root, database=self.database, timeout=self.timeout,
                               include_likely=likely)
        except ModelNotFoundError as e:
            similar = similar_model_ids(self.driver, root, database=self.database,
                                        timeout=self.timeout)
            return self._not_found(root, e, [(family_path(s), s) for s in similar], "model ids")
        except ViewTooLargeError as e:
            return self._html("error.html", 422, title=root, error=str(e))
        return self._html("family.html", 200, f=page, rows=_generation_rows(page),
                          graph=graph.draw(lambda: page.drawing), max_nodes=graph.PAGE_MAX_NODES,
                          likely=likely,
                          charts=_charts(page), board_name=board_name, model_path=model_path,
                          family_path=family_path, org_path=org_path, score=score,
                          parameters=_parameters, n_of=n_of, points=POINTS, missing=MISSING)
