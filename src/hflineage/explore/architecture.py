"""The architecture page, ``/architecture/<name>``: an architecture's models, organizations,
most downloaded models, derivatives, parameter sizes, contributors and leaderboard coverage,
read by :func:`hflineage.analytics.architecture_page`. A name not in the graph is a 404 naming
close matches."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hflineage.analytics.architecture_page import architecture_page, similar_architectures
from hflineage.errors import ArchitectureNotFoundError
from hflineage.explore.model import (
    MISSING,
    View,
    billions,
    contributor_path,
    model_path,
    segment,
)
from hflineage.explore.org import org_path


def architecture_path(name: str) -> str:
    """The page of an architecture."""
    return "/architecture/" + segment(name)


class ArchitectureView(View):
    """The ``/architecture/{name}`` endpoint over one driver and database."""

    def page(self, request: Request) -> Response:
        name = str(request.path_params["name"])
        try:
            page = architecture_page(self.driver, name, database=self.database,
                                     timeout=self.timeout)
        except ArchitectureNotFoundError as e:
            similar = similar_architectures(self.driver, name, database=self.database,
                                            timeout=self.timeout)
            return self._not_found(name, e, [(architecture_path(s), s) for s in similar],
                                   "architectures")
        return self._html("architecture.html", 200, a=page, model_path=model_path,
                          org_path=org_path, contributor_path=contributor_path,
                          architecture_path=architecture_path,
                          billions=billions, missing=MISSING)
