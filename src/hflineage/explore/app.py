"""The explorer's Starlette app: health, the named queries as pages and as a JSON/CSV API.

Endpoints are plain functions run in Starlette's thread pool, each reading through the one
query runner with the driver the caller owns.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

import jinja2
import neo4j
import pandas as pd
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from hflineage.analytics import output
from hflineage.analytics.dashboard import QueryMemo
from hflineage.analytics.queries import bind_query, run_query
from hflineage.cypher import load, registry
from hflineage.errors import (
    ArchitectureNotFoundError,
    ContributorNotFoundError,
    DatabaseError,
    HFLineageError,
    ModelNotFoundError,
    OrganizationNotFoundError,
    QueryNotFoundError,
    QueryParameterError,
    QueryTimeoutError,
)
from hflineage.explore import dashboard, forms, graph
from hflineage.explore.architecture import ArchitectureView
from hflineage.explore.cache import VersionedCache
from hflineage.explore.charts import plotly_js, plotly_style_ids, plotly_stylesheet
from hflineage.explore.console import Console
from hflineage.explore.contributor import ContributorView
from hflineage.explore.family import FamilyView
from hflineage.explore.limits import LimitReads, ReadLimit
from hflineage.explore.model import ModelView
from hflineage.explore.org import OrgView
from hflineage.explore.outage import OUTAGE, handlers
from hflineage.explore.search import SearchPages
from hflineage.explore.security import LOOPBACK_HOSTS, HostGate, SecurityHeaders, TokenGate
from hflineage.viz.render import template_loader as viz_templates

#: Rows a result page shows; the CSV and JSON downloads hold them all.
PAGE_ROWS = 1000
#: Dashboard section groups kept (LRU): 8 filter combinations of all 15 groups, about 0.5 GB
#: at a million models (bench/dashboard.py measured 4 MB a group there).
DASHBOARD_ENTRIES = 128
#: What a request may fail with, and how (the first class that matches).
_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (QueryParameterError, 400),
    (QueryNotFoundError, 404),
    (ModelNotFoundError, 404),
    (OrganizationNotFoundError, 404),
    (ArchitectureNotFoundError, 404),
    (ContributorNotFoundError, 404),
    (QueryTimeoutError, 504),
    (DatabaseError, 503),
    (neo4j.exceptions.DriverError, 503),
    (neo4j.exceptions.Neo4jError, 503),
    (HFLineageError, 500),
)
_FAILURES = tuple(cls for cls, _ in _STATUS)


def status_of(error: Exception) -> int:
    """The HTTP status of a failed request."""
    return next(code for cls, code in _STATUS if isinstance(error, cls))


def _downloads(name: str, given: dict[str, str]) -> dict[str, str]:
    """The API's address for this query and these values, per download format."""
    return {fmt: f"/api/query/{name}?" + urlencode(given | {"format": fmt})
            for fmt in forms.FORMATS}


def templates() -> jinja2.Environment:
    """The explorer's Jinja environment: its own templates and the viz lineage panel."""
    loader = jinja2.ChoiceLoader([jinja2.PackageLoader("hflineage.explore", "templates"),
                                  viz_templates()])  # the lineage panel, shared with viz
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals["plotly_style_ids"] = plotly_style_ids  # see explore.charts.plotly_css
    dashboard.register(env)
    return env


