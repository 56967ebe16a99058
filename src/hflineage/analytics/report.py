"""``hflineage report``: one self-contained, offline HTML page answering the paper's questions.

Plotly's JavaScript is inlined (no CDN), tables sort on a click, each table is also a CSV,
and every Hub-provided string is HTML-escaped (in tables, sentences and chart labels).
"""

from __future__ import annotations

import functools
import html
import importlib.util
import numbers
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from hflineage.analytics import graphs, output
from hflineage.analytics.coverage_text import Coverage, share
from hflineage.analytics.queries import run_query
from hflineage.analytics.subgraph import FETCH_LIMIT, Subgraph, fetch_family
from hflineage.errors import HFLineageError
from hflineage.loader.normalize.vocab import EDGE_RELATIONS, LICENSE_ORDER

MAX_HTML_ROWS = 200
MISSING = "—"  # how the page shows a missing value (never "nan", "None" or "null")
NO_ARCHITECTURE = "no architecture recorded"
LONG_CELL, LIST_SHOWN = 80, 3  # a list cell longer than this shows its length and first items
RELATION_COLUMNS = dict(zip(EDGE_RELATIONS, ("finetunes", "adapters", "quantized", "merges",
                                              "unknownRelation"), strict=True))
SIZE_TOLERANCE = 0.05  # a child below 1 - SIZE_TOLERANCE times its parent's parameters is smaller
ANOMALIES_NAMED = 5  # anomalies named in a sentence; the table lists all
LEADERBOARDS = {"v1": "Open LLM Leaderboard v1", "v2": "Open LLM Leaderboard v2"}


@dataclass
class Section:
    """One question answered: a chart, a sentence saying what it shows, and a table."""

    key: str
    title: str
    sentence: str
    table: pd.DataFrame
    figure: go.Figure | None = None
    links: list[tuple[str, str]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # what a missing value means, by column
    coverage: str = ""  # "n of N models have the field it needs" (analytics.coverage_text)


def _esc(value: Any) -> Any:
    """Hub strings escaped for chart labels (Plotly reads a subset of HTML in text)."""
    return html.escape(value) if isinstance(value, str) else value


def _safe(df: pd.DataFrame) -> pd.DataFrame:
    safe: pd.DataFrame = df.apply(lambda col: col.map(_esc) if col.dtype == object else col)
    return safe


def _fig(title: str, **layout: Any) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=_esc(title), template="plotly_white", height=420,
                      margin={"l": 60, "r": 20, "t": 50, "b": 80}, **layout)
    return fig


def _n(value: Any) -> str:
    """A number for a sentence: whole numbers with thousands separators."""
    plain = output.plain(value)
    if plain is None:
        return MISSING
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{int(value):,}"
    return output.cell(value)


def _count(n: Any, word: str) -> str:
    """``n word``, the word in the plural unless n is 1."""
    return f"{_n(n)} {word}{'' if n == 1 else 's'}"


def _top(df: pd.DataFrame, col: str) -> pd.Series | None:
    return None if df.empty else df.sort_values(col, ascending=False).iloc[0]


def _per_month(fig: go.Figure, months: pd.Series, title: str) -> go.Figure:
    """Months as months on the x axis: one month would otherwise get a millisecond axis."""
    fig.update_xaxes(type="date", tickformat="%Y-%m", title_text=title,
                     dtick="M1" if months.nunique() < 13 else None)
    return fig


def growth_section(df: pd.DataFrame, cov: Coverage) -> Section:
    fig = _fig("Models and contributors over time (dated models only)", yaxis_title="count")
    if not df.empty:
        fig.add_bar(x=df["month"], y=df["newModels"], name="new models")
        fig.add_bar(x=df["month"], y=df["newContributors"], name="new contributors")
        fig.add_scatter(x=df["month"], y=df["totalModels"], name="models (total)", mode="lines")
        fig.add_scatter(x=df["month"], y=df["totalContributors"], name="contributors (total)",
                        mode="lines")
        _per_month(fig, df["month"], "month (UTC)")
    sentence = ("No model has a creation date yet." if df.empty else
                f"From {df['month'].iloc[0]} to {df['month'].iloc[-1]}, "
                f"{_n(df['totalModels'].iloc[-1])} models with a creation date, "
                f"{_n(df['totalContributors'].iloc[-1])} human contributors (dated by their first"
                f" commit) and {_n(df['totalOrganizations'].iloc[-1])} publishing organizations "
                "(dated by their first dated model) appeared; the busiest month for new "
                f"contributors was {_top(df, 'newContributors')['month']}.")  # type: ignore[index]  # not empty here
    return Section("growth_per_month", "Growth: models and new contributors over time",
                   sentence, df, fig, coverage=f"{cov.models('createdAt')} (the others cannot "
                   f"be placed in time and are not counted); {cov.models('commits')}")


def _leader(df: pd.DataFrame, metric: str) -> pd.Series:
    return df.sort_values([metric, "derivatives", "baseModels"], ascending=False,
                          kind="stable").iloc[0]


def architectures_section(df: pd.DataFrame, counts: pd.Series) -> Section:
    """One row per architecture, base models with none recorded last; coverage and shares are
    distinct-model counts from ``derivative_counts``, never sums over rows."""
    named, unnamed = df[df["architecture"].notna()], df[df["architecture"].isna()]
    fig = _fig("Which architectures attract the most contributions? Derivatives and human "
               "contributors per base-model architecture", barmode="group",
               yaxis_title="derivatives", legend={"x": 1.08},
               yaxis2={"title": "human contributors", "overlaying": "y", "side": "right",
                       "rangemode": "tozero", "showgrid": False})
    top = _safe(named.head(15))
    if not top.empty:
        fig.add_bar(x=top["architecture"], y=top["derivatives"], name="derivatives",
                    offsetgroup="derivatives")
        fig.add_bar(x=top["architecture"], y=top["contributors"], name="human contributors",
                    yaxis="y2", offsetgroup="contributors")
    parts = ["No base model has an architecture recorded"]
    if not named.empty:
        by_d, by_c = _leader(named, "derivatives"), _leader(named, "contributors")
        parts = [f"By derivatives, {by_d['architecture']} base models attract the most: "
                 f"{by_d['derivatives']:,} derivatives of {by_d['baseModels']:,} base models, "
                 f"with {by_d['contributors']:,} human contributors and {by_d['commits']:,} "
                 "commits",
                 f"By human contributors (distinct non-bot committers to the derivatives), "
                 f"{by_c['architecture']} leads with {by_c['contributors']:,} on "
                 f"{by_c['derivatives']:,} derivatives"]
    if not unnamed.empty:
        none = unnamed.iloc[0]
        parts.append(share(int(none["derivatives"]), int(counts["derivatives"]), "derivatives",
                           f"descend from the {none['baseModels']:,} base models with "
                           f"{NO_ARCHITECTURE} (the last row)"))
    parts.append("A derivative counts under its base model's architecture, once per architecture")
    sentence = "No base model has derivatives yet." if df.empty else ". ".join(parts) + "."
    coverage = (share(int(counts["baseModelsWithArchitecture"]), int(counts["baseModels"]),
                      "base models", "have an architecture") + "; "
                + share(int(counts["derivativesWithArchitecture"]), int(counts["derivatives"]),
                        "derivatives", "descend from a base model that has one"))
    return Section("top_architectures", "Architecture popularity: derivatives and contributors",
                   sentence, df, fig, coverage=coverage, labels={"architecture": NO_ARCHITECTURE})


