"""The explorer's search: ``/`` (a form, and with ``?q=`` the hits as links, rendered on the
server) and ``/api/search?q=`` (the hits as JSON, for type-ahead)."""

from __future__ import annotations

import neo4j
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hflineage.analytics.search import LIMIT, search
from hflineage.errors import DatabaseError, QueryParameterError, QueryTimeoutError
from hflineage.explore.model import View
from hflineage.explore.outage import OUTAGE

#: What a search may fail with: bad text is the asker's fault, the rest the database's.
_FAILURES = (QueryParameterError, DatabaseError, neo4j.exceptions.DriverError,
             neo4j.exceptions.Neo4jError)


def _status(error: Exception) -> int:
    if isinstance(error, QueryParameterError):
        return 400
    return 504 if isinstance(error, QueryTimeoutError) else 503


class SearchPages(View):
    """The search endpoints, over one driver and database."""

    def _hits(self, q: str) -> list[dict[str, object]]:
        df = search(self.driver, q, database=self.database, timeout=self.timeout)
        return [{"kind": kind, "name": name, "path": path, "score": float(score)}
                for kind, name, path, score in df.itertuples(index=False, name=None)]

    def page(self, request: Request) -> Response:
        q = request.query_params.get("q", "").strip()
        context: dict[str, object] = {"q": q, "hits": None, "error": None, "limit": LIMIT}
        status = 200
        if q:
            try:
                context["hits"] = self._hits(q)
            except OUTAGE:
                raise  # the app's outage page
            except _FAILURES as e:
                status, context["error"] = _status(e), str(e)
        return self._html("search.html", status, **context)

    def api(self, request: Request) -> Response:
        q = request.query_params.get("q", "").strip()
        try:
            return JSONResponse(self._hits(q) if q else [])
        except OUTAGE:
            raise
        except _FAILURES as e:
            return JSONResponse({"error": str(e)}, _status(e))
