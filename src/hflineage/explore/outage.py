"""What every page answers when the graph database fails: a readable 503, never a traceback.

The views let an outage (Neo4j unreachable, a connection lost) through; these handlers answer
it once for every page: the error page with a retry link, or ``{"error": ...}`` under
``/api/``. The driver reconnects by itself on the next request, so the same page works again
once Neo4j is back.
"""

from __future__ import annotations

from collections.abc import Callable

import jinja2
import neo4j
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from hflineage.errors import DatabaseError

#: Neo4j could not be reached, or a connection to it was lost.
OUTAGE = (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired)
#: Any other failure of the database that a view did not answer itself.
FAILURE = (neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError, DatabaseError)
#: How long a client should wait before retrying after an outage, in seconds.
RETRY_AFTER = 5


def unavailable(request: Request, pages: jinja2.Environment, title: str, message: str, *,
                retry_after: int = RETRY_AFTER) -> Response:
    """A 503: ``message`` as JSON under ``/api/``, else the error page with a retry link."""
    headers = {"Retry-After": str(retry_after)}
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, 503, headers=headers)
    retry = "/" + request.url.path.lstrip("/") + (f"?{request.url.query}" if request.method == "GET"
                                and request.url.query else "")
    html = pages.get_template("error.html").render(title=title, error=message, retry=retry)
    return HTMLResponse(html, 503, headers=headers)


def _reason(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[-1] if text else type(error).__name__


def handlers(pages: jinja2.Environment, uri: str | None
             ) -> dict[type[Exception], Callable[[Request, Exception], Response]]:
    """Starlette exception handlers for database failures, over the explorer's templates."""
    where = f"The graph database at {uri}" if uri else "The graph database"

    def outage(request: Request, error: Exception) -> Response:
        message = (f"{where} is unreachable ({_reason(error)}). This page works again once it "
                   "is back: retry in a moment.")
        if request.url.path.startswith("/api/"):
            message = message[0].lower() + message[1:]
        return unavailable(request, pages, "Graph database unreachable", message)

    def failure(request: Request, error: Exception) -> Response:
        return unavailable(request, pages, "Graph database error",
                           f"{where} failed to answer: {_reason(error)}")

    return {cls: outage for cls in OUTAGE} | {cls: failure for cls in FAILURE}
