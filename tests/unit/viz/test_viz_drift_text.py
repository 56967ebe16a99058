"""The tooltip's licence drift line as a pure function of the ModelInfo: the ancestors read
(licence_drift_details reads three) named, the rest counted; each kind worded; nothing when
nothing drifts."""

from __future__ import annotations

from hflineage.analytics.subgraph import Drift, ModelInfo
from hflineage.viz.render import _drift_text


def _d(ancestor: str, kinds: tuple[str, ...], hops: int = 1) -> Drift:
    return Drift(ancestor, hops, "mit", "permissive", "llama2", "custom/restricted", "manual",
                 kinds, "looser" in kinds or "ungated" in kinds)


def test_no_drift_no_line() -> None:
    assert _drift_text(ModelInfo("a/b", "a/b")) is None


def test_three_named_then_counted() -> None:
    info = ModelInfo("a/b", "a/b", drift=tuple(_d(f"x/{i}", ("looser",)) for i in range(3)),
                     drifting=5)
    assert _drift_text(info) == " · ".join(
        f"looser than x/{i} (llama2, custom/restricted → mit, permissive)" for i in range(3)
    ) + " · and 2 more"


def test_each_kind_worded() -> None:
    ungated = ModelInfo("a/b", "a/b", drift=(_d("x/1", ("ungated",)),), drifting=1)
    assert _drift_text(ungated) == "ungated below x/1 (gated manual)"
    both = ModelInfo("a/b", "a/b", drift=(_d("x/1", ("stricter", "ungated")),), drifting=1)
    assert _drift_text(both) == ("stricter than x/1 (llama2, custom/restricted → mit, "
                                 "permissive); ungated below it")