class _Explorer:
    """The endpoints, over one driver and database."""

    def __init__(self, driver: neo4j.Driver, database: str, timeout: float | None) -> None:
        self.driver = driver
        self.database = database
        self.timeout = timeout
        self.pages = templates()

    def _run(self, name: str, given: dict[str, str]) -> pd.DataFrame:
        bound = bind_query(name, forms.as_params(given))  # public names only
        return run_query(self.driver, bound, database=self.database, timeout=self.timeout)

    def _page(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.pages.get_template(template).render(**context)
        return HTMLResponse(html, status_code=status)

    def healthz(self, _request: Request) -> Response:
        try:
            self.driver.verify_connectivity()
        except (neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError, OSError):
            return PlainTextResponse("unavailable", 503)
        return PlainTextResponse("ok")

    def api_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        try:
            given, fmt = forms.collect(request.query_params.multi_items())
            df = self._run(name, given)
        except OUTAGE:
            raise  # answered once for every page, see create_app
        except _FAILURES as e:
            return JSONResponse({"error": str(e)}, status_of(e))
        if fmt == "csv":
            return Response(output.render(df, "csv"), media_type="text/csv",
                            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
        return Response(output.render(df, "json"), media_type="application/json")

    def query_index(self, _request: Request) -> Response:
        queries = [(q, forms.fields(q)) for q in registry().values()]
        return self._page("queries.html", queries=queries)

    def query_page(self, request: Request) -> Response:
        name = request.path_params["name"]
        try:
            q = load(name)
            given, _ = forms.collect(request.query_params.multi_items())
        except _FAILURES as e:
            return self._page("error.html", status_of(e), title=name, error=str(e))
        context: dict[str, Any] = {"q": q, "fields": forms.fields(q, given), "error": None,
                                   "df": None, "rows": [], "downloads": _downloads(name, given)}
        if request.url.query or not any(p.required for p in q.params):
            try:
                df = self._run(name, given)
            except OUTAGE:
                raise
            except _FAILURES as e:
                return self._page("query.html", status_of(e), **context | {"error": str(e)})
            context |= {"df": df, "rows": [[output.cell(v) for v in row] for row in
                                           df.head(PAGE_ROWS).itertuples(index=False)]}
        return self._page("query.html", **context)


def create_app(driver: neo4j.Driver, database: str = "neo4j", *, timeout: float | None = None,
               token: str | None = None, uri: str | None = None,
               limit: ReadLimit | None = None,
               hosts: Collection[str] = LOOPBACK_HOSTS,
               dashboard_wait: float = dashboard.WAIT_SECONDS) -> Starlette:
    """The explorer over ``driver`` (owned by the caller). With ``token``, every page but
    ``/healthz`` needs it (see :class:`~hflineage.explore.security.TokenGate`); without one,
    only requests addressed to ``hosts`` are answered (:class:`HostGate`).

    ``limit`` bounds the requests reading at once (default :class:`ReadLimit`); while Neo4j
    (at ``uri``, named on the error page) is unreachable, pages answer 503. The dashboards'
    results are kept in ``cache`` (one per app by default, its workers stopped with the app)."""
    ex = _Explorer(driver, database, timeout)
    results = VersionedCache(max_entries=DASHBOARD_ENTRIES)
    boards = dashboard.DashboardView(driver, database, timeout, ex.pages, results, QueryMemo(),
                                     dashboard_wait)
    finder = SearchPages(driver, database, timeout, ex.pages)
    middleware = [Middleware(SecurityHeaders)]
    if token:
        middleware.append(Middleware(TokenGate, token=token))
    else:
        middleware.append(Middleware(HostGate, hosts=frozenset(h.lower() for h in hosts)))
    middleware.append(Middleware(LimitReads, limit=limit or ReadLimit(), pages=ex.pages))
    routes = [
        Route("/", finder.page),
        Route("/api/search", finder.api),
        Route("/healthz", ex.healthz),
        Route("/queries", ex.query_index),
        Route("/queries/{name:path}", ex.query_page),
        Route("/api/query/{name:path}", ex.api_query),
        Route("/cypher", Console(driver, database, timeout, ex.pages).page,
              methods=["GET", "POST"]),
        Route("/model/{id:path}", ModelView(driver, database, timeout, ex.pages).page),
        Route("/org/{name}", OrgView(driver, database, timeout, ex.pages).page),
        Route("/family/{root:path}", FamilyView(driver, database, timeout, ex.pages).page),
        Route("/architecture/{name:path}",
              ArchitectureView(driver, database, timeout, ex.pages).page),
        Route("/contributor/{kind}/{name:path}",
              ContributorView(driver, database, timeout, ex.pages).page),
        Route("/dashboard", boards.page),
        Route("/dashboard/{page}", boards.page),
        Route("/api/dashboard", boards.api),
        Route("/api/dashboard/{page}", boards.api),
        Route("/static/graph/{name}", graph.asset),
        Route("/static/plotly.min.js", plotly_js),
        Route("/static/plotly.css", plotly_stylesheet),
        Mount("/static", StaticFiles(packages=[("hflineage.explore", "static")]), name="static"),
    ]

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        results.close(wait=False)

    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                     exception_handlers=handlers(ex.pages, uri))
