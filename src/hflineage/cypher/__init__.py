"""Cypher lives in ``.cypher`` files; this registry loads and describes them.

Top-level ``*.cypher`` files are the named, user-facing queries (``hflineage query list``).
``read/`` holds the internal reads (subgraph hops, export, anchors, bookkeeping), ``schema/`` and
``write/`` the statements the loader and ``db init`` run. Every file starts with a header::

    // One line saying what the query answers.
    // $limit: int = 25 -- rows to return
    // $model: str -- a Hub model id (case-insensitive)
    // $leaderboard: enum(v1|v2) = null -- one board; null: each board separately
    // returns: architecture, modelType, derivatives

A parameter without ``= default`` is required. ``month`` is a string ``YYYY-MM``. ``enum(a|b)``
is a string that must be one of the listed values; ``list[enum(a|b)]`` a list of them. null
(Python ``None``) is accepted where the default is null or the description says what null
means; elsewhere it is an error.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from hflineage.errors import QueryNotFoundError, QueryParameterError

_PARAM = re.compile(
    r"^//\s*\$(?P<name>\w+)\s*:\s*(?P<type>(?:list\[)?enum\([^)]*\)\]?|[\w\[\]]+)\s*(?:=\s*(?P<default>[^-]*?))?\s*(?:--\s*(?P<doc>.*))?$"
)
_TYPES = {"str", "int", "float", "bool", "month", "list[str]", "list[int]"}
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_ENUM = re.compile(r"enum\(([^)]*)\)")
#: Ranges of the walk parameters every query shares: patterns follow at most 32 hops.
BOUNDS = {"maxDepth": (1, 32), "minHops": (1, 32)}


def _split(raw: Any) -> list[Any]:
    """A comma-separated CLI string as a list; a Python list as it is."""
    return [v.strip() for v in raw.split(",") if v.strip()] if isinstance(raw, str) else list(raw)


def _month(raw: str) -> str:
    if not _MONTH.match(raw):
        raise ValueError(raw)
    return raw


def _bool(raw: str) -> bool:
    if raw.lower() not in {"true", "false", "1", "0", "yes", "no"}:
        raise ValueError(raw)
    return raw.lower() in {"true", "1", "yes"}


# How a CLI string becomes each typed parameter; ``str`` stays as it is.
_PARSERS: dict[str, Callable[[str], Any]] = {
    "int": int,
    "float": float,
    "bool": _bool,
    "month": _month,
    "list[str]": _split,
    "list[int]": lambda raw: [int(v) for v in _split(raw)],
}


@dataclass(frozen=True)
class Param:
    """One ``$param`` of a named query."""

    name: str
    type: str
    default: Any = None
    required: bool = True
    doc: str = ""

    @property
    def choices(self) -> tuple[str, ...]:
        """The allowed values of an ``enum(a|b)`` parameter; empty for other types."""
        m = _ENUM.search(self.type)
        return tuple(v.strip() for v in m.group(1).split("|") if v.strip()) if m else ()

    @property
    def nullable(self) -> bool:
        """Whether null is a meaningful value: the default is null, or the description says
        what null means."""
        return not self.required and (self.default is None or "null" in self.doc)

    def coerce(self, raw: Any) -> Any:
        """Turn a CLI string (or a Python value) into this parameter's type."""
        if raw is None:
            if not self.nullable:
                raise QueryParameterError(f"${self.name} cannot be null" + (
                    "" if self.required else f"; leave it out for its default {self.default!r}"))
            return None
        if self.choices:
            return self._choice(raw)
        parse = _PARSERS.get(self.type)
        if parse is None or not isinstance(raw, str):
            return raw
        try:
            return parse(raw)
        except ValueError as e:
            what = "a month as YYYY-MM" if self.type == "month" else self.type
            raise QueryParameterError(f"${self.name} must be {what}, got {raw!r}") from e

    def _choice(self, raw: Any) -> Any:
        """An ``enum`` value (or a list of them for ``list[enum]``), checked against the choices."""
        values = _split(raw) if self.type.startswith("list[") else [raw]
        wrong = [v for v in values if v not in self.choices]
        if wrong:
            raise QueryParameterError(
                f"${self.name} must be one of {', '.join(self.choices)}, "
                f"got {', '.join(map(repr, wrong))}")
        return values if self.type.startswith("list[") else raw


