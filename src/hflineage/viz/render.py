"""Turn a fetched subgraph into a pyvis ``Network`` and a self-contained, escaped HTML page."""

from __future__ import annotations

import base64
import hashlib
import html
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
import pyvis
from pyvis.network import Network

from hflineage.analytics.subgraph import BENCHMARK, Drift, ModelInfo, Subgraph
from hflineage.viz import layout
from hflineage.viz.collapse import Aggregate, Collapsed, collapse

MAX_NODES = 300
PHYSICS_LIMIT = 300
TREE_ROWS = 60
LAYOUTS = ("auto", "tree", "physics", "fixed")
COLOR_BY = ("architecture", "relation")

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#a0cbe8"]
OTHER, UNKNOWN = "#bab0ac", "#dddddd"
RELATION_COLORS = {"finetune": "#1f77b4", "adapter": "#2ca02c", "quantized": "#ff7f0e",
                   "merge": "#9467bd", "unknown": "#7f7f7f", "published": "#999999",
                   "root": "#333333"}
DASHES: dict[str, Any] = {"finetune": False, "adapter": [2, 4], "quantized": [8, 4],
                          "merge": [12, 4, 2, 4], "unknown": [1, 4], "published": [1, 3]}
#: A predicted edge (hflineage infer): its own muted colour and long dashes, whatever its
#: relation; it counts as relation ``predicted`` in the legend and the Show filter.
PREDICTED = "predicted"
RELATION_COLORS[PREDICTED] = "#a7a9c4"
DASHES[PREDICTED] = [10, 6]
RELATION_LABELS = {PREDICTED: "predicted (hflineage infer)"}
_PYVIS_LIB = Path(pyvis.__file__).parent / "templates" / "lib"


def esc(value: Any) -> str:
    """Hub text as HTML: every label and tooltip piece passes through here."""
    return html.escape(str(value), quote=True)


def short(model_id: str, width: int = 28) -> str:
    name = model_id.rsplit("/", 1)[-1]
    return name if len(name) <= width else name[: width - 1] + "…"


def human(n: float) -> str:
    for unit, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(n) >= scale:
            return f"{n / scale:.1f}{unit}"
    return f"{n:,}" if isinstance(n, int) else f"{n:.2f}"


@dataclass
class Page:
    """Everything on the page around the network: heading, legend, notes, what was folded."""

    title: str
    notes: list[str]
    summary: str
    color_by: str
    layout: str
    colors: list[tuple[str, str, int]]
    relations: list[tuple[str, str, Any, int]]
    shapes: list[tuple[str, str]]
    folded: list[tuple[str, str]]
    organizations: list[tuple[str, int]]
    model_ids: list[str]
    direction: str = ""
    stats: dict[str, int] = field(default_factory=dict)
    relation_labels: dict[str, str] = field(default_factory=lambda: dict(RELATION_LABELS))


class LineageNetwork(Network):  # type: ignore[misc, unused-ignore]
    """A pyvis ``Network`` whose page is hflineage's own offline, escaped template.

    ``generate_html()`` returns the page, ``save(path)`` writes it as UTF-8, and in Jupyter
    the object shows itself inline (in a sandboxed iframe).
    """

    def __init__(self, page: Page, height: str = "78vh") -> None:
        super().__init__(height=height, width="100%", directed=True, cdn_resources="in_line",
                         heading=page.title)
        self.page = page

    def generate_html(self, name: str = "index.html", local: bool = True,
                      notebook: bool = False) -> str:
        self.html = render_page(self)
        return str(self.html)

    def save(self, path: str | Path) -> Path:
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(self.generate_html(), encoding="utf-8")
        return out

    def _repr_html_(self) -> str:
        return (f'<iframe sandbox="allow-scripts" style="width:100%;height:820px;border:0" '
                f'srcdoc="{esc(self.generate_html())}"></iframe>')


