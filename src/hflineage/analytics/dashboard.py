"""The report's sections as filterable dashboards (``/dashboard`` in the explorer).

A :class:`Filters` value narrows every named query a section runs, through the parameters the
query declares (``$architecture``, ``$licenseCategory``, ``$since``, ``$until``, ``$relation``,
``$includeStubs``, ``$leaderboard``); a filter a query does not declare cannot apply to it, and
:func:`build` says so on each section. The sections are the report's own
(:data:`hflineage.analytics.report.SECTIONS`), so the report and the dashboards draw the same.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from hflineage.analytics.report import SECTIONS, Inputs, Section, finish_figure
from hflineage.cypher import Param, load, registry
from hflineage.errors import QueryParameterError

#: The dashboards, by path: a title, what they show and their section groups (report.SECTIONS).
PAGES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "": ("Dashboard", "Every section of the report, live over the graph.", tuple(SECTIONS)),
    "engagement": ("Community engagement",
                   "New contributors and organizations, contributors per model, time to first "
                   "derivative, popularity of derivatives against their parents and the most "
                   "active contributors.",
                   ("new_contributors", "contributors", "first_derivative", "popularity",
                    "top_contributors")),
    "openness": ("Openness", "The licence and gating spectrum of base models against their "
                 "derivative activity, and licence drift between derivatives and their "
                 "declared ancestors.", ("openness", "licence_drift")),
}


#: What a section group shows while it is being computed.
GROUP_TITLES = {
    "growth": "Growth: models and new contributors over time",
    "new_contributors": "New contributors and organizations per month",
    "architectures": "Architecture popularity: derivatives and contributors",
    "base_models": "Top base models", "activity": "Derivation activity over time",
    "size": "Size along derivation chains", "scores": "Leaderboard scores, per leaderboard",
    "contributors": "Community engagement: contributors per model",
    "top_contributors": "Top contributors",
    "popularity": "Likes and downloads of derivatives against their parents",
    "first_derivative": "Time from release to first derivative",
    "org_flows": "Cross-organization flows", "openness": "Openness spectrum: licence and gating",
    "licence_drift": "Licence drift along the ancestry",
    "datasets": "Most-used training datasets", "graph_stats": "Graph statistics",
}


@dataclass(frozen=True)
class Filter:
    """One dashboard filter: its URL name, the query parameter it sets and its label."""

    name: str
    param: str
    label: str


FILTERS = (
    Filter("leaderboard", "leaderboard", "leaderboard"),
    Filter("relation", "relation", "relation"),
    Filter("architecture", "architecture", "architecture"),
    Filter("license", "licenseCategory", "licence category"),
    Filter("since", "since", "created from (month)"),
    Filter("until", "until", "created until (month)"),
    Filter("stubs", "includeStubs", "stubs included"),
)
_BY_NAME = {f.name: f for f in FILTERS}
_MODEL_LABELS = {f.label for f in FILTERS if f.name not in ("leaderboard", "relation")}


@dataclass(frozen=True)
class Filters:
    """The dashboard's filter state; ``None`` (and ``stubs=False``) means not filtered."""

    leaderboard: str | None = None
    relation: str | None = None
    architecture: str | None = None
    license: str | None = None
    since: str | None = None
    until: str | None = None
    stubs: bool = False

    @classmethod
    def parse(cls, items: Iterable[tuple[str, str]]) -> Filters:
        """From URL query items; an unknown name or a bad value is a ``QueryParameterError``
        (one line). Empty values mean not filtered."""
        given: dict[str, str] = {}
        seen: set[str] = set()
        for name, raw in items:
            if name not in _BY_NAME:
                raise QueryParameterError(
                    f"no dashboard filter {name!r}; filters: {', '.join(_BY_NAME)}")
            if name in seen:
                raise QueryParameterError(f"filter {name!r} is given twice; give it once")
            seen.add(name)
            if raw.strip():
                given[name] = raw.strip()
        for name, raw in given.items():
            if name != "stubs":
                _coerce(_BY_NAME[name], raw)
        if "since" in given and "until" in given and given["since"] > given["until"]:
            raise QueryParameterError(f"since ({given['since']}) is after until "
                                      f"({given['until']})")
        stubs = given.pop("stubs", "false").lower()
        if stubs not in {"true", "false"}:
            raise QueryParameterError(f"stubs must be true or false, got {stubs!r}")
        return cls(**given, stubs=stubs == "true")

    def active(self) -> dict[str, Any]:
        """The filters that narrow anything, by URL name."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) not in (None, False)}

    def params(self) -> dict[str, Any]:
        """The active filters as query parameters."""
        return {_BY_NAME[name].param: value for name, value in self.active().items()}

    def query_string(self) -> str:
        """The filters as a URL query (empty when none is set), to share a view."""
        return urlencode({k: str(v).lower() if isinstance(v, bool) else v
                          for k, v in self.active().items()})

    def key(self) -> Hashable:
        return tuple(sorted(self.active().items()))

    def describe(self) -> str:
        """The filters as a phrase, e.g. ``relation finetune, licence category permissive``."""
        parts = [f"{_BY_NAME[k].label} {v}" if not isinstance(v, bool) else _BY_NAME[k].label
                 for k, v in self.active().items()]
        return ", ".join(parts) if parts else "none (the whole graph)"


def declared(param: str) -> Param:
    """A filter parameter as the named queries declare it (one type and default everywhere)."""
    return next(p for q in registry().values() for p in q.params if p.name == param)


def _coerce(f: Filter, raw: str) -> None:
    """Check ``raw`` as the queries' own declaration of the filter does, worded for the URL."""
    try:
        declared(f.param).coerce(raw)
    except QueryParameterError as e:
        raise QueryParameterError(str(e).replace(f"${f.param}", f.name, 1)) from None


