"""The dashboards, ``/dashboard[/engagement|/openness]``: the report's sections, filtered, live.

Each section group (:data:`hflineage.analytics.report.SECTIONS`) is computed once per graph
version and filter combination, in the background (:class:`~hflineage.explore.cache.
VersionedCache`): the page answers at once with the groups already done and a progress state
for the others, and ``static/dashboard.js`` fetches ``/api/dashboard[/page]`` until none is
pending. A filter change redraws from the same API without reloading, and the URL keeps the
filters, so a view can be shared. ``X-HFLineage-Pending`` gives the groups still pending.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jinja2
import neo4j
import pandas as pd
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hflineage.analytics.architecture_page import similar_architectures
from hflineage.analytics.dashboard import (
    FILTERS,
    GROUP_TITLES,
    PAGES,
    Filters,
    Panel,
    QueryMemo,
    build,
    declared,
)
from hflineage.analytics.queries import read_records, run_query
from hflineage.analytics.report import _table_html, finish_figure
from hflineage.db.version import GraphVersion, graph_version
from hflineage.errors import DatabaseError, HFLineageError, QueryParameterError
from hflineage.explore.cache import Pending, VersionedCache
from hflineage.explore.charts import figure_block
from hflineage.explore.model import View
from hflineage.explore.outage import OUTAGE

#: How long a page request waits for its groups before answering with a progress state.
WAIT_SECONDS = 0.5
#: The least time a background computation may read for: nobody waits on it, so a whole-graph
#: aggregation at a million models is not cut off by the page timeout.
COMPUTE_TIMEOUT = 900.0
#: Failures shown on a section instead of the whole page failing.
_SECTION_FAILURES = (HFLineageError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError)


@dataclass
class Group:
    """One section group's state on a page."""

    key: str
    status: str  # ready, pending or error
    panels: list[Panel]
    elapsed: float = 0.0
    error: str = ""


