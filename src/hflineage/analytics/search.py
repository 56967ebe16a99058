"""Search over model ids and organization, architecture and contributor names, through the
full-text index ``search_names`` that ``hflineage db init`` creates.

User text never reaches Lucene as it is: it is cut into words, lowercased and escaped here, and
the Lucene query made of them is passed to ``read/search`` as a parameter.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import neo4j
import pandas as pd

from hflineage.analytics.queries import read_records
from hflineage.errors import QueryParameterError

#: The longest search text accepted.
MAX_QUERY = 200
#: Hits returned unless a caller asks for another number.
LIMIT = 20
#: Words of the search text used (the rest are dropped).
MAX_TERMS = 8
#: What :func:`search` returns.
COLUMNS = ("kind", "name", "path", "score")
#: Characters that mean something to Lucene's query parser.
_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
#: A word as the index's tokenizer cuts one (``v0.1`` and ``llama.cpp`` stay whole).
_WORD = re.compile(r"\w+(?:\.\w+)*")


def lucene_escape(text: str) -> str:
    """``text`` with every Lucene query-syntax character escaped by a backslash."""
    return _SPECIAL.sub(r"\\\1", text)


def _clause(word: str) -> str:
    """One word: exact (boosted), as a prefix, and (from 4 letters) within 1-2 edits."""
    term = lucene_escape(word)
    fuzzy = f" OR {term}~{1 if len(word) < 7 else 2}" if len(word) >= 4 else ""
    return f"({term}^3 OR {term}*{fuzzy})"


def lucene_query(text: str) -> str:
    """A Lucene query matching every word of ``text``, case-insensitively, with prefix and
    fuzzy matching; empty when ``text`` has no words."""
    return " AND ".join(_clause(w) for w in _WORD.findall(text.lower())[:MAX_TERMS])


def _path(kind: str, name: str, contributor_kind: str | None) -> str:
    """The explorer page of one hit (a model's id keeps its slash)."""
    if kind == "model":
        return "/model/" + quote(name, safe="/")
    if kind == "contributor":
        return f"/contributor/{quote(contributor_kind or '', safe='')}/{quote(name, safe='')}"
    return f"/{'org' if kind == 'organization' else kind}/{quote(name, safe='')}"


def search(driver: neo4j.Driver, q: str, *, database: str = "neo4j", limit: int = LIMIT,
           timeout: float | None = None) -> pd.DataFrame:
    """Models, organizations, architectures and contributors whose id or name matches ``q``
    (case-insensitive, by prefix, or with a typo or two): the ``limit`` best hits, models first,
    then by score. Columns: kind, name, path (the explorer page), score.

    Text longer than :data:`MAX_QUERY` raises QueryParameterError; text without words (only
    punctuation, say) finds nothing.
    """
    if len(q) > MAX_QUERY:
        raise QueryParameterError(f"search text is at most {MAX_QUERY} characters")
    lucene = lucene_query(q)
    if not lucene:
        return pd.DataFrame(columns=list(COLUMNS))
    records = read_records(driver, "read/search", {"q": lucene, "limit": limit},
                           database, timeout)
    rows = [(r["kind"], r["name"], _path(r["kind"], r["name"], r["contributorKind"]),
             float(r["score"])) for r in records]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def await_search_index(driver: neo4j.Driver, database: str = "neo4j",
                       seconds: int = 300) -> None:
    """Wait until the search index is online (it populates in the background after
    ``db init``)."""
    read_records(driver, "read/await_search_index", {"seconds": seconds}, database)
