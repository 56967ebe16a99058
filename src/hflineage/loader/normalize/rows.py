"""The normalized-row iterators every source shares (snapshot files, the Hub, bulk importers),
and the ``Stage`` that carries one stream of them from a source to a writer."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from hflineage.loader.normalize.rules import (
    CommitRow,
    ModelRows,
    RecordError,
    normalize_commit,
    normalize_model,
)

JSON_SPACE = " \t\r\n"
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_ORJSON_DEPTH = 900  # orjson nests up to 1024, json.loads to about the recursion limit
_LONG_DIGITS = re.compile(r"[0-9]{19}")  # orjson reads integers beyond 64 bits as floats


@dataclass(frozen=True)
class Rejected:
    """A record that could not be loaded: where, why, and what it was."""

    line: int
    reason: str
    raw: Any


Item = tuple[int, ModelRows | list[CommitRow] | Rejected]


@dataclass
class Stage:
    """One stream of records of one kind (``models`` or ``commits``) from one place."""

    where: str
    kind: str
    items: Iterator[Item]
    total: int | None = None
    contributor_kind: str = "hub"


def _parsed(item: str | dict[str, Any]) -> Any:
    """A record from a JSON line or an already-parsed dict (the Hub's); one Neo4j cannot store
    (a lone surrogate, nesting deeper than Python can walk) is a RecordError."""
    try:
        value = _loads(item) if isinstance(item, str) else item
        if not isinstance(item, str) or _SURROGATE_ESCAPE.search(item):
            json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
    except json.JSONDecodeError as e:
        raise RecordError(f"malformed JSON: {e.msg} at column {e.colno}") from None
    except RecursionError:
        raise RecordError("malformed JSON: nested too deeply") from None
    except UnicodeEncodeError:
        raise RecordError("invalid unicode: a lone surrogate (\\ud800-\\udfff)") from None
    return value


def _loads(text: str) -> Any:
    """``json.loads``, sped up by orjson where both agree: json's own answer (or error) for
    what orjson refuses (lone surrogates, control characters), for deep nesting and for
    numbers of 19 digits or more."""
    if (text.count("[") + text.count("{") < _ORJSON_DEPTH
            and _LONG_DIGITS.search(text) is None):
        try:
            return orjson.loads(text)
        except ValueError:  # orjson.JSONDecodeError, or text it cannot encode
            pass
    return json.loads(text)


def _raw(item: str | dict[str, Any]) -> str | dict[str, Any]:
    return item.rstrip("\r\n") if isinstance(item, str) else item


def _numbered(items: Iterable[str | dict[str, Any]]) -> Iterator[tuple[int, str | dict[str, Any]]]:
    for line, item in enumerate(items, start=1):
        if isinstance(item, str) and not item.strip(JSON_SPACE):
            continue
        yield line, item


def model_rows(items: Iterable[str | dict[str, Any]]
               ) -> Iterator[tuple[int, ModelRows | Rejected]]:
    """(line, rows) for each model record (a JSON line or a dict); blank lines are skipped."""
    for line, item in _numbered(items):
        try:
            yield line, normalize_model(_parsed(item), item if isinstance(item, str) else None)
        except RecordError as e:
            yield line, Rejected(line, str(e), _raw(item))


def commit_rows(items: Iterable[str | dict[str, Any]]
                ) -> Iterator[tuple[int, list[CommitRow] | Rejected]]:
    """(line, commits) for each commit record (a JSON line or a dict)."""
    for line, item in _numbered(items):
        try:
            yield line, normalize_commit(_parsed(item))
        except RecordError as e:
            yield line, Rejected(line, str(e), _raw(item))