@dataclass
class Panel:
    """A built section on a dashboard, with which active filters its queries honour."""

    section: Section
    queries: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]  # (name, params) as run
    applied: tuple[str, ...]
    partly: tuple[str, ...]
    ignored: tuple[str, ...]

    def filter_note(self) -> str:
        """What the filters did to this section, in words (empty when none is active)."""
        parts = []
        if self.applied:
            parts.append("Filtered by " + ", ".join(self.applied) + ".")
        if self.partly:
            parts.append("Partly filtered (not every query of this section takes it): "
                         + ", ".join(self.partly) + ".")
        if self.ignored:
            parts.append("Not filtered by " + ", ".join(self.ignored)
                         + ": no query of this section takes it, so it is drawn as without it.")
        if _MODEL_LABELS & {*self.applied, *self.partly}:
            parts.append("The coverage line counts the models the model filters keep, by their "
                         "own fields.")
        return " ".join(parts)


#: Queries whose filters reach only a section's coverage line, which always states its own set.
SUPPORT = frozenset({"coverage"})
#: Parameters a query declares whose effect no section draws: growth_per_month's $relation
#: narrows only newDerivatives, which no chart or sentence shows.
NOT_DRAWN = frozenset({("growth_per_month", "relation")})


def honoured(filters: Filters, queries: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """The active filters the drawn ``queries`` all take, take only some of, or none of
    (labels); support queries (:data:`SUPPORT`) do not count."""
    names = sorted(set(queries) - SUPPORT) or sorted(set(queries))
    declared = [{p.name for p in load(q).params if (q, p.name) not in NOT_DRAWN} for q in names]
    applied: list[str] = []
    partly: list[str] = []
    ignored: list[str] = []
    for name in filters.active():
        f = _BY_NAME[name]
        hits = sum(f.param in d for d in declared)
        (applied if hits == len(declared) and hits else partly if hits else ignored).append(
            f.label)
    return tuple(applied), tuple(partly), tuple(ignored)


def filtered(run: Callable[[str, dict[str, Any]], pd.DataFrame], filters: Filters,
             called: list[tuple[str, tuple[tuple[str, Any], ...]]]
             ) -> Callable[..., pd.DataFrame]:
    """``q(name, **params)`` over ``run`` with the filters each query declares added (the
    caller's own parameters win); every (name, parameters) run is appended to ``called``."""
    wanted = filters.params()

    def q(name: str, **params: Any) -> pd.DataFrame:
        declared = {p.name for p in load(name).params}
        given = {k: v for k, v in wanted.items() if k in declared} | params
        called.append((name, tuple(sorted(given.items()))))
        return run(name, given)

    return q


def build(group: str, filters: Filters,
          run: Callable[[str, dict[str, Any]], pd.DataFrame],
          benchmark: str = "Average", families: int = 5) -> list[Panel]:
    """The sections of report group ``group`` under ``filters``, reading through ``run(name,
    params)`` (the explorer passes a per-version memo of the query runner)."""
    called: list[tuple[str, tuple[tuple[str, Any], ...]]] = []
    sections = SECTIONS[group](Inputs(filtered(run, filters, called), benchmark, families))
    queries = tuple(dict.fromkeys(called))
    applied, partly, ignored = honoured(filters, (name for name, _ in queries))
    for s in sections:
        finish_figure(s)  # here, once, before the panels are shared between requests
    return [Panel(s, queries, applied, partly, ignored) for s in sections]


class QueryMemo:
    """Query results per graph version, shared by the sections being built (an identical read
    in flight is waited for, not run twice). The ``versions`` most recently asked for are kept,
    so a build of an older version still running does not drop the current one's results."""

    def __init__(self, max_entries: int = 256, versions: int = 2) -> None:
        self._lock = threading.Lock()
        self._by_version: OrderedDict[str, OrderedDict[Hashable, pd.DataFrame]] = OrderedDict()
        self._running: dict[tuple[str, Hashable], threading.Lock] = {}
        self._max, self._versions = max_entries, versions

    def _values(self, version: str) -> OrderedDict[Hashable, pd.DataFrame]:
        if version not in self._by_version:
            self._by_version[version] = OrderedDict()
            while len(self._by_version) > self._versions:
                old, _ = self._by_version.popitem(last=False)
                self._running = {k: v for k, v in self._running.items() if k[0] != old}
        self._by_version.move_to_end(version)
        return self._by_version[version]

    def get(self, version: str, name: str, params: Mapping[str, Any],
            compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        key = (name, tuple(sorted((k, repr(v)) for k, v in params.items())))
        with self._lock:
            values = self._values(version)
            if key in values:
                values.move_to_end(key)
                return values[key].copy()
            guard = self._running.setdefault((version, key), threading.Lock())
        with guard:
            with self._lock:
                if key in values:
                    return values[key].copy()
            value = compute()
            with self._lock:
                values[key] = value
                self._running.pop((version, key), None)
                while len(values) > self._max:
                    values.popitem(last=False)
            return value.copy()