def _graph(sub: Subgraph) -> nx.DiGraph:
    g = nx.DiGraph()
    for key, info in sub.models.items():
        g.add_node(key, info=info)
    if sub.organization:
        g.add_node(sub.anchors[0], info=None)
    for link in sub.links:
        if link.child == link.parent:
            continue
        for end in (link.child, link.parent):
            if end not in g:
                g.add_node(end, info=ModelInfo(end, end, missing=True))
        g.add_edge(link.child, link.parent, link=link,
                   relation=PREDICTED if link.likely else link.relation)
    return g


def _info(g: nx.DiGraph, n: str) -> ModelInfo | None:
    info: ModelInfo | None = g.nodes[n]["info"]
    return info


def _importance(g: nx.DiGraph) -> Callable[[str], tuple[Any, ...]]:
    def rank(n: str) -> tuple[Any, ...]:
        info = _info(g, n)
        return (-(info.downloads or 0), -(info.likes or 0), n) if info else (0, 0, n)
    return rank


def _own_relation(g: nx.DiGraph, n: str) -> str:
    rels = {g.edges[n, p]["relation"] for p in g.successors(n)} - {"published", PREDICTED}
    if not rels:
        return "root"
    return "merge" if "merge" in rels or len(rels) > 1 else rels.pop()


def _size(info: ModelInfo) -> float:
    if info.downloads:
        return min(44.0, 10 + 4 * math.log10(1 + info.downloads))
    if info.likes:
        return min(44.0, 10 + 6 * math.log10(1 + info.likes))
    return 10.0


def _rows(pairs: list[tuple[str, Any]]) -> str:
    return "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in pairs
                   if v not in (None, ""))


def _drift_one(d: Drift) -> str:
    """``looser than X (llama2, custom/restricted → apache-2.0, permissive); ungated below it``."""
    parts = [f"{k} than {d.ancestor} ({d.ancestor_license or 'no licence'}, "
             f"{d.ancestor_category} → {d.license or 'no licence'}, {d.category})"
             for k in d.kinds if k in ("looser", "stricter")]
    if "ungated" in d.kinds:
        parts.append("ungated below " + ("it" if parts else
                                         f"{d.ancestor} (gated {d.ancestor_gated})"))
    if "gated" in d.kinds:
        parts.append("gated below " + ("it" if parts else f"{d.ancestor} (not gated)"))
    return "; ".join(parts)


def _drift_text(info: ModelInfo) -> str | None:
    """The tooltip's licence drift line: the ancestors read (conflicts first), the rest
    counted."""
    if not info.drift:
        return None
    more = info.drifting - len(info.drift)
    return " · ".join(map(_drift_one, info.drift)) + (f" · and {more} more" if more > 0 else "")


def _model_tip(g: nx.DiGraph, n: str, info: ModelInfo) -> str:
    flags = [f for f, on in (("stub: referenced as a base model, never described", info.stub),
                             ("deleted from the Hub", info.deleted),
                             ("not in the graph", info.missing)) if on]
    score = (f"{BENCHMARK} " + " · ".join(f"{board} {value:.2f}" for board, value in info.scores)
             if info.scores else None)
    parents = []
    for p in sorted(g.successors(n)):
        link = g.edges[n, p]["link"]
        if link.relation == "published":
            continue
        if link.likely:
            parents.append(f"predicted {link.relation} of {p} ({_likely_text(link)})")
            continue
        how = ", ".join(x for x in (link.source, link.relation_source) if x)
        parents.append(f"{link.relation} of {p}" + (f" ({how})" if how else ""))
    facts = [("organization", info.organization), ("architecture", info.architecture),
             ("parameters", human(info.parameters) if info.parameters else None),
             ("licence", info.license),
             ("downloads", f"{info.downloads:,}" if info.downloads is not None else None),
             ("likes", f"{info.likes:,}" if info.likes is not None else None),
             ("created", (info.created or "")[:10] or None), ("leaderboard score", score)]
    unknown = ", ".join(k for k, v in facts if v is None)
    rows = _rows([*facts, ("unknown", unknown),
                  ("derived as", "; ".join(parents[:6]) + (" …" if len(parents) > 6 else "")),
                  ("licence drift (declared ancestors)", _drift_text(info)),
                  ("descendants in this view", len(nx.ancestors(g, n)) or None)])
    badge = "".join(f'<div class="flag">{esc(f)}</div>' for f in flags)
    return f"<b>{esc(info.id)}</b>{badge}<table>{rows}</table>"


