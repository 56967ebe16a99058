"""The contributor page, ``/contributor/<hub|git>/<name>``: a contributor's models with its
commits to each, their organizations and its commits in all, read by
:func:`hflineage.analytics.contributor_page`. An unknown kind or name is a 404 naming close
matches of either kind."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hflineage.analytics.contributor_page import contributor_page, similar_contributors
from hflineage.errors import ContributorNotFoundError
from hflineage.explore.model import MISSING, View, contributor_path, day, model_path
from hflineage.explore.org import org_path


class ContributorView(View):
    """The ``/contributor/{kind}/{name}`` endpoint over one driver and database."""

    def page(self, request: Request) -> Response:
        kind, name = str(request.path_params["kind"]), str(request.path_params["name"])
        try:
            page = contributor_page(self.driver, kind, name, database=self.database,
                                    timeout=self.timeout)
        except ContributorNotFoundError as e:
            similar = similar_contributors(self.driver, name, database=self.database,
                                           timeout=self.timeout)
            return self._not_found(name, e, [(contributor_path(k, n), f"{n} ({k})")
                                             for k, n in similar], "contributors")
        return self._html("contributor.html", 200, c=page, model_path=model_path,
                          org_path=org_path, day=day, missing=MISSING)
