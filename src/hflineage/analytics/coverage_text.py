"""Coverage: how many models have the field a chart or headline needs, as one phrase.

Every report section states its coverage with these helpers::

    cov = Coverage.of(run_query(driver, "coverage"))
    cov.models("createdAt")        # '7,551 of 35,441 described models (21.3%) have a creation date'
    cov.derivatives("parameters")  # the same over described derivatives
    share(2035, 31159, "derivation edges", "have both parameter counts")
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

FIELDS = {
    "createdAt": "a creation date",
    "parameters": "a parameter count",
    "architecture": "an architecture",
    "license": "a licence",
    "datasets": "a declared training dataset",
    "commits": "commits by a human contributor",
    "organization": "a publishing organization",
    "downloads": "a download count",
    "gated": "a stated gating",
}


def share(n: int, total: int, unit: str, what: str) -> str:
    """``'n of N unit (p%) what'``, e.g. ``'7,551 of 35,441 described models (21.3%) have a
    creation date'``; the percentage is left out when N is 0."""
    pct = f" ({100 * n / total:.1f}%)" if total else ""
    return f"{n:,} of {total:,} {unit}{pct}" + (f" {what}" if what else "")


@dataclass(frozen=True)
class Coverage:
    """The ``coverage`` query's counts: per field, (described, with it, derivatives, derivatives
    with it)."""

    counts: dict[str, tuple[int, int, int, int]]

    @classmethod
    def of(cls, df: pd.DataFrame) -> Coverage:
        """From the rows of the named query ``coverage``."""
        return cls({str(r["field"]): (int(r["described"]), int(r["withField"]),
                                      int(r["derivatives"]), int(r["derivativesWithField"]))
                    for r in df.to_dict("records")})

    def _row(self, field: str) -> tuple[int, int, int, int]:
        if field not in FIELDS:
            raise KeyError(f"no coverage field {field!r}; fields: {', '.join(FIELDS)}")
        return self.counts.get(field, (0, 0, 0, 0))

    def models(self, field: str) -> str:
        """How many described models have ``field``."""
        described, with_field, _, _ = self._row(field)
        return share(with_field, described, "described models", f"have {FIELDS[field]}")

    def parents(self) -> str:
        """How many described models have a parent (are derivatives)."""
        described, _, derivatives, _ = next(iter(self.counts.values()), (0, 0, 0, 0))
        return share(derivatives, described, "described models", "have a parent")

    def derivatives(self, field: str) -> str:
        """How many described derivatives (models with a parent) have ``field``."""
        _, _, derivatives, with_field = self._row(field)
        return share(with_field, derivatives, "described derivatives", f"have {FIELDS[field]}")