def _agg_tip(agg: Aggregate, label: str, g: nx.DiGraph,
             rank: Callable[[str], tuple[Any, ...]]) -> str:
    top = sorted(agg.members, key=rank)[:8]
    names = ", ".join(_display_id(g, m) for m in top)
    if len(agg.members) > len(top):
        names += f" … and {len(agg.members) - len(top):,} more"
    rows = _rows([("models", f"{len(agg.members):,}"), ("by relation", _breakdown(agg)),
                  ("largest", names)])
    note = "collapsed to keep the view readable (max nodes)"
    return f'<b>{esc(label)}</b><table>{rows}</table><div class="flag">{note}</div>'


def _breakdown(agg: Aggregate) -> str:
    return ", ".join(f"{n:,} {r}" for r, n in agg.by_relation.most_common())


def _display_id(g: nx.DiGraph, n: str) -> str:
    info = _info(g, n)
    return info.id if info else n


class _Colors:
    def __init__(self, g: nx.DiGraph, keys: list[str], by: str) -> None:
        self.by = by
        counts = Counter(self.category(g, k) for k in keys if _info(g, k) is not None)
        named = [c for c, _ in counts.most_common() if c not in ("unknown", "stub")]
        self.map = {c: PALETTE[i] for i, c in enumerate(named[: len(PALETTE) - 1])}
        if by == "relation":
            self.map = {c: RELATION_COLORS.get(c, OTHER) for c in named}
        self.legend = [(c, self.of(c), counts[c]) for c, _ in counts.most_common()]

    def category(self, g: nx.DiGraph, n: str) -> str:
        info = _info(g, n)
        if info is None or info.stub or info.missing:
            return "stub"
        if self.by == "relation":
            return _own_relation(g, n)
        return info.architecture or "unknown"

    def of(self, category: str) -> str:
        if category == "stub":
            return "#ffffff"
        if category == "unknown":
            return UNKNOWN
        return self.map.get(category, OTHER)


def _choose_layout(requested: str, kind: str, tree: nx.DiGraph) -> str:
    """A left-to-right tree while it has few enough leaves to read, physics for other small
    views, and a radial layout for everything else."""
    if requested != "auto":
        return requested
    if tree.number_of_nodes() > PHYSICS_LIMIT:
        return "fixed"
    if kind in ("lineage", "family"):
        leaves = sum(1 for _, d in tree.out_degree() if d == 0)
        return "tree" if leaves <= TREE_ROWS else "fixed"
    return "physics"


def _drawing_tree(c: Collapsed, aggs: list[Aggregate]) -> nx.DiGraph:
    tree = nx.DiGraph()
    for n in c.kept:
        tree.add_node(n, group=c.hops[n].relation)
    for n in c.kept:
        if (p := c.tree_parent[n]) is not None:
            tree.add_edge(p, n, step=-1 if c.hops[n].kind == "parent" else 1)
    for a in aggs:
        tree.add_node(a.id, group=a.hop.relation)
        if a.anchor is not None:
            tree.add_edge(a.anchor, a.id, step=-1 if a.hop.kind == "parent" else 1)
    return tree


def _options(mode: str, big: bool) -> dict[str, Any]:
    opts: dict[str, Any] = {
        "nodes": {"font": {"size": 14, "face": "sans-serif", "strokeWidth": 3,
                           "strokeColor": "#ffffff"}, "borderWidth": 1.5},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
                  "color": {"inherit": False}, "smooth": False},
        "interaction": {"hover": True, "tooltipDelay": 100, "hideEdgesOnDrag": big,
                        "multiselect": True, "keyboard": {"enabled": True,
                                                          "bindToWindow": False}},
        "physics": {"enabled": False},
        "layout": {"improvedLayout": not big},
    }
    if mode == "tree":
        opts["edges"]["smooth"] = {"enabled": True, "type": "cubicBezier",
                                   "forceDirection": "horizontal", "roundness": 0.4}
    elif mode == "physics":
        opts["physics"] = {"enabled": True, "solver": "forceAtlas2Based",
                           "forceAtlas2Based": {"gravitationalConstant": -80,
                                                "springLength": 110, "avoidOverlap": 0.4},
                           "stabilization": {"enabled": True, "iterations": 500, "fit": True}}
    return opts


