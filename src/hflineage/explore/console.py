"""The explorer's read-only Cypher console: ``GET /cypher`` (a form) and ``POST /cypher`` (the
rows as a table), through the same :func:`~hflineage.analytics.queries.run_cypher` as
``hflineage query cypher``: read-routed, under the same refusals and timeout."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import neo4j
import pandas as pd
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from hflineage.analytics import output
from hflineage.analytics.queries import run_cypher
from hflineage.analytics.subgraph import rows_subgraph
from hflineage.errors import HFLineageError, QueryParameterError, QueryTimeoutError
from hflineage.explore import graph
from hflineage.explore.model import View
from hflineage.explore.outage import OUTAGE

#: Rows the console shows.
PAGE_ROWS = 1000
DRAWN = ("The graph draws the rows' Model nodes, the DERIVED_FROM relationships of their paths "
         "and child/parent columns, and the edges among the models; other nodes are in the "
         "table only.")
#: What a run may fail with: ours (a write, bad text or parameters) is the asker's fault,
#: the driver's the database's.
_FAILURES = (HFLineageError, neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError)


def _status(error: Exception) -> int:
    if isinstance(error, QueryTimeoutError):
        return 504
    return 400 if isinstance(error, HFLineageError) else 503


def parse_params(text: str) -> dict[str, Any]:
    """The console's parameters: a JSON object, or nothing."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise QueryParameterError(f"parameters are not valid JSON: {e}") from e
    if not isinstance(value, dict):
        raise QueryParameterError("parameters must be a JSON object, like {\"id\": \"gpt2\"}")
    return value


def same_origin(request: Request) -> bool:
    """Whether a request came from this site's own pages (a missing ``Origin``, as from curl,
    counts as the same)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


class Console(View):
    """The console endpoints, over one driver and database."""

    def _page(self, status: int = 200, **context: Any) -> HTMLResponse:
        context = {"query": "", "params": "", "error": None, "df": None, "rows": [],
                   "graph": None} | context
        return self._html("console.html", status, **context)

    def _run(self, text: str, params: str) -> tuple[pd.DataFrame, graph.Graph | None]:
        df = run_cypher(self.driver, text, parse_params(params), self.database, self.timeout)
        rows = df.head(graph.PAGE_FETCH_LIMIT).to_dict("records")
        if not any(isinstance(v, neo4j.graph.Node | neo4j.graph.Path)
                   for row in rows for v in row.values()):
            return df, None
        return df, graph.draw(lambda: rows_subgraph(
            self.driver, self.database, [{str(k): v for k, v in r.items()} for r in rows],
            "Console result", [DRAWN], self.timeout))

    async def page(self, request: Request) -> Response:
        if request.method != "POST":
            return self._page()
        if not same_origin(request):
            return PlainTextResponse("cross-site request refused", 403)
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        text, params = form.get("query", [""])[0], form.get("params", [""])[0]
        if not text.strip():
            return self._page(400, params=params, error="give the Cypher to run")
        try:
            df, drawing = await run_in_threadpool(self._run, text, params)
        except OUTAGE:
            raise  # the app's outage page
        except _FAILURES as e:
            return self._page(_status(e), query=text, params=params, error=str(e))
        rows = [[output.cell(v) for v in row] for row in df.head(PAGE_ROWS).itertuples(index=False)]
        return self._page(query=text, params=params, df=df, rows=rows, graph=drawing)