@dataclass(frozen=True)
class Query:
    """A named query: its text and the header that documents it."""

    name: str
    text: str
    description: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    columns: tuple[str, ...] = field(default_factory=tuple)

    def bind(self, given: dict[str, Any] | None = None) -> dict[str, Any]:
        """Parameters with defaults filled in and types coerced; unknown names are refused."""
        given = dict(given or {})
        known = {p.name for p in self.params}
        unknown = sorted(set(given) - known)
        if unknown:
            raise QueryParameterError(
                f"{self.name} has no parameter {', '.join('$' + u for u in unknown)}; "
                f"it takes {', '.join('$' + k for k in sorted(known)) or 'none'}"
            )
        bound: dict[str, Any] = {}
        for p in self.params:
            if p.name in given:
                bound[p.name] = p.coerce(given[p.name])
            elif p.required:
                raise QueryParameterError(f"{self.name} needs ${p.name} ({p.type})")
            else:
                bound[p.name] = p.default
        for name, (low, high) in BOUNDS.items():
            value = bound.get(name)
            if isinstance(value, int) and not low <= value <= high:
                raise QueryParameterError(f"${name} must be from {low} to {high}, got {value}")
        if isinstance(bound.get("minHops"), int) and isinstance(bound.get("maxDepth"), int) \
                and bound["minHops"] > bound["maxDepth"]:
            raise QueryParameterError(f"$minHops ({bound['minHops']}) is above $maxDepth "
                                      f"({bound['maxDepth']}): no pair could be returned")
        return bound


def _default(p_type: str, raw: str | None) -> tuple[Any, bool]:
    if raw is None:
        return None, True
    raw = raw.strip()
    if raw == "null":
        return None, False
    value = Param("_", p_type).coerce(raw.strip("'\""))
    return value, False


def parse(name: str, text: str) -> Query:
    """Read a named query's header."""
    description = ""
    params: list[Param] = []
    columns: tuple[str, ...] = ()
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        body = line[2:].strip()
        m = _PARAM.match(line)
        if m:
            p_type = m.group("type")
            if p_type not in _TYPES and _ENUM.sub("str", p_type) not in _TYPES:
                raise ValueError(f"{name}: unknown type {p_type!r} for ${m.group('name')}")
            default, required = _default(p_type, m.group("default"))
            params.append(Param(m.group("name"), p_type, default, required,
                                (m.group("doc") or "").strip()))
        elif body.lower().startswith("returns:"):
            columns = tuple(c.strip() for c in body.split(":", 1)[1].split(",") if c.strip())
        elif body and not description:
            description = body
    return Query(name, text, description, tuple(params), columns)


def _root() -> Any:
    return resources.files("hflineage.cypher")


@functools.cache
def registry() -> dict[str, Query]:
    """Every named query, by name, from the top-level ``.cypher`` files."""
    out: dict[str, Query] = {}
    for entry in sorted(_root().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            name = entry.name.removesuffix(".cypher")
            out[name] = parse(name, entry.read_text(encoding="utf-8"))
    return out


def load(name: str, *, internal: bool = False) -> Query:
    """One named query; with ``internal``, also an internal read by its path
    (``load("read/child_links", internal=True)``), which the public commands refuse."""
    if internal and name.startswith("read/"):
        return _internal(name)
    try:
        return registry()[name]
    except KeyError:
        raise QueryNotFoundError(
            f"no query named {name!r}; `hflineage query list` shows them"
        ) from None


@functools.cache
def _internal(path: str) -> Query:
    try:
        return parse(path, statement(path))
    except FileNotFoundError:
        raise QueryNotFoundError(f"no internal query {path!r}") from None


@functools.cache
def statement(path: str) -> str:
    """The text of an internal statement file, e.g. ``statement("write/models")``."""
    return str(_root().joinpath(f"{path}.cypher").read_text(encoding="utf-8"))


def statements(path: str) -> list[str]:
    """A file of several statements, split on ``;`` at line ends."""
    text = statement(path)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("//"))
    return [s.strip() for s in re.split(r";\s*\n", body) if s.strip()]