@dataclass(frozen=True)
class DashboardView(View):
    """The dashboard pages and their JSON API over one driver, database and cache."""

    cache: VersionedCache
    memo: QueryMemo
    wait: float = WAIT_SECONDS

    def _architectures(self, version: str) -> list[str]:
        rows = self.memo.get(version, "read/similar_architectures", {}, lambda: pd.DataFrame(
            read_records(self.driver, "read/similar_architectures", {}, self.database,
                         self.timeout), columns=["name"]))
        return sorted(rows["name"].dropna().astype(str))

    def _reader(self, version: str) -> Any:
        timeout = None if self.timeout is None else max(self.timeout, COMPUTE_TIMEOUT)

        def run(name: str, params: dict[str, Any]) -> pd.DataFrame:
            return self.memo.get(version, name, params, lambda: run_query(
                self.driver, name, params, self.database, timeout))
        return run

    def _groups(self, page: str, filters: Filters, version: GraphVersion) -> list[Group]:
        deadline = time.monotonic() + self.wait
        groups = []
        for key in PAGES[page][2]:
            try:
                got = self.cache.get_or_start(
                    version.key, "dashboard:" + key, {"filters": filters.key()},
                    lambda key=key: build(key, filters, self._reader(version.key)),  # type: ignore[misc]
                    wait=max(0.0, deadline - time.monotonic()))
            except OUTAGE:
                raise
            except _SECTION_FAILURES as e:
                groups.append(Group(key, "error", [], error=str(e)))
                continue
            if isinstance(got, Pending):
                groups.append(Group(key, "pending", [], elapsed=got.elapsed()))
            else:
                groups.append(Group(key, "ready", got))
        return groups

    def _resolve(self, request: Request) -> tuple[str, Filters, GraphVersion, list[str]]:
        page = str(request.path_params.get("page", ""))
        if page not in PAGES:
            raise _NoSuchDashboard(page)
        filters = Filters.parse(request.query_params.multi_items())
        version = graph_version(self.driver, self.database, self.timeout)
        names = self._architectures(version.key)
        if filters.architecture is not None and filters.architecture not in names:
            close = similar_architectures(self.driver, filters.architecture,
                                          database=self.database, timeout=self.timeout, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise QueryParameterError(
                f"no architecture {filters.architecture!r} in the graph (names are exact){hint}")
        return page, filters, version, names

    def page(self, request: Request) -> Response:
        try:
            page, filters, version, names = self._resolve(request)
        except _NoSuchDashboard as e:
            return self._html("error.html", 404, title="dashboard", error=str(e))
        except QueryParameterError as e:
            return self._html("dashboard.html", 400, **self._context(
                str(request.path_params.get("page", "")), None, None, [], []) | {
                "error": str(e),
                "form": {f.name: request.query_params.get(f.name) for f in FILTERS}})
        groups = self._groups(page, filters, version)
        response = self._html("dashboard.html", 200,
                              **self._context(page, filters, version, groups, names))
        response.headers["X-HFLineage-Pending"] = str(_pending(groups))
        return response

    def api(self, request: Request) -> Response:
        try:
            page, filters, version, _ = self._resolve(request)
        except _NoSuchDashboard as e:
            return JSONResponse({"error": str(e)}, 404)
        except QueryParameterError as e:
            return JSONResponse({"error": str(e)}, 400)
        except DatabaseError as e:
            return JSONResponse({"error": str(e)}, 503)
        groups = self._groups(page, filters, version)
        macros = self.pages.get_template("_dashboard.html").module
        body = {"version": version.key, "versionText": version_text(version),
                "filters": filters.describe(), "query": filters.query_string(),
                "pending": _pending(groups),
                "sections": [{"key": g.key, "status": g.status, "elapsed": round(g.elapsed, 1),
                              "error": g.error, "html": str(macros.group(g))}  # type: ignore[attr-defined]
                             for g in groups]}
        return JSONResponse(body, headers={"X-HFLineage-Pending": str(body["pending"])})

    def _context(self, page: str, filters: Filters | None, version: GraphVersion | None,
                 groups: list[Group], names: list[str]) -> dict[str, Any]:
        title, about, _ = PAGES.get(page, PAGES[""])
        return {"page": page, "title": title, "about": about, "filters": filters,
                "form": {f.name: getattr(filters, f.name) for f in FILTERS} if filters else {},
                "version": version_text(version) if version else "", "groups": groups,
                "version_key": version.key if version else "",
                "pending": _pending(groups), "architectures": names,
                "boards": declared("leaderboard").choices,
                "relations": declared("relation").choices,
                "licenses": declared("licenseCategory").choices, "error": None,
                "pages": [(p, t) for p, (t, _, _) in PAGES.items()],
                "query": filters.query_string() if filters else ""}


class _NoSuchDashboard(HFLineageError):
    def __init__(self, page: str) -> None:
        super().__init__(f"no dashboard {page!r}; dashboards: "
                         + ", ".join("/dashboard" + (f"/{p}" if p else "") for p in PAGES))


def _pending(groups: list[Group]) -> int:
    return sum(g.status == "pending" for g in groups)


def version_text(v: GraphVersion) -> str:
    """The graph version in words, as the page shows it."""
    run = (f"load run {v.run_id} ({v.run_status}, finished "
           f"{(v.run_finished_at or '')[:19].replace('T', ' ')} UTC)" if v.run_id
           else "no finished load run")
    return f"{run}, reset/restore epoch {v.epoch}"


def panel_figure(p: Panel, element_id: str) -> Markup:
    """The section's chart as the report shows it (coverage subtitle, missing labels stated)."""
    fig = finish_figure(p.section)
    if fig is None:
        return Markup("")
    if not fig.data:  # plotly.js styles an empty plot inline, which the CSP refuses
        return Markup('<p class="empty">No chart: nothing to draw{}.</p>').format(
            " under these filters" if p.applied or p.partly else "")
    return figure_block(fig, element_id)


def panel_table(p: Panel) -> Markup:
    """The section's table as the report renders it (escaped), sortable in the explorer."""
    return Markup(_table_html(p.section.table, p.section.labels).replace(
        '<table class="sortable">', '<table class="results sortable">', 1))


def query_links(p: Panel) -> list[tuple[str, str]]:
    """Each named query the section ran, with the parameters it ran with, as a query page."""
    filters = {f.param for f in FILTERS}
    return [(f"/queries/{name}" + (f"?{urlencode(dict(params))}" if params else ""),
             name + "".join(f" {k}={str(v).lower() if isinstance(v, bool) else v}"
                            for k, v in params if k not in filters))
            for name, params in p.queries if not name.startswith("read/")]


def register(env: jinja2.Environment) -> None:
    """The helpers the dashboard templates call."""
    env.globals.update(panel_figure=panel_figure, panel_table=panel_table,
                       query_links=query_links, group_titles=GROUP_TITLES)
