"""Plotly charts in the explorer without inline script: a figure is a JSON data block that
``static/charts.js`` draws with the plotly.js bundle of the plotly package, served locally.

The report and the explorer build their figures with the same functions
(:mod:`hflineage.analytics.report`); this module only embeds them.
"""

from __future__ import annotations

import functools
import re
from importlib.resources import files
from pathlib import Path

import plotly.graph_objects as go
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import FileResponse, Response

#: The plotly package's own plotly.js bundle (no CDN, no second copy in this repository).
PLOTLY_JS = Path(str(files("plotly") / "package_data" / "plotly.min.js"))
#: What a JSON data block may not hold literally, so no Hub text can end the block.
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})
#: plotly.js's own style rules, an object literal in its bundle ("X" and "Y" stand for its
#: plot and notifier selectors, as in plotly.js src/build/plotcss.js).
_RULES = re.compile(r'\{("X,X div":.*?)\}')
#: A stylesheet plotly.js injects whole unless an element with its id exists.
_SHEET = re.compile(r'document\.getElementById\("([0-9a-f]{16,})"\)\)\{var \w+=document\.'
                    r'createElement\("style"\);[^;]*;?\w+\.id="\1",\w+\.textContent=\'([^\']*)\'')
_RULE = re.compile(r'"((?:[^"\\]|\\.)*)":(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\')')


def figure_json(fig: go.Figure) -> str:
    """The figure as JSON that is safe inside a ``<script>`` element (``<``, ``>`` and ``&``
    as ``\\u`` escapes, which JSON reads back unchanged)."""
    text: str = fig.to_json()
    return text.translate(_JSON_ESCAPES)


def figure_block(fig: go.Figure, element_id: str) -> Markup:
    """A ``<script type="application/json" class="plotly-figure">`` block for charts.js, after
    the chart's box (its height held by the stylesheet, so drawing it moves nothing)."""
    return Markup('<div class="plotly-chart" id="{0}-chart"></div>'
                  '<script type="application/json" class="plotly-figure" id="{0}">{1}</script>'
                  ).format(escape(element_id), Markup(figure_json(fig)))


def plotly_js(_request: Request) -> FileResponse:
    """``/static/plotly.min.js``: the bundle of the installed plotly package."""
    return FileResponse(PLOTLY_JS, media_type="text/javascript")


@functools.cache
def _bundled_styles() -> tuple[str, tuple[str, ...]]:
    bundle = PLOTLY_JS.read_text(encoding="utf-8")
    rules = []
    if (found := _RULES.search(bundle)) is not None:
        for selector, double, single in _RULE.findall(found.group(1)):
            full = (re.sub(r"^,", " ,", selector).replace("X", ".js-plotly-plot .plotly")
                    .replace("Y", ".plotly-notifier"))
            rules.append(f"{full}{{{double or single}}}")
    sheets = _SHEET.findall(bundle)
    rules += [text for _, text in sheets]
    return "\n".join(rules) + "\n", tuple(element_id for element_id, _ in sheets)


def plotly_css() -> str:
    """The style rules plotly.js would insert as inline ``<style>`` elements (which the CSP
    refuses), read from the bundle as one stylesheet. plotly.js skips its own insertions when
    the page has the elements :func:`plotly_style_ids` names (``chart_head`` in the templates)."""
    return _bundled_styles()[0]


def plotly_style_ids() -> tuple[str, ...]:
    """The ids of the ``<style>`` elements plotly.js injects unless the page already has them."""
    return _bundled_styles()[1]


def plotly_stylesheet(_request: Request) -> Response:
    """``/static/plotly.css``: see :func:`plotly_css`."""
    return Response(plotly_css(), media_type="text/css")