def base_models_section(df: pd.DataFrame) -> Section:
    fig = _fig("Top base models by transitive derivatives", yaxis_title="derivatives",
               barmode="group")
    top = _safe(df.head(20))
    if not top.empty:
        fig.add_bar(x=top["model"], y=top["directDerivatives"], name="direct")
        fig.add_bar(x=top["model"], y=top["transitiveDerivatives"], name="transitive")
    first = _top(df, "transitiveDerivatives")
    sentence = ("No model has derivatives yet." if first is None else
                f"{first['model']} is the most built-upon model: {_n(first['directDerivatives'])}"
                f" direct and {_n(first['transitiveDerivatives'])} transitive derivatives.")
    return Section("top_base_models", "Top base models", sentence, df, fig)


def activity_section(df: pd.DataFrame, counts: pd.Series) -> Section:
    """Monthly chart from ``derivatives_per_month``; the per-relation totals are distinct models
    from ``derivative_counts`` (a merge of parents of two architectures counts once)."""
    fig = _fig("New derivatives per month, by relation", barmode="stack",
               yaxis_title="derivatives")
    by = df.groupby(["month", "relation"], as_index=False)["derivatives"].sum()
    for rel in EDGE_RELATIONS:
        part = by[by["relation"] == rel]
        if not part.empty:
            fig.add_bar(x=part["month"], y=part["derivatives"], name=rel)
    if not by.empty:
        _per_month(fig, by["month"], "month the derivative was created (UTC)")
    totals = [f"{rel} {counts[col]:,}" for rel, col in RELATION_COLUMNS.items() if counts[col]]
    dated = int(by["derivatives"].sum()) if not by.empty else 0
    sentence = ("No model has derivatives yet." if not counts["derivatives"] and not dated else
                "No derivative descends from a base model within 10 generations through edges of "
                f"the relation alone; the chart counts {dated:,} dated "
                f"derivative{'' if dated == 1 else 's'} by an edge of it to a parent, by their own "
                "month of creation." if not counts["derivatives"]
                else
                f"Of {counts['derivatives']:,} derivatives (models descending from a base "
                "model within 10 generations), by their relation to a parent (distinct models; "
                "one with edges of two relations counts in both): " + ", ".join(totals)
                + ". The chart counts the derivatives with a creation date by their own month "
                "of creation.")
    return Section("derivatives_per_month", "Derivation activity over time", sentence, df, fig)


def _reference_line(fig: go.Figure, label: str) -> None:
    """A dashed line at 1 on a log y axis, labelled (an annotation's y is log10 there)."""
    fig.add_hline(y=1, line_dash="dash", line_color="black")
    fig.add_annotation(text=label, x=1, xref="paper", xanchor="right", y=0, yref="y",
                       yanchor="bottom", showarrow=False, font={"size": 11})


def _left_out_text(left_out: pd.DataFrame, sep: str = "; ") -> str:
    """The pairs a size chart leaves out, counted by reason."""
    reasons = left_out["excludedReason"].str.split(":").str[0].value_counts()
    parts = {"quantized": "pairs with a quantized child, whose count is of packed storage "
                          "(GPTQ/AWQ int32, bitsandbytes uint8; leaderboard v1 multiplies GPTQ "
                          "totals by 8)",
             "suspect count": "pairs with a flagged parameter count (below 10M, or 10× off the "
                              "name's size or the other source)"}
    return sep.join(f"{_n(n)} {parts.get(str(reason), str(reason))}"
                     for reason, n in reasons.items())


def size_section(pairs: pd.DataFrame, per_hop: pd.DataFrame, to_root: pd.DataFrame,
                 cov: Coverage) -> Section:
    """Boxes of every comparable child/parent ratio per relation on a log axis, with medians over
    pairs and the share of smaller derivatives; quantized storage counts are left out, counted."""
    fig = _fig("Child/parent parameter ratio per relation (every pair; log axis)",
               yaxis_title="child / parent parameters (log)", yaxis_type="log",
               yaxis_exponentformat="none")  # plain 0.01 and 100: no SI "m", no <sup>
    kept = _safe(pairs[pairs["excludedReason"].isna()])
    left_out = pairs[pairs["excludedReason"].notna()]
    for rel in EDGE_RELATIONS:
        part = kept[kept["relation"] == rel]
        if not part.empty:
            fig.add_box(y=part["ratio"], name=f"{rel} ({len(part):,} pairs)", boxpoints="all",
                        jitter=0.5, pointpos=0, marker={"size": 3, "opacity": 0.5},
                        text=part["child"] + " ← " + part["parent"], hoverinfo="y+text")
    _reference_line(fig, "1 = same size as the parent")
    if len(left_out):
        fig.add_annotation(text="Left out:<br>" + _left_out_text(left_out, "<br>"),
                           xref="paper", yref="paper", x=0, y=-0.2, yanchor="top",
                           showarrow=False, xanchor="left", align="left", font={"size": 11})
        fig.update_layout(margin={"b": 150})
    if kept.empty:
        sentence = "No parent–child pair has two comparable parameter counts."
    else:
        smaller = kept.groupby("child")["smaller"].all()
        median = kept.groupby("relation")["ratio"].agg(["median", "size"])
        sentence = (f"{_n(100 * smaller.mean())}% of {_n(len(smaller))} derivatives are smaller "
                    f"than their parent (below {_n(1 - SIZE_TOLERANCE)}×; a derivative of "
                    f"several parents when smaller than each); per pair, "
                    f"{_n(100 * kept['smaller'].mean())}% of {_n(len(kept))} child–parent pairs."
                    " Median child/parent ratio over pairs: "
                    + ", ".join(f"{r} {_n(m['median'])} ({_n(m['size'])} pairs)"
                                for r, m in median.iterrows())
                    + (f". Against the root, generation 1 has median ratio "
                       f"{_n(to_root['medianRatio'].iloc[0])} over "
                       f"{_n(to_root['pairs'].iloc[0])} pairs" if not to_root.empty else "")
                    + (f". Left out: {_left_out_text(left_out)}" if len(left_out) else "")
                    + ".")
    return Section("size_ratio_per_hop", "Size along derivation chains", sentence, per_hop, fig,
                   coverage=f"{cov.models('parameters')}; {_n(len(pairs))} child–parent "
                   "pairs have both parameter counts")


