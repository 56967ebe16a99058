"""Lineage graphs on the explorer's pages: the viz package's own network, panel markup and
scripts (served from ``/static/graph/``), so a page draws exactly what ``hflineage viz`` draws.

A view too large to fetch, or a query without models, is a note in place of the graph, never
a failed page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from hflineage.analytics.subgraph import Subgraph
from hflineage.errors import (
    NotDrawableError,
    QueryParameterError,
    QueryTimeoutError,
    ViewTooLargeError,
)
from hflineage.viz.render import ASSETS, LineageNetwork, build_network, graph_data

#: Models a page's graph may reach before it asks for a narrower view.
PAGE_FETCH_LIMIT = 20_000
#: Nodes a page's graph draws; the rest collapse into counted groups.
PAGE_MAX_NODES = 150
#: What ``up`` and ``down`` may be on a page: generations, or ``all``.
DEPTHS = ("0", "1", "2", "3", "4", "5", "all")
_TYPES = {".js": "text/javascript", ".css": "text/css"}


@dataclass(frozen=True)
class Graph:
    """What the panel template needs: the page around the network and its data, or why there
    is no graph."""

    page: Any = None
    data: dict[str, Any] | None = None
    note: str | None = None


def draw(fetch: Callable[[], Subgraph], max_nodes: int = PAGE_MAX_NODES) -> Graph:
    """The graph of ``fetch()``, or a note saying why it cannot be drawn here."""
    try:
        net: LineageNetwork = build_network(fetch(), max_nodes=max_nodes)
    except (ViewTooLargeError, NotDrawableError) as e:
        return Graph(note=str(e))
    except QueryTimeoutError as e:
        return Graph(note=f"The graph is not drawn: {e}")
    return Graph(page=net.page, data=graph_data(net) | {"link": "/model/"})


def depth(given: str | None, default: int | None) -> int | None:
    """A generation count from a page's ``up``/``down`` field: a number, ``all`` (None), or the
    default when not given."""
    if given is None or given == "":
        return default
    if given not in DEPTHS:
        raise QueryParameterError(f"depth must be one of {', '.join(DEPTHS)}, not {given!r}")
    return None if given == "all" else int(given)


def depth_text(value: int | None) -> str:
    return "all" if value is None else str(value)


def asset(request: Request) -> Response:
    """``/static/graph/<name>``: vis-network and lineage.js/css, the files viz pages inline."""
    path = ASSETS.get(str(request.path_params["name"]))
    if path is None:
        return PlainTextResponse("not found", 404)
    return FileResponse(path, media_type=_TYPES[path.suffix],
                        headers={"Cache-Control": "public, max-age=3600"})