def _read_drift(sub: Subgraph, g: nx.DiGraph, models: list[str]) -> None:
    """The licence drift of the drawn models only, into their ModelInfo."""
    if sub.read_drift is None:
        return
    for n, (drift, drifting) in sub.read_drift(models).items():
        if n in g and (info := _info(g, n)) is not None:
            g.nodes[n]["info"] = replace(info, drift=drift, drifting=drifting)


def build_network(sub: Subgraph, *, max_nodes: int = MAX_NODES, color_by: str = "architecture",
                  layout_mode: str = "auto") -> LineageNetwork:
    """Collapse, colour, size, lay out and label a subgraph as a pyvis network."""
    if max_nodes < 2:
        raise ValueError("max_nodes must be at least 2")
    g = _graph(sub)
    rank = _importance(g)
    c = collapse(g, sub.anchors, max_nodes, rank)
    aggs = c.aggregates
    tree = _drawing_tree(c, aggs)
    mode = _choose_layout(layout_mode, sub.kind, tree)
    pos = layout.layered(tree) if mode == "tree" else layout.radial(tree) if mode == "fixed" \
        else {}
    colors = _Colors(g, c.kept, color_by)

    models = [n for n in c.kept if _info(g, n) is not None]
    _read_drift(sub, g, models)
    total = g.number_of_nodes() - (1 if sub.organization else 0)
    page = _page(sub, g, c, colors, mode, max_nodes, len(models), total)
    net = LineageNetwork(page)
    net.options = _options(mode, len(c.kept) + len(aggs) > PHYSICS_LIMIT)

    def place(node_id: str) -> dict[str, Any]:
        return dict(zip(("x", "y"), pos[node_id], strict=True)) if node_id in pos else {}

    for n in c.kept:
        info = _info(g, n)
        if info is None:
            net.add_node(n, label=esc(sub.organization or n), shape="hexagon", size=28,
                         color={"background": "#444444", "border": "#222222"}, kind="org",
                         title=f"<b>organization {esc(sub.organization)}</b>",
                         font={"size": 18}, **place(n))
            continue
        net.add_node(n, **_model_node(g, n, info, colors, focus=n == sub.focus), **place(n))
    for a in aggs:
        label = a.label(lambda k: short(_display_id(g, k), 22))
        net.add_node(a.id, label=esc(label), shape="box", kind="aggregate",
                     relation=a.hop.relation, title=_agg_tip(a, label, g, rank),
                     color={"background": "#f3f3f3", "border": "#888888"},
                     font={"size": 13}, margin=6, **place(a.id))

    kept = set(c.kept)
    for child, parent, data in g.edges(data=True):
        if child in kept and parent in kept:
            _edge(net, data["link"], g)
    for a in aggs:
        if a.anchor is not None:
            _aggregate_edge(net, a, a.anchor)
    return net


def _model_node(g: nx.DiGraph, n: str, info: ModelInfo, colors: _Colors, *, focus: bool
                ) -> dict[str, Any]:
    """The pyvis attributes of a kept model: a dot, dashed for a stub, a star for the focus."""
    cat = colors.category(g, n)
    fill = colors.of(cat)
    node: dict[str, Any] = {
        "label": esc(short(info.id)), "shape": "dot", "size": _size(info),
        "color": {"background": fill, "border": "#555555",
                  "highlight": {"background": fill, "border": "#000000"}},
        "title": _model_tip(g, n, info),
        "kind": "stub" if cat == "stub" else "model", "relation": _own_relation(g, n),
        "org": info.organization or "",
        "hfid": info.id}
    if cat == "stub":
        node |= {"shapeProperties": {"borderDashes": [3, 3]}, "borderWidth": 2,
                 "color": {"background": "#ffffff", "border": "#777777"}}
    if focus:
        node |= {"shape": "star", "size": max(28.0, node["size"] + 8), "borderWidth": 3,
                 "kind": "focus", "font": {"size": 18},
                 "color": {"background": fill if cat != "stub" else "#ffffff",
                           "border": "#d62728"}}
    return node