def openness_section(by_gating: pd.DataFrame, by_licence: pd.DataFrame,
                     cov: Coverage) -> Section:
    """Direct derivatives per base model by licence category (x) and gating state (legend), each
    rate over its own bases; the per-licence rate over all of the licence's bases is a trace."""
    fig = _fig("Direct derivatives per base model, by licence category and gating (log axis)",
               yaxis_title="direct derivatives per base (log)", yaxis_type="log",
               xaxis_title="licence category of the base model", scattermode="group")
    rated = by_gating[by_gating["derivativesPerBase"] > 0]
    for gated in sorted(rated["gated"].unique()):
        part = rated[rated["gated"] == gated]
        fig.add_scatter(x=part["licenseCategory"], y=part["derivativesPerBase"], mode="markers",
                        name=f"gated: {gated}", marker={"size": 11},
                        text=[f"{_n(r.directDerivatives)} derivatives of {_n(r.baseModels)} bases"
                              for r in part.itertuples()], hoverinfo="x+y+text")
    if not by_licence.empty:
        order = by_licence.sort_values("derivativesPerBase", ascending=False)["licenseCategory"]
        fig.update_xaxes(categoryorder="array", categoryarray=list(order))
        fig.add_scatter(x=by_licence["licenseCategory"], y=by_licence["derivativesPerBase"],
                        mode="markers", name="all bases of the licence",
                        marker={"symbol": "line-ew-open", "size": 30, "color": "black"},
                        text=[f"{_n(r.directDerivatives)} derivatives of {_n(r.baseModels)} bases"
                              for r in by_licence.itertuples()], hoverinfo="x+y+text")
    _reference_line(fig, "1 derivative per base")
    stated = by_gating[by_gating["gated"] != "unknown"]
    bases = int(by_gating["baseModels"].sum())
    if by_licence.empty:
        sentence = "No base models."
    else:
        ranked = by_licence.sort_values("derivativesPerBase", ascending=False)
        sentence = ("Direct derivatives per base model, over all bases of each licence category "
                    "(stubs included): " + ", ".join(
                        f"{r.licenseCategory} {_n(r.derivativesPerBase)} ({_n(r.directDerivatives)}"
                        f" of {_count(r.baseModels, 'base')})" for r in ranked.itertuples()) + ".")
        if not stated.empty:
            top = stated.sort_values("derivativesPerBase", ascending=False).iloc[0]
            known = share(int(stated["baseModels"].sum()), bases, "base models", "")
            sentence += (f" Gating is stated for only {known}; among them, "
                         f"{top['licenseCategory']} bases gated {top['gated']} draw the most "
                         f"({_n(top['derivativesPerBase'])} per base over "
                         f"{_count(top['baseModels'], 'base')}).")
    return Section("openness_spectrum", "Openness spectrum: licence and gating", sentence,
                   by_gating, fig, coverage=f"{cov.models('license')}; {cov.models('gated')}")


DRIFT_RULE = ("A pair is a derivative and one of its declared ancestors (up to 10 hops, deleted "
              "models left out); licence categories rank permissive < copyleft < "
              "custom/restricted < non-commercial (the Hub's 'other' counts as "
              "custom/restricted), and a derivative ranking below its ancestor is looser; "
              "unknown never drifts. Gated (auto, manual or true) is stricter than ungated, and "
              "a missing gating state never drifts.")
_CATEGORIES = (*LICENSE_ORDER, "unknown")


def _pct(n: Any, total: Any) -> str:
    return f"{100 * n / total:.1f}%" if total else MISSING


def drift_section(overall: pd.DataFrame, by_pair: pd.DataFrame, cov: Coverage) -> Section:
    """Derivative–ancestor pairs by the two licence categories (``licence_drift_summary``), the
    looser cells left of the diagonal; the headline counts come from its ``all`` row."""
    fig = _fig("Derivative–ancestor pairs by licence category (declared lineage, ≤ 10 hops): "
               "orange looser, purple stricter, blue same category, grey unknown",
               xaxis_title="derivative's licence category", yaxis_title="ancestor's licence "
               "category")
    counts = {(a, d): 0 for a in _CATEGORIES for d in _CATEGORIES}
    for group, pairs in zip(by_pair["group"], by_pair["pairs"], strict=True):
        ancestor, _, derivative = str(group).partition(" → ")
        counts[(ancestor, derivative)] = int(pairs)

    def cell(a: str, d: str) -> str:
        if "unknown" in (a, d):
            return "never drifts (unknown)"
        gap = _CATEGORIES.index(a) - _CATEGORIES.index(d)
        return "looser" if gap > 0 else "stricter" if gap < 0 else "same category"

    if overall.empty or not int(overall["pairs"].iloc[0]):
        return Section("licence_drift", "Licence drift along the ancestry",
                       "No derivative has a declared ancestor.", by_pair, None,
                       coverage=cov.derivatives("license"))
    top_count = max(counts.values()) or 1  # zmin below 0: a small count still shows its hue
    kinds = {"looser": "Oranges", "stricter": "Purples", "same category": "Blues",
             "never drifts (unknown)": "Greys"}
    for kind, scale in kinds.items():
        fig.add_heatmap(
            x=list(_CATEGORIES), y=list(_CATEGORIES), colorscale=scale, showscale=False,
            name=kind, zmin=-0.4 * top_count, zmax=top_count, xgap=2, ygap=2,
            z=[[counts[(a, d)] if cell(a, d) == kind else None for d in _CATEGORIES]
               for a in _CATEGORIES],
            text=[[f"{counts[(a, d)]:,}" if cell(a, d) == kind else "" for d in _CATEGORIES]
                  for a in _CATEGORIES],
            texttemplate="%{text}", hovertemplate=f"ancestor %{{y}} → derivative %{{x}}: "
            f"%{{text}} pairs ({kind})<extra></extra>")
    fig.update_yaxes(autorange="reversed")
    o = overall.iloc[0]
    looser = by_pair[by_pair["looserPairs"] > 0].sort_values("looserPairs", ascending=False)
    sentence = (f"{_n(o['pairs'])} derivative–ancestor pairs over "
                f"{_count(o['models'], 'derivative')}; "
                + share(int(o["comparablePairs"]), int(o["pairs"]), "pairs",
                        "have both licence categories known")
                + f". Of those, {_n(o['looserPairs'])} "
                f"({_pct(o['looserPairs'], o['comparablePairs'])}) are looser than the "
                f"ancestor and {_n(o['stricterPairs'])} "
                f"({_pct(o['stricterPairs'], o['comparablePairs'])}) stricter")
    if len(looser):
        top = looser.iloc[0]
        sentence += f"; the most common looser step is {top['group']} ({_n(top['looserPairs'])})"
    if o["otherPairs"]:
        sentence += (f"; {_n(o['otherPairs'])} of these looser or stricter pairs involve the "
                     "Hub's 'other' licence, whose terms are in the model card")
    sentence += (f". {_n(o['ungatedPairs'])} of {_n(o['gatedAncestorPairs'])} pairs below a gated "
                 "ancestor with the derivative's gating stated are ungated. "
                 if o["gatedAncestorPairs"] else ". Gating cannot be judged: no pair has a gated "
                 "ancestor and a derivative whose gating is stated. ")
    if o["gatedPairs"]:
        sentence += (f"{_n(o['gatedPairs'])} pairs are the reverse, a gated derivative below an "
                     "ungated ancestor. ")
    sentence += (f"{_n(o['driftingModels'])} of {_count(o['models'], 'derivative')} drift against "
                 f"at least one ancestor ({_n(o['driftPairs'])} drifting pairs in all), counting "
                 f"those that only inherit an ancestor's drift. {DRIFT_RULE}")
    return Section("licence_drift", "Licence drift along the ancestry", sentence, by_pair, fig,
                   coverage=f"{cov.derivatives('license')}; {cov.derivatives('gated')}; a "
                   "licence outside the stated lists counts as unknown")


