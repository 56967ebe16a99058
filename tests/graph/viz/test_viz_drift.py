"""The licence drift line of a lineage graph's node tooltip, over tests/fixtures/drift: drifting
models name their drifting declared ancestors (at most 3), the others have no such line, and the
Hub's strings are escaped. Expected lines worked out by hand from the fixture README."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import neo4j
import pytest

from hflineage.analytics import subgraph
from hflineage.analytics.subgraph import Drift, fetch_lineage
from hflineage.viz.render import build_network
from tests.support.drift import EVIL_CHILD, drift_graph
from tests.support.server import TestServer


@pytest.fixture(scope="module")
def drift(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    return drift_graph(driver, neo4j_server.database)


def tips(driver: neo4j.Driver, database: str, model: str) -> dict[str, str]:
    net = build_network(fetch_lineage(driver, database, model, up=None, down=None))
    return {str(n["id"]): str(n["title"]) for n in net.nodes}


def drift_line(tip: str) -> str | None:
    found = re.findall(r"<tr><th>licence drift \(declared ancestors\)</th><td>(.*?)</td></tr>", tip)
    assert len(found) <= 1
    return found[0] if found else None


def test_ivan_names_both_ancestors_and_the_ungating(drift: neo4j.Driver, database: str) -> None:
    t = tips(drift, database, "ivan/llama-ft-apache")
    assert set(t) == {"ivan/llama-ft-apache", "hank/llama-ft", "meta-llama/llama-2-7b-hf"}
    assert drift_line(t["ivan/llama-ft-apache"]) == (
        "looser than hank/llama-ft (llama2, custom/restricted → apache-2.0, permissive) · "
        "looser than meta-llama/Llama-2-7b-hf (llama2, custom/restricted → apache-2.0, "
        "permissive); ungated below it")
    # hank keeps llama2 but drops Meta's manual gating
    assert drift_line(t["hank/llama-ft"]) == (
        "ungated below meta-llama/Llama-2-7b-hf (gated manual)")
    # Meta is a root; jane (a sibling, drawn in Meta's lineage) keeps llama2, states no gating
    assert drift_line(t["meta-llama/llama-2-7b-hf"]) is None
    assert drift_line(tips(drift, database, "meta-llama/Llama-2-7b-hf")["jane/llama-gguf"]) is None


def test_stricter_and_unknown(drift: neo4j.Driver, database: str) -> None:
    t = tips(drift, database, "apache/base")
    assert drift_line(t["gina/apache-nc"]) == (
        "stricter than apache/base (apache-2.0, permissive → cc-by-nc-sa-4.0, non-commercial)")
    for quiet in ("apache/base", "erin/apache-ft", "frank/apache-ft-lora", "mike/weird-licence"):
        assert drift_line(t[quiet]) is None, quiet
    # nina merges apache/base (same category) and nclab (non-commercial): only nclab
    assert drift_line(t["nina/merge"]) == (
        "looser than nclab/base-nc (cc-by-nc-4.0, non-commercial → apache-2.0, permissive)")


def test_markup_in_ids_and_licences_is_escaped(drift: neo4j.Driver, database: str) -> None:
    t = tips(drift, database, EVIL_CHILD)
    line = drift_line(t[EVIL_CHILD])
    assert line == ("looser than evil/&lt;img src=x onerror=alert(1)&gt; (&lt;script&gt;alert(2)"
                    "&lt;/script&gt;, custom/restricted → apache-2.0, permissive); ungated "
                    "below it")
    assert not any("<img" in tip or "<script" in tip for tip in t.values())


def test_the_drift_read_is_batched(drift: neo4j.Driver, database: str, monkeypatch: Any) -> None:
    monkeypatch.setattr(subgraph, "_BATCH", 2)
    found = subgraph.licence_drift_details(drift, database, [
        "ivan/llama-ft-apache", "hank/llama-ft", "gina/apache-nc", "erin/apache-ft",
        "dave/nc-ft-mit-gguf", "not/in-the-graph"])
    assert {k: (n, [(d.ancestor, d.hops, d.kinds) for d in first])
            for k, (first, n) in found.items()} == {
        "ivan/llama-ft-apache": (2, [("hank/llama-ft", 1, ("looser",)),
                                     ("meta-llama/Llama-2-7b-hf", 2, ("looser", "ungated"))]),
        "hank/llama-ft": (1, [("meta-llama/Llama-2-7b-hf", 1, ("ungated",))]),
        "gina/apache-nc": (1, [("apache/base", 1, ("stricter",))]),
        "dave/nc-ft-mit-gguf": (1, [("nclab/base-nc", 3, ("looser",))])}


def test_only_the_drawn_models_are_read(drift: neo4j.Driver, database: str) -> None:
    """A collapsed drawing reads drift for the models it keeps, not the whole fetch."""
    sub = subgraph.fetch_family(drift, database, "nclab/base-nc")
    assert sub.read_drift is not None
    asked: list[str] = []
    read = sub.read_drift

    def recording(keys: Iterable[str]) -> dict[str, tuple[tuple[Drift, ...], int]]:
        asked.extend(keys)
        return read(keys)

    sub.read_drift = recording
    net = build_network(sub, max_nodes=3)
    drawn = {str(n["id"]) for n in net.nodes if n.get("kind") in ("model", "focus", "stub")}
    assert len(sub.models) == 6 and set(asked) == drawn and len(drawn) < len(sub.models)


def test_a_gated_child_below_an_ungated_base(drift: neo4j.Driver, database: str) -> None:
    t = tips(drift, database, "tom/gated-child")
    assert drift_line(t["tom/gated-child"]) == "gated below sam/open-base (not gated)"
    assert drift_line(t["sam/open-base"]) is None
