"""The explorer: a live web app over the graph, served offline by ``hflineage serve``.

:func:`create_app` builds the Starlette app over a driver the caller owns;
:func:`serve` runs it with uvicorn on a loopback address unless a token guards it.
"""

from __future__ import annotations

from hflineage.explore.app import create_app
from hflineage.explore.server import check_exposure, serve

__all__ = ["check_exposure", "create_app", "serve"]