def drift_by_relation_section(df: pd.DataFrame, cov: Coverage) -> Section:
    """The looser share of comparable pairs per relation path (``licence_drift_summary``,
    ``$by`` relation), each bar labelled with its counts."""
    fig = _fig("Looser pairs per comparable derivative–ancestor pair, by relation of the path",
               yaxis_title="looser share of comparable pairs", yaxis_tickformat=".0%",
               xaxis_title="relation (every edge of the path; mixed: edges differ)")
    rated = df[df["comparablePairs"] > 0]
    if not rated.empty:
        fig.add_bar(x=_safe(rated)["group"], y=rated["looserShare"], name="looser share",
                    text=[f"{_n(r.looserPairs)} of {_n(r.comparablePairs)}"
                          for r in rated.itertuples()], textposition="outside")
    unrated = df[df["comparablePairs"] == 0]
    if rated.empty:
        sentence = "No derivative–ancestor pair has both licence categories known."
    else:
        top = rated.sort_values("looserShare", ascending=False).iloc[0]
        sentence = (f"The looser share is highest on {top['group']} paths: "
                    f"{_n(top['looserPairs'])} of "
                    f"{_n(top['comparablePairs'])} comparable pairs "
                    f"({_pct(top['looserPairs'], top['comparablePairs'])}). "
                    "A share is over the relation's pairs with both licence categories known.")
        if len(unrated):
            sentence += (" Not drawn (no comparable pair): "
                         + ", ".join(f"{r.group} ({_n(r.pairs)} pairs)"
                                     for r in unrated.itertuples()) + ".")
    return Section("licence_drift_by_relation", "Licence drift by relation", sentence, df, fig,
                   coverage=share(int(df["comparablePairs"].sum()), int(df["pairs"].sum()),
                                  "pairs", "have both licence categories known"))


def _licence(value: Any) -> str:
    """A licence id for a sentence; a missing one (None or NaN) is 'no licence'."""
    return value if isinstance(value, str) and value else "no licence"


def drift_pairs_section(pairs: pd.DataFrame, overall: pd.DataFrame, cov: Coverage) -> Section:
    """The drifting pairs (``licence_drift``), conflicts (looser or ungated) first; the sentence
    names the first pair of the first few derivatives and says how many the table holds."""
    total = int(overall["driftPairs"].iloc[0]) if len(overall) else len(pairs)
    conflicts = pairs[pairs["conflict"].astype(bool)] if len(pairs) else pairs
    if conflicts.empty:
        sentence = "No derivative is looser than, or ungated below, a declared ancestor."
    else:
        named = conflicts.drop_duplicates("model").head(ANOMALIES_NAMED).to_dict("records")
        sentence = ("Looser or ungated below an ancestor (widest category gap first, one pair "
                    "per derivative): "
                    + "; ".join(f"{r['model']} ({_licence(r['modelLicense'])}, "
                                f"{r['modelCategory']}) below {r['ancestor']} "
                                f"({_licence(r['ancestorLicense'])}, "
                                f"{r['ancestorCategory']}), {_count(r['hops'], 'hop')}"
                                + (", ungated" if "ungated" in list(r["drift"]) else "")
                                for r in named) + ".")
    sentence += (f" The table holds the first {len(pairs):,} of {_count(total, 'drifting pair')}"
                 " in that order." if len(pairs) < total else
                 f" The table holds all {_count(total, 'drifting pair')}.")
    return Section("licence_drift_pairs", "Licence drift: the pairs", sentence, pairs, None,
                   coverage=f"{cov.derivatives('license')}; {cov.derivatives('gated')}",
                   labels={"modelLicense": "no licence", "ancestorLicense": "no licence"})


def drift_by_architecture_section(df: pd.DataFrame, cov: Coverage) -> Section:
    """Conflicting pairs (looser or ungated) by the derivative's architecture, each counted once
    per architecture (``licence_drift_summary``, ``$by`` architecture)."""
    df = df.sort_values(["conflictPairs", "pairs"], ascending=False, kind="stable")
    fig = _fig("Conflicting derivative–ancestor pairs (looser or ungated), by the derivative's "
               "architecture (top 20)", yaxis_title="conflicting pairs")
    top = df[df["conflictPairs"] > 0].head(20)
    if len(top):
        fig.add_bar(x=[_esc(g) if isinstance(g, str) else NO_ARCHITECTURE for g in top["group"]],
                    y=top["conflictPairs"], name="conflicting pairs",
                    text=[f"{_n(r.conflictPairs)} of {_n(r.pairs)} pairs"
                          for r in top.itertuples()],
                    hoverinfo="x+y+text")
    if df.empty or df["group"].isna().all():
        return Section("licence_drift_by_architecture", "Licence drift by architecture",
                       "Cannot be judged: no derivative with a declared ancestor has an "
                       "architecture recorded.", df, None,
                       coverage=cov.derivatives("architecture"), labels={"group": NO_ARCHITECTURE})
    sentence = ("No pair conflicts." if top.empty else
                "Most conflicting pairs, by the derivative's architecture: " + ", ".join(
        f"{r.group if isinstance(r.group, str) else NO_ARCHITECTURE} ({_n(r.conflictPairs)} of "
        f"{_n(r.pairs)} pairs)" for r in top.head(3).itertuples())
        + ". A pair counts once under each architecture of its derivative.")
    return Section("licence_drift_by_architecture", "Licence drift by architecture", sentence, df,
                   fig if len(top) else None, coverage=cov.derivatives("architecture"),
                   labels={"group": NO_ARCHITECTURE})


def first_derivative_section(df: pd.DataFrame, cov: Coverage) -> Section:
    """Days from a base's release to its first derivative; children created before their
    parent are left out of the statistics, counted and named as anomalies."""
    days = df["daysToFirstDerivative"].dropna()
    fig = _fig("Days from a base model's release to its first derivative (weekly bins)",
               xaxis_title="days (children created before their parent left out)",
               yaxis_title="base models")
    if not days.empty:
        fig.add_histogram(x=days, xbins={"start": 0, "size": 7}, name="base models")
        fig.add_vline(x=days.median(), line_dash="dash", line_color="black",
                      annotation_text=f"median {_n(days.median())} days")
    anomalous = df[df["anomalies"] > 0]
    if days.empty and anomalous.empty:
        sentence = "No base model and derivative both have creation dates."
    else:
        named = [f"{child} (before {r['model']})" for r in anomalous.to_dict("records")
                 for child in r["anomalousChildren"]][:ANOMALIES_NAMED]
        sentence = (f"Median {_n(days.median())} days from a base model's release to its first "
                    f"derivative, over {_n(len(days))} base models."
                    + (f" Left out as anomalies: {_n(int(anomalous['anomalies'].sum()))} "
                       f"child–parent pairs (under {_n(len(anomalous))} base models) where the "
                       "child was created before its parent, a re-upload or a renamed parent: "
                       + ", ".join(named) + (", …" if anomalous["anomalies"].sum() > len(named)
                                             else "") + "; the table lists them all."
                       if not anomalous.empty else ""))
    return Section("time_to_first_derivative", "Time from release to first derivative",
                   sentence, df, fig, coverage=cov.derivatives("createdAt"))


