"""A named query's header parameters as HTML form fields, and a request's values as parameters."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hflineage.cypher import Param, Query
from hflineage.errors import QueryParameterError

#: The download formats of ``?format=``.
FORMATS = ("json", "csv")


@dataclass(frozen=True)
class Field:
    """One form control for one ``$param``."""

    name: str
    type: str
    doc: str
    kind: str  # select, number or text
    required: bool
    value: str = ""
    choices: tuple[str, ...] = ()
    multiple: bool = False
    step: str = "1"
    placeholder: str = ""

    @property
    def selected(self) -> set[str]:
        return set(self.value.split(",")) if self.value else set()


def _default_text(p: Param) -> str:
    if p.required:
        return ""
    if isinstance(p.default, list):
        return ",".join(map(str, p.default))
    return json.dumps(p.default) if not isinstance(p.default, str) else p.default


def _control(p: Param) -> tuple[str, tuple[str, ...]]:
    """The kind of control for ``p`` and its choices."""
    if p.choices:
        return "select", p.choices
    if p.type == "bool":
        return "select", ("true", "false")
    if p.type == "month":
        return "month", ()
    return ("number" if p.type in ("int", "float") else "text"), ()


def field(p: Param, value: str = "") -> Field:
    """The control for ``p``: a select for enums and booleans, a number box, else text; an
    empty value means the parameter's default."""
    kind, choices = _control(p)
    return Field(name=p.name, type=p.type, doc=p.doc, kind=kind, required=p.required,
                 value=value, choices=choices, multiple=bool(p.choices) and
                 p.type.startswith("list["), step="any" if p.type == "float" else "1",
                 placeholder=_default_text(p))


def fields(q: Query, given: Mapping[str, str] | None = None) -> list[Field]:
    """Every parameter of ``q`` as a control, holding the values given."""
    given = given or {}
    return [field(p, given.get(p.name, "")) for p in q.params]


def collect(items: Sequence[tuple[str, str]]) -> tuple[dict[str, str], str]:
    """A request's query string as parameters (repeated keys joined by commas, empty values
    left out so the default applies) and the download format (``format``, default json)."""
    fmt = "json"
    values: dict[str, list[str]] = {}
    for key, value in items:
        if key == "format":
            fmt = value
        elif value.strip():
            values.setdefault(key, []).append(value)
    if fmt not in FORMATS:
        raise QueryParameterError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return {k: ",".join(v) for k, v in values.items()}, fmt


def as_params(given: Mapping[str, str]) -> dict[str, Any]:
    """Text values as a query's parameters; ``null`` is a JSON null, as on the command line."""
    return {k: None if v.strip() == "null" else v for k, v in given.items()}


#: What a checkbox's query parameter may be: on (``1``) or off (``0``, or left out).
_TOGGLE = {"1": True, "true": True, "on": True, "0": False, "false": False, "": False}


def toggle(name: str, given: str | None) -> bool:
    """A page's on/off query parameter (``?likely=1``); left out is off."""
    if given is None:
        return False
    if given.strip().lower() not in _TOGGLE:
        raise QueryParameterError(f"{name} must be 1 or 0, not {given!r}")
    return _TOGGLE[given.strip().lower()]