def _aggregate_edge(net: LineageNetwork, a: Aggregate, anchor: str) -> None:
    """The edge between an aggregate and its kept anchor, as wide as the log of its size."""
    width = 1 + math.log10(len(a.members))
    rel = a.hop.relation
    ends = (anchor, a.id) if a.hop.kind == "parent" or rel == "published" else (a.id, anchor)
    net.add_edge(*ends, color=RELATION_COLORS.get(rel, OTHER), dashes=DASHES.get(rel, False),
                 width=width, relation=rel, arrows="to",
                 title=esc(f"{len(a.members):,} collapsed models ({rel})"))


def _likely_text(link: Any) -> str:
    """``confidence 0.83 · rank 1`` of a predicted link."""
    parts = [f"confidence {link.confidence:.2f}" if link.confidence is not None
             else "confidence unknown"]
    if link.rank is not None:
        parts.append(f"rank {link.rank}")
    return " · ".join(parts)


def _likely_edge(net: LineageNetwork, link: Any, g: nx.DiGraph) -> None:
    """A predicted edge: muted, dashed, labelled with its confidence; the tooltip says it is a
    prediction and lists its evidence."""
    child, parent = (_info(g, link.child), _info(g, link.parent))
    head = f"predicted {link.relation} · {_likely_text(link)}"
    lines = [f"{child.id if child else link.child} → {parent.id if parent else link.parent}",
             "not declared by the model: a prediction of hflineage infer"
             + (f" ({link.method})" if link.method else ""),
             *(f"· {e}" for e in link.evidence)]
    title = f"<b>{esc(head)}</b>" + "".join(f"<div>{esc(x)}</div>" for x in lines)
    label = f"{link.confidence:.2f}" if link.confidence is not None else "?"
    net.add_edge(link.child, link.parent, color=RELATION_COLORS[PREDICTED],
                 dashes=DASHES[PREDICTED], width=1.5, relation=PREDICTED, likely=True,
                 predictedRelation=link.relation, confidence=link.confidence, rank=link.rank,
                 arrows="to", title=title, label=esc(label),
                 font={"size": 12, "color": "#5d5f7e", "strokeWidth": 3,
                       "strokeColor": "#ffffff"})


def _edge(net: LineageNetwork, link: Any, g: nx.DiGraph) -> None:
    if link.likely:
        _likely_edge(net, link, g)
        return
    rel = link.relation
    if rel == "published":
        net.add_edge(link.parent, link.child, color=RELATION_COLORS[rel], dashes=DASHES[rel],
                     width=1, relation=rel, arrows="to", title="published")
        return
    child, parent = (_info(g, link.child), _info(g, link.parent))
    how = ", ".join(x for x in (link.source, link.relation_source) if x)
    text = f"{child.id if child else link.child} → {parent.id if parent else link.parent}: {rel}"
    net.add_edge(link.child, link.parent, color=RELATION_COLORS.get(rel, OTHER),
                 dashes=DASHES.get(rel, False), width=2 if rel == "merge" else 1.5,
                 relation=rel, arrows="to", title=esc(text + (f" ({how})" if how else "")))


