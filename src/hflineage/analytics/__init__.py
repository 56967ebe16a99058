"""Answers to the paper's questions as pandas DataFrames, for notebooks and the report.

Every named query (``hflineage query list``) is a function here, for example::

    from hflineage import analytics
    analytics.top_architectures(driver, limit=10)
    analytics.model_lineage(driver, model="mistralai/Mistral-7B-v0.1", maxDepth=3)
    analytics.run_query(driver, "top_base_models", {"relation": "adapter"})
    analytics.run_cypher(driver, "MATCH (m:Model) RETURN count(m) AS models")

``analytics.QUERIES`` lists their names; ``read_records`` gives any query's rows as records.
Subgraphs (a family, a lineage, an organization's neighbourhood) come from
:mod:`hflineage.analytics.subgraph`; networkx analytics on them: ``family_digraph``,
``family_tree``, ``org_digraph``, ``tree_stats``, ``influence``, ``components``,
``pareto_front``. ``search`` finds models, organizations, architectures and contributors by
id or name.
"""

from __future__ import annotations

from hflineage.analytics.architecture_page import ArchitecturePage, architecture_page
from hflineage.analytics.contributor_page import ContributorPage, contributor_page
from hflineage.analytics.graphs import (
    components,
    derivation_digraph,
    family_digraph,
    family_tree,
    influence,
    org_digraph,
    pareto_front,
    tree_stats,
)
from hflineage.analytics.model_page import ModelPage, model_page
from hflineage.analytics.org_page import OrgPage, org_page
from hflineage.analytics.queries import (
    QueryFunction,
    query_function,
    query_functions,
    read_dataframe,
    read_records,
    run_cypher,
    run_query,
)
from hflineage.analytics.search import search

_FUNCTIONS = query_functions()
QUERIES: tuple[str, ...] = tuple(_FUNCTIONS)
globals().update(_FUNCTIONS)

__all__ = [
    "QUERIES",
    "ArchitecturePage",
    "ContributorPage",
    "ModelPage",
    "OrgPage",
    "architecture_page",
    "components",
    "contributor_page",
    "derivation_digraph",
    "family_digraph",
    "family_tree",
    "influence",
    "model_page",
    "org_digraph",
    "org_page",
    "pareto_front",
    "query_function",
    "read_dataframe",
    "read_records",
    "run_cypher",
    "run_query",
    "search",
    "tree_stats",
    *QUERIES,
]


def __getattr__(name: str) -> QueryFunction:
    raise AttributeError(
        f"hflineage.analytics has no {name!r}; named queries are: {', '.join(QUERIES)}")
