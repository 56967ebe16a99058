"""The organization page, ``/org/<name>``: an organization's (or user's) models, the derivatives
other organizations publish of them and what they derive from, and its contributors, read by
:func:`hflineage.analytics.org_page`. A name not in the graph is a 404 naming close matches."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hflineage.analytics.org_page import org_page, similar_organizations
from hflineage.analytics.subgraph import fetch_org
from hflineage.errors import OrganizationNotFoundError
from hflineage.explore import graph
from hflineage.explore.model import (
    MISSING,
    View,
    billions,
    contributor_path,
    model_path,
    segment,
)


def org_path(name: str) -> str:
    """The page of an organization."""
    return "/org/" + segment(name)


class OrgView(View):
    """The ``/org/{name}`` endpoint over one driver and database."""

    def page(self, request: Request) -> Response:
        org = str(request.path_params["name"])
        try:
            page = org_page(self.driver, org, database=self.database, timeout=self.timeout)
        except OrganizationNotFoundError as e:
            similar = similar_organizations(self.driver, org, database=self.database,
                                            timeout=self.timeout)
            return self._not_found(org, e, [(org_path(s), s) for s in similar], "organizations")
        network = graph.draw(lambda: fetch_org(self.driver, self.database, page.name,
                                               limit=graph.PAGE_FETCH_LIMIT,
                                               timeout=self.timeout))
        return self._html("org.html", 200, o=page, graph=network, model_path=model_path,
                          org_path=org_path, contributor_path=contributor_path, segment=segment,
                          billions=billions, missing=MISSING)
