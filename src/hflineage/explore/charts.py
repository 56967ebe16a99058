"""Plotly charts in the explorer without inline script: a figure is a JSON data block that
``static/charts.js`` draws with the plotly.js bundle of the plotly package, served locally.

The report and the explorer build their figures with the same functions
(:mod:`hflineage.analytics.report`); this module only embeds them.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import plotly.graph_objects as go
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import FileResponse

#: The plotly package's own plotly.js bundle (no CDN, no second copy in this repository).
PLOTLY_JS = Path(str(files("plotly") / "package_data" / "plotly.min.js"))
#: What a JSON data block may not hold literally, so no Hub text can end the block.
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def figure_json(fig: go.Figure) -> str:
    """The figure as JSON that is safe inside a ``<script>`` element (``<``, ``>`` and ``&``
    as ``\\u`` escapes, which JSON reads back unchanged)."""
    text: str = fig.to_json()
    return text.translate(_JSON_ESCAPES)


def figure_block(fig: go.Figure, element_id: str) -> Markup:
    """A ``<script type="application/json" class="plotly-figure">`` block for charts.js."""
    return Markup('<script type="application/json" class="plotly-figure" id="{}">{}</script>'
                  ).format(escape(element_id), Markup(figure_json(fig)))


def plotly_js(_request: Request) -> FileResponse:
    """``/static/plotly.min.js``: the bundle of the installed plotly package."""
    return FileResponse(PLOTLY_JS, media_type="text/javascript")