def _page(sub: Subgraph, g: nx.DiGraph, c: Collapsed, colors: _Colors, mode: str,
          max_nodes: int, shown: int, total: int) -> Page:
    rel_counts = Counter(d["relation"] for _, _, d in g.edges(data=True))
    relations = [(r, RELATION_COLORS.get(r, OTHER), DASHES.get(r, False), rel_counts[r])
                 for r in (*DASHES, *sorted(set(rel_counts) - set(DASHES))) if rel_counts[r]]
    shapes = [("★", "the focus model")] if sub.focus else []
    shapes += [("●", "a model; area grows with log downloads (likes when downloads are unknown)"),
               ("◌", "stub: only referenced as a base model"),
               ("▭", "collapsed group; hover for its models")]
    if sub.organization:
        shapes.append(("⬢", "the organization"))
    folded = [(a.label(lambda k: _display_id(g, k)), _breakdown(a))
              for a in sorted(c.aggregates, key=lambda a: -len(a.members))]
    if c.folded:
        summary = (f"Showing {shown:,} of {total:,} models. The other {c.folded:,} are collapsed "
                   f"into {len(c.aggregates):,} grey boxes (max {max_nodes:,} nodes); each box "
                   "counts the models it stands for.")
    else:
        summary = f"All {total:,} models shown."
    direction = ("Arrows point from a derived model to its parent (child → parent, as stored "
                 "in DERIVED_FROM)" + ("; parents are drawn left of their children, one column "
                                       "per generation." if mode == "tree" else "."))
    if sub.organization:
        direction += " Grey dotted arrows run from the organization to the models it published."
    predicted = [d["link"] for _, _, d in g.edges(data=True) if d["relation"] == PREDICTED]
    notes = list(sub.notes)
    if sub.likely or predicted:
        notes.append(likely_note(predicted))
        direction += (" Dashed lavender-grey arrows labelled with a confidence are predicted "
                      "parents (hflineage infer), not declared by the model.")
    infos = [info for n in c.kept if (info := _info(g, n)) is not None]
    orgs = Counter(info.organization for info in infos if info.organization)
    ids = sorted(info.id for info in infos)
    return Page(title=sub.title, notes=notes, summary=summary, color_by=colors.by,
                layout=mode, colors=colors.legend, relations=relations, shapes=shapes,
                folded=folded, organizations=sorted(orgs.items()),
                model_ids=ids, direction=direction,
                stats={"models": total, "shown": shown, "folded": c.folded,
                       "aggregates": len(c.aggregates)})


def likely_note(links: list[Any]) -> str:
    """How many predicted edges a view includes and their confidence range."""
    if not links:
        return "Predicted edges (hflineage infer) were asked for; this view has none."
    known = sorted(x.confidence for x in links if x.confidence is not None)
    span = "" if not known else (f", confidence {known[0]:.2f}" if known[0] == known[-1]
                                 else f", confidence {known[0]:.2f}–{known[-1]:.2f}")
    n = len(links)
    return (f"{n:,} predicted edge{'s' * (n != 1)} (hflineage infer){span}, not declared by the "
            "model: drawn as dashed lavender-grey arrows labelled with their confidence.")


_ASSETS = Path(__file__).parent / "assets"
#: The files a page with a lineage graph loads, by name: the explorer serves these same files.
ASSETS = {"vis-network.min.js": _PYVIS_LIB / "vis-9.1.2" / "vis-network.min.js",
          "vis-network.css": _PYVIS_LIB / "vis-9.1.2" / "vis-network.css",
          "lineage.js": _ASSETS / "lineage.js", "lineage.css": _ASSETS / "lineage.css"}


def template_loader() -> jinja2.BaseLoader:
    """Where ``_panel.html.j2`` (the graph, its controls and legend) is, for other pages."""
    return jinja2.PackageLoader("hflineage.viz", "assets")


def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=template_loader(), autoescape=True,
                              keep_trailing_newline=True)


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def graph_data(net: LineageNetwork) -> dict[str, Any]:
    """What lineage.js draws: nodes, edges and vis-network options (``data`` of the panel)."""
    return {"nodes": net.nodes, "edges": net.edges, "options": net.options}


def render_page(net: LineageNetwork) -> str:
    """The whole page: vis-network and lineage.js inlined, the graph as inert JSON, and a CSP
    that allows only those two scripts."""
    def text(name: str) -> str:
        return ASSETS[name].read_text(encoding="utf-8")

    scripts = [text("vis-network.min.js"), text("lineage.js")]
    return _env().get_template("lineage.html.j2").render(
        page=net.page, height=net.height, vis_css=text("vis-network.css"),
        lineage_css=text("lineage.css"), data=graph_data(net), scripts=scripts,
        script_hashes=" ".join(f"'{_sha256(s)}'" for s in scripts))