@dataclass(frozen=True)
class Board:
    """One leaderboard in the score sections: its scale is never pooled with another's."""

    key: str
    benchmark: str
    scored: int
    models: int

    @property
    def name(self) -> str:
        return LEADERBOARDS.get(self.key, f"leaderboard {self.key}")

    def title(self, what: str) -> str:
        return f"{what} ({self.benchmark}, {self.name})"

    def sentence(self, body: str) -> str:
        """A section's sentence, stating the board and how many models it scores."""
        return (f"{self.name}: {body} Coverage: {self.scored:,} of {self.models:,} models "
                f"have a score for {self.benchmark} on {self.name}.")

    def rows(self, df: pd.DataFrame) -> pd.DataFrame:
        return df[df["leaderboard"] == self.key].reset_index(drop=True)


def deltas_section(pairs: pd.DataFrame, by_relation: pd.DataFrame, board: Board) -> Section:
    fig = _fig(board.title("Score delta against the parent, by relation"),
               yaxis_title="child − parent score")
    for rel in EDGE_RELATIONS:
        part = _safe(pairs[pairs["relation"] == rel])
        if not part.empty:
            fig.add_box(y=part["delta"], name=rel, boxpoints="all", jitter=0.4,
                        text=part["child"] + " ← " + part["parent"], hoverinfo="y+text")
    if pairs.empty:
        body = f"no derivative and parent are both scored on {board.benchmark}."
    else:
        single = pairs[pairs["parents"] == 1]["delta"]
        med = pairs.groupby("relation")["delta"].median()
        body = ((f"{len(single):,} single-parent derivatives have a mean {board.benchmark} "
                 f"delta against their parent of {_n(single.mean())} points (median "
                 f"{_n(single.median())}); {_n(100 * (single > 0).mean())}% improve on it. "
                 if len(single) else "")
                + f"Over all {len(pairs):,} scored child–parent pairs (a merge counts once per"
                f" parent), the child beats its parent in "
                f"{_n(100 * (pairs['delta'] > 0).mean())}% of pairs; median delta per pair by "
                "relation: "
                + ", ".join(f"{r} {_n(v)}" for r, v in med.items()) + ".")
    return Section(f"accuracy_delta_by_relation_{board.key}",
                   board.title("Score deltas against the parent"), board.sentence(body),
                   by_relation, fig)


def size_change_section(df: pd.DataFrame, pairs: pd.DataFrame, board: Board) -> Section:
    fig = _fig(board.title("Score delta against the size ratio to the parent"),
               xaxis_title="child/parent parameters (log)", xaxis_type="log",
               yaxis_title="score delta")
    sized = _safe(pairs.dropna(subset=["sizeRatio"]))
    for rel in EDGE_RELATIONS:
        part = sized[sized["relation"] == rel]
        if not part.empty:
            fig.add_scatter(x=part["sizeRatio"], y=part["delta"], mode="markers", name=rel,
                            text=part["child"], hoverinfo="x+y+text")
    smaller = df[df["sizeChange"] == "smaller"]
    body = ("no scored derivative is smaller than its parent." if smaller.empty else
            f"where size drops ({int(smaller['pairs'].sum()):,} pairs), the median "
            f"{board.benchmark} delta against the parent by relation is "
            + ", ".join(f"{r.relation} {_n(r.medianDelta)} points ({r.pairs:,} pairs)"
                        for r in smaller.itertuples()) + ".")
    body += (" Quantized children are left out (their counts are of packed storage, not "
             "weights), as are flagged parameter counts.")
    return Section(f"accuracy_vs_size_change_{board.key}",
                   board.title("Is the accuracy loss manageable where size drops?"),
                   board.sentence(body), df, fig)


def frontier_section(df: pd.DataFrame, board: Board) -> Section:
    fig = _fig(board.title("Parameters against score"), xaxis_title="parameters (log)",
               xaxis_type="log", yaxis_title=f"{board.benchmark} ({board.name})")
    safe = _safe(df).fillna({"architecture": "(unknown)"})
    top = list(safe["architecture"].value_counts().index[:8])
    rest = safe[~safe["architecture"].isin(top)]
    groups = [(arch, safe[safe["architecture"] == arch]) for arch in top]
    if not rest.empty:
        groups.append((f"{rest['architecture'].nunique()} other architectures", rest))
    for name, part in groups:
        fig.add_scatter(x=part["parameters"], y=part["score"], mode="markers", name=name,
                        text=part["model"], hoverinfo="x+y+text", opacity=0.6)
    front = safe[safe["onFront"].astype(bool)]
    fig.add_scatter(x=front["parameters"], y=front["score"], mode="lines+markers",
                    name="Pareto front", line={"color": "black"}, text=front["model"])
    on = df[df["onFront"].astype(bool)]
    body = (f"no model has both a parameter count and a {board.benchmark} score." if df.empty
            else f"{len(df):,} scored models with a parameter count; {len(on):,} are on the "
            f"size–accuracy front, from {on['model'].iloc[0]} (smallest) to "
            f"{on['model'].iloc[-1]} (best, {_n(on['score'].iloc[-1])}); "
            f"{int(df['onArchitectureFront'].eq(True).sum()):,} are on their architecture's "
            f"front and {int(df['onFrontWhenReleased'].eq(True).sum()):,} were on the front "
            "when released.")
    return Section(f"size_accuracy_frontier_{board.key}", board.title("Size–accuracy frontier"),
                   board.sentence(body), df, fig)


def best_over_time_figure(curves: dict[str, pd.DataFrame], board: Board, *,
                          unit: str | None = None, coverage: str | None = None) -> go.Figure:
    """The increasing maximum on one board: per family (root id), the best score of any member
    created up to each month, as ``family_best_score_over_time`` answers; ``unit`` and
    ``coverage`` go into the title when given. The report and the explorer draw this chart."""
    what = "Best score in a family over time (increasing maximum)"
    title, axis = board.title(what), f"best {board.benchmark} so far"
    if unit is not None:
        title, axis = f"{what} ({board.benchmark}, {board.name}, {unit})", f"{axis} ({unit})"
    fig = _fig(title, yaxis_title=axis)
    if coverage is not None:
        fig.update_layout(title_subtitle_text=_esc(f"Coverage: {coverage}"), margin_t=86)
    for root, df in curves.items():
        if not df.empty:
            fig.add_scatter(x=df["month"], y=df["familyBest"], name=_esc(root),
                            mode="lines+markers", line_shape="hv")
    months = pd.Series([m for df in curves.values() if not df.empty for m in df["month"]],
                       dtype=object)
    return _per_month(fig, months, "month created (UTC)")


def best_over_time_section(curves: dict[str, pd.DataFrame], board: Board) -> Section:
    fig = best_over_time_figure(curves, board)
    rows = []
    for root, df in curves.items():
        if not df.empty:
            rows.append({"leaderboard": board.key, "root": root, "months": len(df),
                         "first": df["familyBest"].iloc[0], "best": df["familyBest"].iloc[-1],
                         "bestModel": df["bestModel"].iloc[-1]})
    table = pd.DataFrame(rows, columns=["leaderboard", "root", "months", "first", "best",
                                        "bestModel"])
    body = ("no large family has dated members scored on it." if table.empty else
            "in the largest families the best score rises as derivatives appear: "
            + "; ".join(f"{r.root} from {_n(r.first)} to {_n(r.best)}"
                        for r in table.itertuples()) + ".")
    return Section(f"family_best_score_over_time_{board.key}",
                   board.title("The increasing maximum"), board.sentence(body), table, fig)


