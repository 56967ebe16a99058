"""The drift queries spell the restrictiveness order and the gated states the README states and
vocab holds: a change to one without the others fails here."""

from __future__ import annotations

import re

import pytest

from hflineage.cypher import load
from hflineage.loader.normalize.vocab import GATED_STATES, LICENSE_ORDER, license_category

STATED = ("permissive", "copyleft", "custom/restricted", "non-commercial")  # issue 19, README


def test_vocab_holds_the_stated_order() -> None:
    assert LICENSE_ORDER == STATED
    assert license_category("cc-by-nc-4.0") == "non-commercial"
    assert license_category("not-a-licence") == "unknown"


@pytest.mark.parametrize("name", ["licence_drift", "licence_drift_summary",
                                  "read/licence_drift_keys"])
def test_queries_rank_categories_in_that_order(name: str) -> None:
    text = load(name, internal=True).text
    cases = re.findall(r"CASE \w+\.?\w* ((?:\s*WHEN '[^']+' THEN \d\s*)+)END", text)
    assert len(cases) == 2, "both ranks (model and ancestor) spelled out"
    for case in cases:
        ranks = re.findall(r"WHEN '([^']+)' THEN (\d)", case)
        assert [c for c, _ in sorted(ranks, key=lambda r: int(r[1]))] == list(STATED)
    gating = re.findall(r"IN \[('[^\]]+')\]", text)
    assert len(gating) >= 2, "both gating kinds (ungated, gated) spell the gated states"
    for states in gating:
        assert tuple(re.findall(r"'([^']+)'", states)) == GATED_STATES