def dataset_count_section(df: pd.DataFrame, board: Board) -> Section:
    body = ("no derivative and parent are both scored on it." if df.empty else
            "median delta against the parent by training datasets declared: " + ", ".join(
                f"{r.datasets}: {_n(r.medianDelta)} ({r.pairs:,} pairs)"
                for r in df.itertuples()) + ".")
    return simple_section(f"accuracy_delta_by_dataset_count_{board.key}",
                          board.title("Score delta against the number of training datasets"),
                          df, board.sentence(body), bar=("datasets", "medianDelta"))


def score_sections(q: Callable[..., pd.DataFrame], benchmark: str,
                   roots: list[str]) -> list[Section]:
    """The score sections, once per leaderboard that scores a model; boards are never pooled."""
    coverage = q("score_coverage", benchmark=benchmark)
    boards = [Board(str(r["leaderboard"]), benchmark, int(r["scoredModels"]), int(r["models"]))
              for r in coverage.to_dict("records") if r["scoredModels"]]
    if not boards:
        return [Section("leaderboard_scores", f"Leaderboard scores ({benchmark})",
                        f"No model has a score for {benchmark} on any leaderboard.", coverage)]
    pairs = q("scored_pairs", benchmark=benchmark)
    by_relation = q("accuracy_delta_by_relation", benchmark=benchmark)
    size_change = q("accuracy_vs_size_change", benchmark=benchmark)
    frontier = q("size_accuracy_frontier", benchmark=benchmark)
    by_count = q("accuracy_delta_by_dataset_count", benchmark=benchmark)
    curves = {r: q("family_best_score_over_time", model=r, benchmark=benchmark) for r in roots}
    sections = []
    for b in boards:
        sections += [deltas_section(b.rows(pairs), b.rows(by_relation), b),
                     size_change_section(b.rows(size_change), b.rows(pairs), b),
                     frontier_section(b.rows(frontier), b),
                     best_over_time_section({r: b.rows(c) for r, c in curves.items()}, b),
                     dataset_count_section(b.rows(by_count), b)]
    return sections


def contributors_section(dist: pd.DataFrame, summary: pd.DataFrame) -> Section:
    fig = _fig("Human contributors per model", xaxis_title="contributors",
               yaxis_title="models")
    if not dist.empty:
        fig.add_bar(x=dist["contributors"], y=dist["models"], name="models")
        fig.update_xaxes(dtick=1 if dist["contributors"].max() <= 20 else None)  # whole people
    s = summary.iloc[0] if not summary.empty else None
    sentence = ("No commits are loaded." if s is None or not s["models"] else
                f"{_n(100 * s['singleContributorShare'])}% of {_n(s['models'])} models with commits"
                f" have a single human contributor; the mean is {_n(s['meanContributors'])}.")
    return Section("contributors_per_model", "Community engagement: contributors per model",
                   sentence, dist, fig)


def simple_section(key: str, title: str, df: pd.DataFrame, sentence: str,
                   bar: tuple[str, str] | None = None, coverage: str = "") -> Section:
    fig = None
    if bar is not None and not df.empty:
        top = _safe(df.head(20))
        fig = _fig(title, yaxis_title=bar[1])
        fig.add_bar(x=top[bar[0]].astype(str), y=top[bar[1]], name=bar[1])
    return Section(key, title, sentence, df, fig, coverage=coverage)


def _sentence_first(df: pd.DataFrame, fmt: Callable[[pd.Series], str], empty: str) -> str:
    return empty if df.empty else fmt(df.iloc[0])


FAMILY_RULE = ("A family is its root and every model reachable below it within 10 generations, "
               "walking through deleted models but never counting them; a member's generation "
               "is its shortest distance from the root through any models.")


def family_sections(driver: neo4j.Driver, database: str, roots: list[str], out: Path,
                    timeout: float | None) -> Section:
    """The largest families by FAMILY_RULE (``family_summary``, ``graphs.tree_stats``)."""
    rows, links = [], []
    viz = importlib.util.find_spec("hflineage.viz") is not None
    for root in roots:
        summary = run_query(driver, "family_summary", {"model": root}, database, timeout)
        sub = fetch_family(driver, database, root, limit=None)
        g = graphs.family_tree(sub)
        stats = graphs.tree_stats(g, g.graph["root"])
        rank = graphs.influence(g)
        inner = rank[rank["model"].isin(graphs.counted(g, g.graph["root"]))
                     & (rank["model"] != g.graph["root"])]
        rows.append({**summary.iloc[0].to_dict(), "leaves": stats["leaves"],
                     "maxBranching": stats["maxBranching"],
                     "meanBranching": stats["meanBranching"],
                     "mostInfluentialDerivative": inner["model"].iloc[0] if len(inner) else None})
        if viz and len(sub.models) <= FETCH_LIMIT:
            page = _lineage_page(sub, root, out)
            if page is not None:
                links.append((page, f"lineage of {root}"))
    table = pd.DataFrame(rows)
    sentence = ("No model has derivatives yet." if table.empty else
                "The largest families: " + "; ".join(
                    f"{r['root']} ({_n(r['size'])} models, depth {_n(r['depth'])}, "
                    f"{_n(r['organizations'])} organizations)" for r in rows) + ". "
                + FAMILY_RULE)
    return Section("families", "Largest families: size, depth, branching, influence", sentence,
                   table, None, links)


def _lineage_page(sub: Subgraph, root: str, out: Path) -> str | None:
    """The viz module's lineage page of a fetched family, when that module is installed."""
    from hflineage.viz.render import build_network

    name = f"lineage/{re.sub(r'[^A-Za-z0-9._-]+', '_', root)}.html"
    try:
        (out / "lineage").mkdir(parents=True, exist_ok=True)
        build_network(sub).save(str(out / name))
    except HFLineageError:
        return None
    return name


Query = Callable[..., pd.DataFrame]


class Inputs:
    """What several sections read, each read once: coverage, derivative counts, the top base
    models and the roots of the largest families. ``q(name, **params)`` runs a named query."""

    def __init__(self, q: Query, benchmark: str = "Average", families: int = 5) -> None:
        self.q, self.benchmark, self.families = q, benchmark, families

    @functools.cached_property
    def cov(self) -> Coverage:
        return Coverage.of(self.q("coverage"))

    @functools.cached_property
    def counts(self) -> pd.Series:
        return self.q("derivative_counts").iloc[0]

    @functools.cached_property
    def growth(self) -> pd.DataFrame:
        return self.q("growth_per_month")

    @functools.cached_property
    def bases(self) -> pd.DataFrame:
        return self.q("top_base_models", limit=max(4 * self.families, 20))

    @functools.cached_property
    def roots(self) -> list[str]:
        return list(self.bases[self.bases["isRoot"].astype(bool)]["model"].head(self.families))


def new_contributors_section(df: pd.DataFrame, cov: Coverage) -> Section:
    """New human contributors (by first commit) and new publishing organizations (by first
    dated model) per month, from ``growth_per_month``."""
    fig = _fig("New human contributors and publishing organizations per month",
               barmode="group", yaxis_title="new per month")
    if not df.empty:
        fig.add_bar(x=df["month"], y=df["newContributors"], name="new human contributors")
        fig.add_bar(x=df["month"], y=df["newOrganizations"], name="new organizations")
        _per_month(fig, df["month"], "month (UTC)")
    if df.empty or not (df["newContributors"].sum() or df["newOrganizations"].sum()):
        sentence = "No dated commit or dated model is loaded."
    else:
        people, orgs = _top(df, "newContributors"), _top(df, "newOrganizations")
        sentence = (f"{_n(int(df['newContributors'].sum()))} human contributors (dated by their "
                    f"first commit) and {_n(int(df['newOrganizations'].sum()))} publishing "
                    "organizations (dated by their first dated model) appeared; most new "
                    f"contributors in {people['month']} ({_n(people['newContributors'])}), "  # type: ignore[index]
                    f"most new organizations in {orgs['month']} "  # type: ignore[index]
                    f"({_n(orgs['newOrganizations'])}).")  # type: ignore[index]
    table = df[["month", "newContributors", "newOrganizations", "totalContributors",
                "totalOrganizations"]] if not df.empty else df
    return Section("new_contributors_per_month", "New contributors and organizations per month",
                   sentence, table, fig, coverage=f"{cov.models('commits')}; "
                   f"{cov.models('organization')}")


def _growth(i: Inputs) -> list[Section]:
    return [growth_section(i.growth, i.cov)]


def _new_contributors(i: Inputs) -> list[Section]:
    return [new_contributors_section(i.growth, i.cov)]


def _architectures(i: Inputs) -> list[Section]:
    return [architectures_section(i.q("top_architectures", limit=1_000_000), i.counts)]


def _base_models(i: Inputs) -> list[Section]:
    return [replace(base_models_section(i.bases), coverage=i.cov.parents())]


def _activity(i: Inputs) -> list[Section]:
    return [replace(activity_section(i.q("derivatives_per_month"), i.counts),
                    coverage=i.cov.derivatives("createdAt"))]


def _size(i: Inputs) -> list[Section]:
    return [size_section(i.q("size_ratio_pairs", tolerance=SIZE_TOLERANCE),
                         i.q("size_ratio_per_hop", tolerance=SIZE_TOLERANCE),
                         i.q("size_ratio_to_root", tolerance=SIZE_TOLERANCE), i.cov)]


def _scores(i: Inputs) -> list[Section]:
    return score_sections(i.q, i.benchmark, i.roots)


def _contributors(i: Inputs) -> list[Section]:
    return [replace(contributors_section(i.q("contributors_per_model"),
                                         i.q("contributor_summary")),
                    coverage=i.cov.models("commits"))]


def _top_contributors(i: Inputs) -> list[Section]:
    df = i.q("top_contributors", limit=50)
    return [simple_section("top_contributors", "Top contributors", df, _sentence_first(
        df, lambda r: f"{r['contributor']} committed to the most models ({_n(r['models'])}, "
        f"published by {_n(r['organizations'])} organization"
        f"{'' if r['organizations'] == 1 else 's'}; the table names them).",
        "No commits are loaded."), bar=("contributor", "models"),
        coverage=i.cov.models("commits"))]


def popularity_section(df: pd.DataFrame, cov: Coverage) -> Section:
    """Median downloads and likes of derivatives against their parents, per relation, over the
    child–parent pairs where both download counts are known (``popularity_vs_parent``)."""
    fig = _fig("Median downloads of derivatives and of their parents, per relation (log axis)",
               barmode="group", yaxis_type="log", xaxis_title="relation of the pair",
               yaxis_title="median downloads (last 30 days, log)")
    if not df.empty:
        text = [f"{_n(r['pairs'])} pair{'' if r['pairs'] == 1 else 's'}"
                for r in df.to_dict("records")]
        fig.add_bar(x=df["relation"], y=df["medianChildDownloads"], name="derivative (child)",
                    text=text, hoverinfo="x+y+text")
        fig.add_bar(x=df["relation"], y=df["medianParentDownloads"], name="its parent",
                    text=text, hoverinfo="x+y+text")
    sentence = ("No parent–child pair has download counts." if df.empty else
                "Median downloads (last 30 days), child against parent, over the pairs where "
                "both are known: " + ", ".join(
                    f"{r['relation']} {_n(r['medianChildDownloads'])} vs "
                    f"{_n(r['medianParentDownloads'])} ({_n(r['pairs'])} pairs; "
                    f"{_n(100 * r['shareMoreDownloads'])}% of children downloaded more)"
                    for r in df.to_dict("records"))
                + ". Median likes, child against parent: " + ", ".join(
                    f"{r.relation} {_n(r.medianChildLikes)} vs {_n(r.medianParentLikes)}"
                    for r in df.itertuples()) + ".")
    return Section("popularity_vs_parent", "Likes and downloads of derivatives against their "
                   "parents", sentence, df, fig, coverage=cov.derivatives("downloads"))


def _popularity(i: Inputs) -> list[Section]:
    return [popularity_section(i.q("popularity_vs_parent"), i.cov)]


def _first_derivative(i: Inputs) -> list[Section]:
    return [first_derivative_section(i.q("time_to_first_derivative", limit=1_000_000), i.cov)]


def _org_flows(i: Inputs) -> list[Section]:
    df = i.q("org_flows", limit=200)
    return [simple_section("org_flows", "Cross-organization flows", df, _sentence_first(
        df, lambda r: f"The largest flow: {r['toOrganization']} published "
        f"{_n(r['derivatives'])} derivatives of {r['fromOrganization']}'s models.",
        "No derivative crosses organizations."), bar=None,
        coverage=i.cov.models("organization"))]


def _openness(i: Inputs) -> list[Section]:
    return [openness_section(i.q("openness_spectrum"), i.q("openness_spectrum", byGating=False),
                             i.cov)]


DRIFT_PAIRS = 2_000  # drifting pairs the report's table holds


def _licence_drift(i: Inputs) -> list[Section]:
    overall = i.q("licence_drift_summary", by="all")
    return [drift_section(overall, i.q("licence_drift_summary", by="categoryPair"), i.cov),
            drift_by_relation_section(i.q("licence_drift_summary", by="relation"), i.cov),
            drift_by_architecture_section(i.q("licence_drift_summary", by="architecture"),
                                          i.cov),
            drift_pairs_section(i.q("licence_drift", limit=DRIFT_PAIRS), overall, i.cov)]


def _datasets(i: Inputs) -> list[Section]:
    df = i.q("top_datasets", limit=50)
    return [simple_section("top_datasets", "Most-used training datasets", df, _sentence_first(
        df, lambda r: f"{r['dataset']} is declared by the most models ({_n(r['models'])}).",
        "No model declares a training dataset."), bar=("dataset", "models"),
        coverage=i.cov.models("datasets"))]


def _graph_stats(i: Inputs) -> list[Section]:
    return [simple_section("graph_stats", "Graph statistics", i.q("graph_stats"),
                           "Counts per label and relationship type, stubs, deleted models and "
                           "load runs (with rejected records).")]


#: Every section of the report, in order, by group: each group reads through ``Inputs.q`` only,
#: so the report and the explorer's dashboards (which pass a filtered, cached ``q``) draw the same.
SECTIONS: dict[str, Callable[[Inputs], list[Section]]] = {
    "growth": _growth, "new_contributors": _new_contributors, "architectures": _architectures,
    "base_models": _base_models, "activity": _activity, "size": _size, "scores": _scores,
    "contributors": _contributors, "top_contributors": _top_contributors,
    "popularity": _popularity, "first_derivative": _first_derivative, "org_flows": _org_flows,
    "openness": _openness, "licence_drift": _licence_drift, "datasets": _datasets,
    "graph_stats": _graph_stats,
}


def collect(driver: neo4j.Driver, database: str = "neo4j", out: Path | None = None,
            benchmark: str = "Average", families: int = 5,
            timeout: float | None = None) -> list[Section]:
    """Run the queries and analytics behind every section of the report."""

    def q(name: str, **params: Any) -> pd.DataFrame:
        return run_query(driver, name, params, database, timeout)

    inputs = Inputs(q, benchmark, families)
    sections: list[Section] = []
    for key, build in SECTIONS.items():
        if key == "graph_stats" and out is not None:
            sections.append(family_sections(driver, database, inputs.roots, out, timeout))
        sections += build(inputs)
    return sections


_SORT_JS = """
document.querySelectorAll('table.sortable th').forEach(th =>
 th.addEventListener('click', () => {
  const i = th.cellIndex, body = th.closest('table').tBodies[0];
  const asc = th.dataset.dir !== 'asc'; th.dataset.dir = asc ? 'asc' : 'desc';
  const key = r => { const c = r.cells[i];
    if (!c) return '';
    return c.dataset.v !== undefined ? +c.dataset.v : c.textContent; };
  [...body.rows].sort((a, b) => { const x = key(a), y = key(b);
    return (x > y ? 1 : x < y ? -1 : 0) * (asc ? 1 : -1); }).forEach(r => body.appendChild(r));
}));
"""

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1200px;color:#222}
h1{margin-bottom:.2rem} .meta{color:#666} section{margin:2.5rem 0}
p.what{font-size:1.05rem;max-width:70rem} nav a{margin-right:.8rem}
table{border-collapse:collapse;font-size:.85rem;display:block;overflow-x:auto;max-height:30rem}
th{cursor:pointer;background:#f3f3f3;position:sticky;top:0}
th,td{border:1px solid #ddd;padding:3px 6px}
td.n{text-align:right}
"""


def _noun(column: str) -> str:
    """What a list column holds, in the plural: organizationNames -> organizations."""
    return re.sub(r"(Name|Id|Key)s$", "s", column) if column.endswith("s") else "items"


def _cell_text(value: Any, column: str, missing: str) -> str:
    """A cell as text: a missing value as stated, a long list as its length and first items."""
    if value is None:
        return missing
    text = output.cell(value)
    if isinstance(value, list) and len(text) > LONG_CELL:
        first = ", ".join(_cell_text(v, column, MISSING) for v in value[:LIST_SHOWN])
        return f"{len(value):,} {_noun(column)}: {first}, …"
    return text


def _table_html(df: pd.DataFrame, labels: dict[str, str] | None = None) -> str:
    """The HTML table (the CSV keeps every value and every list in full)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    missing = [(labels or {}).get(str(c), MISSING) for c in df.columns]
    body = []
    for row in df.head(MAX_HTML_ROWS).itertuples(index=False):
        cells = []
        for v, column, absent in zip(row, df.columns, missing, strict=True):
            p = output.plain(v)
            text = html.escape(_cell_text(p, str(column), absent))
            if isinstance(p, int | float) and not isinstance(p, bool):
                cells.append(f'<td class="n" data-v="{p!r}">{text}</td>')
            else:
                cells.append(f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="sortable"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def _stated(values: Any) -> Any:
    """Chart labels with every missing entry shown as MISSING (Plotly would print null)."""
    if values is None or isinstance(values, str):
        return values
    seq = list(values)
    if not any(isinstance(v, str) for v in seq):
        return values
    return [MISSING if output.plain(v) is None else v for v in seq]


def _state_missing(fig: go.Figure) -> None:
    for trace in fig.data:
        for attr in ("x", "y", "text", "hovertext", "labels"):
            if attr in trace:
                trace[attr] = _stated(trace[attr])


def finish_figure(s: Section) -> go.Figure | None:
    """The section's chart as shown: missing labels stated, the coverage as its subtitle (the
    report and the explorer's dashboards show it so). Idempotent."""
    if s.figure is not None and not s.figure.layout.meta:
        _state_missing(s.figure)
        if s.coverage:
            lines = textwrap.wrap(f"Coverage: {s.coverage}", 140)
            s.figure.update_layout(title_subtitle_text="<br>".join(map(_esc, lines)),
                                   margin_t=70 + 16 * len(lines))
        s.figure.update_layout(meta={"finished": True})
    return s.figure


def _section_html(s: Section, csv: str) -> str:
    parts = [f'<section id="{s.key}"><h2>{html.escape(s.title)}</h2>']
    if (fig := finish_figure(s)) is not None:
        parts.append(fig.to_html(full_html=False, include_plotlyjs=False,
                                      config={"displaylogo": False, "responsive": True}))
    parts.append(f'<p class="what">{html.escape(s.sentence)}'
                 + (f' <span class="coverage">Coverage: {html.escape(s.coverage)}.</span>'
                    if s.coverage else "") + "</p>")
    if s.links:
        parts.append("<p>" + " · ".join(f'<a href="{html.escape(href)}">{html.escape(text)}</a>'
                                        for href, text in s.links) + "</p>")
    shown = "" if len(s.table) <= MAX_HTML_ROWS else f" (first {MAX_HTML_ROWS} of {len(s.table)})"
    parts.append(f'<p><a href="{html.escape(csv)}">{html.escape(csv)}</a>{shown}</p>')
    parts.append(_table_html(s.table, s.labels) + "</section>")
    return "\n".join(parts)


def render_html(sections: list[Section], csvs: dict[str, str], subtitle: str) -> str:
    """The report page: inlined Plotly, a content security policy that forbids any fetch."""
    nav = "".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in sections)
    body = "\n".join(_section_html(s, csvs[s.key]) for s in sections)
    csp = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
           "style-src 'unsafe-inline'; img-src data: blob:; font-src data:")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>hflineage report</title><style>{_CSS}</style>
<script>{get_plotlyjs()}</script></head>
<body><h1>hflineage report</h1><p class="meta">{html.escape(subtitle)}</p>
<nav>{nav}</nav>
{body}
<script>{_SORT_JS}</script></body></html>
"""


def build_report(driver: neo4j.Driver, out: Path, database: str = "neo4j",
                 benchmark: str = "Average", families: int = 5,
                 timeout: float | None = None) -> Path:
    """Write ``index.html`` plus one CSV per table (and lineage pages) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "tables").mkdir(exist_ok=True)
    sections = collect(driver, database, out, benchmark, families, timeout)
    csvs = {}
    for s in sections:
        csvs[s.key] = f"tables/{s.key}.csv"
        output.write(s.table, "csv", out / csvs[s.key])
    subtitle = (f"Database {database}, generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
                f"benchmark {benchmark}.")
    index = out / "index.html"
    index.write_text(render_html(sections, csvs, subtitle), encoding="utf-8")
    return index
