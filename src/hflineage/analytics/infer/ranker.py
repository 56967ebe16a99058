"""Likely parents from metadata: candidates from indexes, signals as features, a learned ranker.

Candidates for a child come only from indexes, never from all pairs:

- its core name and each shorter prefix of it (``llama-2-7b-chat-gguf`` → ``llama-2-7b-chat``,
  ``llama-2-7b``), looked up among the cores of every model;
- its rarest name tokens (an inverted index; tokens shared by too many models are skipped);
- the parents that the author's other models declare, and the author's latest models before it;
- the most popular declared bases of its family (model type or architecture), and of its
  family and size;
- the leaderboard's ``rootModel`` and card fields that name a model (``cardHints``).

Each (child, candidate) pair becomes a feature row (:data:`FEATURES`); a conditional logit
with a "none of these" option, fitted on the graph's own declared edges (:func:`train`), turns
the rows of one child into confidences. Hard rules: a parent is not
newer than its child (equal creation times, like the Hub's 2022-03-02 migration stamp, leave
the order open), not the child itself or its declared descendant, and never a leaf (an adapter
or quantized repo).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from scipy.optimize import minimize

from hflineage.analytics.infer.facts import Facts, core_tokens, name_tokens

METHOD = "metadata-ranker/1"
_BASE = (
    "bias", "core_exact", "core_prefix", "token_overlap", "tokens_contained", "name_contains",
    "popularity", "author_parent", "same_owner", "owner_in_name", "family_match",
    "family_mismatch", "size_match", "size_mismatch", "root_hint", "card_hint", "parent_stub",
    "parent_has_parent", "family_top", "hot", "quantized_exact", "adapter_child",
    "quantized_child", "age_days", "age_unknown", "own_derivatives", "author_share",
)
#: Signals weighed again for merges, whose parents are named and found differently.
_MERGE = ("bias", "core_exact", "core_prefix", "token_overlap", "name_contains", "popularity",
          "author_parent", "same_owner", "family_top", "hot", "parent_has_parent", "age_days",
          "author_share")
FEATURES = _BASE + tuple(f"merge_{name}" for name in _MERGE)
_F = {name: i for i, name in enumerate(FEATURES)}
_MERGE_BASE = [_F[name] for name in _MERGE]
_MERGED = [_F[f"merge_{name}"] for name in _MERGE]
TOKEN_DF_CAP = 2_000
PER_SOURCE = 16
MAX_CANDIDATES = 40
TOP_BASES = 5
RECENT_OWN = 4


@dataclass
class Indexes:
    """Lookups built once from the visible declared lineage."""

    usable: np.ndarray
    by_core: dict[tuple[str, ...], list[int]]
    by_token: dict[str, np.ndarray]
    idf: dict[str, float]
    popularity: np.ndarray
    author_parents: dict[str, Counter[int]]
    family_top: dict[str | None, list[int]]
    family_size_top: dict[tuple[str | None, float], list[int]]
    children_of: dict[int, list[int]]
    hot: dict[tuple[str | None, int], Counter[int]]
    """Declared derivatives per (family, month of the child's creation) and parent."""
    windows: dict[tuple[str | None, int], Counter[int]] = field(default_factory=dict)
    """:func:`_hot` results, computed once per (family, month)."""
    author_top: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    author_totals: dict[str, int] = field(default_factory=dict)
    hot_top: dict[tuple[str | None, int], list[tuple[int, int]]] = field(default_factory=dict)
    by_owner: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """Per owner, its usable dated models and their creation times, oldest first."""


_MONTH_MS = 30.44 * 86_400_000


def month_of(ms: float) -> int | None:
    """Months since 1970 (None for an unknown date)."""
    return None if math.isnan(ms) else int(ms // _MONTH_MS)


def _owner_index(f: Facts, usable: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    owned: dict[str, list[int]] = defaultdict(list)
    for i in np.flatnonzero(usable & ~np.isnan(f.created)):
        if f.owners[i]:
            owned[f.owners[i]].append(int(i))
    by_owner = {}
    for owner, members in owned.items():
        members.sort(key=lambda i: f.created[i])
        by_owner[owner] = (np.array(members, dtype=np.int64), f.created[members])
    return by_owner


def _name_index(f: Facts, usable: np.ndarray) -> tuple[
        dict[tuple[str, ...], list[int]], dict[str, np.ndarray], dict[str, float]]:
    """Usable models by core name, and by word (words in over TOKEN_DF_CAP models left out),
    with each word's inverse document frequency."""
    by_core: dict[tuple[str, ...], list[int]] = defaultdict(list)
    postings: dict[str, list[int]] = defaultdict(list)
    for i in np.flatnonzero(usable):
        core = f.core[i]
        if core:
            by_core[core].append(int(i))
        for t in f.parts[i]:
            postings[t].append(int(i))
    n = max(len(f), 1)
    idf = {t: math.log(n / len(ps)) for t, ps in postings.items()}
    by_token = {t: np.array(ps, dtype=np.int64) for t, ps in postings.items()
                if len(ps) <= TOKEN_DF_CAP}
    return by_core, by_token, idf


def build_indexes(f: Facts) -> Indexes:
    """Indexes over ``f``'s visible declared edges (a hidden child's edges count nowhere)."""
    usable = f.usable()
    by_core, by_token, idf = _name_index(f, usable)
    popularity = np.zeros(len(f), dtype=np.int64)
    author_parents: dict[str, Counter[int]] = defaultdict(Counter)
    family_count: dict[str | None, Counter[int]] = defaultdict(Counter)
    family_size_count: dict[tuple[str | None, float], Counter[int]] = defaultdict(Counter)
    children_of: dict[int, list[int]] = defaultdict(list)
    hot: dict[tuple[str | None, int], Counter[int]] = defaultdict(Counter)
    for c, ps in enumerate(f.parents):
        month = month_of(f.created[c])
        for p in ps:
            popularity[p] += 1
            children_of[p].append(c)
            if f.owners[c]:
                author_parents[f.owners[c]][p] += 1
            if usable[p]:
                family_count[f.family[c]][p] += 1
                if month is not None:
                    hot[(f.family[c], month)][p] += 1
                if not math.isnan(f.size[c]):
                    family_size_count[(f.family[c], f.size[c])][p] += 1
    for members in by_core.values():
        members.sort(key=lambda i: -popularity[i])
    return Indexes(
        usable=usable, by_core=dict(by_core), by_token=by_token, idf=idf, popularity=popularity,
        author_parents=dict(author_parents),
        family_top={k: [p for p, _ in c.most_common(TOP_BASES)] for k, c in family_count.items()},
        family_size_top={k: [p for p, _ in c.most_common(3)]
                         for k, c in family_size_count.items()},
        children_of=dict(children_of), hot=dict(hot), by_owner=_owner_index(f, usable))


def _descendants(ix: Indexes, c: int, depth: int = 4) -> set[int]:
    seen: set[int] = set()
    frontier = [c]
    for _ in range(depth):
        frontier = [d for x in frontier for d in ix.children_of.get(x, ()) if d not in seen]
        seen.update(frontier)
        if not frontier:
            break
    return seen


def _by_name(f: Facts, ix: Indexes, c: int, found: dict[int, set[str]]) -> None:
    core = f.core[c]
    for k in range(len(core), 0, -1):
        for p in ix.by_core.get(core[:k], ())[:PER_SOURCE]:
            found[p].add("core" if k == len(core) else "prefix")
    rare = sorted((t for t in f.parts[c] if t in ix.by_token), key=lambda t: -ix.idf[t])[:6]
    if rare:
        hits = np.concatenate([ix.by_token[t] for t in rare])
        weights = np.concatenate([np.full(len(ix.by_token[t]), ix.idf[t]) for t in rare])
        uniq, inverse = np.unique(hits, return_inverse=True)
        score = np.bincount(inverse, weights=weights)
        for j in np.argsort(-score, kind="stable")[:PER_SOURCE]:
            found[int(uniq[j])].add("tokens")
    for hint in f.hints[c]:
        tokens = core_tokens(hint.partition("=")[2].rsplit("/", 1)[-1])
        for p in ix.by_core.get(tokens, ())[:PER_SOURCE]:
            found[p].add("hint")


def _hot(ix: Indexes, family: str | None, month: int) -> Counter[int]:
    """Declared derivatives of each base in the family over this month and the one before."""
    window = ix.windows.get((family, month))
    if window is None:
        window = ix.hot.get((family, month), Counter()) + ix.hot.get((family, month - 1),
                                                                     Counter())
        ix.windows[(family, month)] = window
    return window


def _add_counted(found: dict[int, set[str]], ranked: list[tuple[int, int]], own: set[int],
                 label: str) -> None:
    """The most counted parents (``ranked`` best first), not counting the child's own edge."""
    for p, n in ranked[:PER_SOURCE + len(own)]:
        if n - (p in own) > 0:
            found[p].add(label)


def _author_total(ix: Indexes, owner: str) -> int:
    total = ix.author_totals.get(owner)
    if total is None:
        total = ix.author_totals[owner] = sum(ix.author_parents.get(owner, Counter()).values())
    return total


def _top(ix: Indexes, owner: str) -> list[tuple[int, int]]:
    top = ix.author_top.get(owner)
    if top is None:
        top = ix.author_top[owner] = ix.author_parents.get(owner, Counter()).most_common(
            2 * PER_SOURCE)
    return top


def _by_graph(f: Facts, ix: Indexes, c: int, own: set[int], found: dict[int, set[str]]
              ) -> None:
    _add_counted(found, _top(ix, f.owners[c]), own, "author")
    for p in ix.family_top.get(f.family[c], ()):
        found[p].add("family")
    if not math.isnan(f.size[c]):
        for p in ix.family_size_top.get((f.family[c], f.size[c]), ()):
            found[p].add("family")
    mine = ix.by_owner.get(f.owners[c])
    if mine is not None and not math.isnan(f.created[c]):
        end = int(np.searchsorted(mine[1], f.created[c], side="left"))
        for p in mine[0][max(0, end - RECENT_OWN):end]:
            found[int(p)].add("own")
    month = month_of(f.created[c])
    if month is not None:
        top = ix.hot_top.get((f.family[c], month))
        if top is None:
            top = ix.hot_top[(f.family[c], month)] = _hot(ix, f.family[c], month).most_common(
                2 * PER_SOURCE)
        _add_counted(found, top, own, "hot")
    root = f.root[c]
    if root is not None and root in f.index:
        found[f.index[root]].add("root")


def candidates(f: Facts, ix: Indexes, c: int, *, leave_out: Sequence[int] = ()
               ) -> dict[int, set[str]]:
    """Candidate parents of ``c`` and the indexes that proposed each. ``leave_out`` are
    ``c``'s own declared parents when it trains the ranker: its own edge proposes nothing."""
    found: dict[int, set[str]] = defaultdict(set)
    _by_name(f, ix, c, found)
    _by_graph(f, ix, c, set(leave_out), found)
    found.pop(c, None)
    for p in list(found):
        if not ix.usable[p] or f.created[p] > f.created[c]:
            del found[p]
    if ix.children_of.get(c):
        for d in _descendants(ix, c) & found.keys():
            del found[d]
    if len(found) > MAX_CANDIDATES:
        keep = sorted(found, key=lambda p: (-len(found[p]), -ix.popularity[p]))[:MAX_CANDIDATES]
        found = {p: found[p] for p in keep}
    return dict(found)


def features(f: Facts, ix: Indexes, c: int, cands: dict[int, set[str]],
             leave_out: Sequence[int] = ()) -> np.ndarray:
    """One feature row per candidate (in ``cands`` order); see :data:`FEATURES`."""
    core, parts, squash, owner, family, size = (f.core[c], set(f.parts[c]), f.squash[c],
                                                f.owners[c], f.family[c], f.size[c])
    tokens = set(core) | set(name_tokens(f.ids[c].rsplit("/", 1)[-1])) | parts
    idf = ix.idf
    weight = sum(idf.get(t, 0.0) for t in parts) or 1.0
    own = set(leave_out)
    author = ix.author_parents.get(owner, Counter())
    author_total = max(_author_total(ix, owner) - len(own), 1)
    month = month_of(f.created[c])
    recent = _hot(ix, family, month) if month is not None else Counter()
    kind = f.kind[c]
    created = f.created[c]
    derived = math.log1p(ix.popularity[c])
    no_size = math.isnan(size)
    rows = []
    for p, sources in cands.items():
        pcore, pfamily, psize, mine = f.core[p], f.family[p], f.size[p], p in own
        exact = bool(pcore) and pcore == core
        age = (created - f.created[p]) / 86_400_000
        known = family is not None and pfamily is not None
        sized = not (no_size or math.isnan(psize))
        rows.append((
            1.0, exact,
            len(pcore) / len(core) if not exact and pcore and core[:len(pcore)] == pcore else 0,
            sum(idf.get(t, 0.0) for t in parts.intersection(f.parts[p])) / weight,
            bool(pcore) and tokens.issuperset(pcore),
            not exact and len(f.squash[p]) >= 5 and f.squash[p] in squash,
            math.log1p(ix.popularity[p] - mine), math.log1p(author.get(p, 0) - mine),
            bool(owner) and f.owners[p] == owner, bool(f.owners[p]) and f.owners[p] in tokens,
            known and family == pfamily, known and family != pfamily,
            sized and size == psize, sized and size != psize,
            "root" in sources, "hint" in sources, bool(f.stub[p]), bool(f.parents[p]),
            "family" in sources, math.log1p(max(recent.get(p, 0) - mine, 0)),
            exact and kind == "quantized", kind == "adapter", kind == "quantized",
            0.0 if math.isnan(age) else math.log1p(max(age, 0.0)) / 7, math.isnan(age),
            derived, (author.get(p, 0) - mine) / author_total))
    base = np.array(rows, dtype=float)
    out = np.zeros((len(rows), len(FEATURES)))
    out[:, :len(_BASE)] = base
    if kind == "merge":
        out[:, _MERGED] = base[:, _MERGE_BASE]
    return out


def null_features(x: np.ndarray) -> np.ndarray:
    """What the "no parent among the candidates" option is scored on, from a child's rows:
    its kind, how many candidates it has, and how many declared derivatives it has itself."""
    first = x[0]
    return np.array([first[_F["adapter_child"]], first[_F["quantized_child"]],
                     first[_F["merge_bias"]], math.log1p(len(x)), first[_F["own_derivatives"]]])


def fit_choice(x: np.ndarray, group: np.ndarray, true: np.ndarray, z: np.ndarray,
               l2: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """A conditional logit with a "none of these" option: per child, the probability of each
    candidate is exp(x·w) / (exp(z·θ) + Σ exp(x·w)); fitted by L-BFGS to the declared parents
    (or to "none" when no declared parent is a candidate). ``group`` numbers the children
    0..G-1 in row order; ``z`` has a row per child. Returns (w, θ)."""
    n_groups, d = z.shape[0], x.shape[1]
    starts = np.searchsorted(group, np.arange(n_groups))
    has_true = np.bincount(group, weights=true, minlength=n_groups) > 0
    mask = np.ones(d)
    mask[_F["bias"]] = 0.0

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, theta = params[:d], params[d:]
        s, s0 = x @ w, z @ theta
        top = np.maximum(np.maximum.reduceat(s, starts), s0)
        e, e0 = np.exp(s - top[group]), np.exp(s0 - top)
        denom = np.add.reduceat(e, starts) + e0
        et = e * true
        num = np.where(has_true, np.add.reduceat(et, starts), e0)
        loss = -np.sum(np.log(num) - np.log(denom)) + l2 / 2 * (
            (w * mask) @ w + theta @ theta)
        p, p0 = e / denom[group], e0 / denom
        q = np.where(true > 0, et / num[group], 0.0)
        q0 = np.where(has_true, 0.0, 1.0)
        grad = np.concatenate([x.T @ (p - q) + l2 * w * mask, z.T @ (p0 - q0) + l2 * theta])
        return float(loss), grad

    fitted = minimize(objective, np.zeros(d + z.shape[1]), jac=True, method="L-BFGS-B",
                      options={"maxiter": 100})
    return fitted.x[:d], fitted.x[d:]


@dataclass
class Ranker:
    """A fitted ranker: weights over :data:`FEATURES`, the "none" option's weights, and what
    it was trained on."""

    weights: np.ndarray
    none: np.ndarray
    positives: int
    children: int
    roots: int

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Each candidate's probability of being a parent (the rows of one child)."""
        s = x @ self.weights
        s0 = float(null_features(x) @ self.none)
        top = max(float(s.max()), s0)
        e = np.exp(s - top)
        out: np.ndarray = e / (e.sum() + math.exp(s0 - top))
        return out


def train(f: Facts, ix: Indexes, children: Sequence[int], roots: Sequence[int],
          *, cap: int = 10_000, seed: int = 0) -> Ranker:
    """Fit on declared edges: each training child chooses among its candidates (none proposed
    by its own edge) its declared parents, or "none" when no candidate is one; each true root
    chooses "none". At most ``cap`` children and ``cap // 4`` roots."""
    rng = np.random.default_rng(seed)
    if len(children) > cap:
        children = sorted(rng.choice(children, cap, replace=False).tolist())
    if len(roots) > cap // 4:
        roots = sorted(rng.choice(roots, cap // 4, replace=False).tolist())
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    zs: list[np.ndarray] = []
    positives = 0
    for c, own in [(c, f.parents[c]) for c in children] + [(r, ()) for r in roots]:
        cands = candidates(f, ix, c, leave_out=own)
        if not cands:
            continue
        x = features(f, ix, c, cands, leave_out=own)
        y = np.fromiter((p in own for p in cands), dtype=float, count=len(cands))
        positives += int(y.sum())
        xs.append(x)
        ys.append(y)
        zs.append(null_features(x))
    if not xs or positives == 0:
        return Ranker(np.zeros(len(FEATURES)), np.zeros(5), 0, len(children), len(roots))
    group = np.repeat(np.arange(len(xs)), [len(x) for x in xs])
    w, theta = fit_choice(np.vstack(xs), group, np.concatenate(ys), np.vstack(zs))
    return Ranker(w, theta, positives, len(children), len(roots))


@dataclass(frozen=True)
class Prediction:
    """One ranked likely parent of one model."""

    child: int
    parent: int
    confidence: float
    rank: int
    relation: str
    evidence: tuple[str, ...]


def predict(f: Facts, ix: Indexes, ranker: Ranker, children: Iterable[int], top: int
            ) -> Iterable[list[Prediction]]:
    """For each child, its ``top`` most likely parents, best first (possibly none)."""
    for c in children:
        cands = candidates(f, ix, c)
        if not cands:
            yield []
            continue
        x = features(f, ix, c, cands)
        conf = ranker.scores(x)
        order = np.argsort(-conf, kind="stable")[:top]
        ps = list(cands)
        yield [Prediction(c, ps[j], float(conf[j]), rank, f.kind[c],
                          tuple(evidence(f, ix, c, ps[j], cands[ps[j]], x[j])))
               for rank, j in enumerate(order, start=1)]


def _date(ms: float) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).date().isoformat()


def _name_evidence(f: Facts, c: int, p: int, x: np.ndarray) -> list[str]:
    core = "-".join(f.core[p])
    if x[_F["core_exact"]]:
        return [f"name: same core name {core!r} once quantization/adapter suffixes are removed"]
    if x[_F["core_prefix"]]:
        return [f"name: starts with the parent's name {core!r}"]
    if x[_F["name_contains"]]:
        return [f"name: contains the parent's name {f.squash[p]!r}"]
    if x[_F["token_overlap"]] > 0:
        shared = sorted(set(f.parts[p]) & set(f.parts[c]))
        return [f"name: shares tokens {', '.join(shared)}"]
    return []


def evidence(f: Facts, ix: Indexes, c: int, p: int, sources: set[str], x: np.ndarray
             ) -> list[str]:
    """The signals behind one prediction, in words (stored as the edge's ``evidence``)."""
    out = _name_evidence(f, c, p, x)
    n = ix.author_parents.get(f.owners[c], Counter()).get(p, 0)
    lines = [
        (n > 0, f"author: {n} other model(s) of {f.owners[c]} declare this parent"),
        (bool(x[_F["same_owner"]]), "author: same owner"),
        ("own" in sources, f"author: among the owner's {RECENT_OWN} latest models before it"),
        (bool(x[_F["family_match"]]), f"config: same model type/architecture {f.family[c]!r}"),
        (bool(x[_F["family_mismatch"]]),
         f"config: different families ({f.family[c]} vs {f.family[p]})"),
        (bool(x[_F["size_match"]]), f"size: both names state {f.size[c] / 1e9:g}B parameters"),
        ("root" in sources, "leaderboard: rootModel names this model as the root"),
        ("hint" in sources, "card: " + "; ".join(f.hints[c])),
        ("family" in sources, f"graph: a popular declared base of family {f.family[c]!r} "
                              f"({ix.popularity[p]} declared derivatives)"),
        ("family" not in sources and ix.popularity[p] > 0,
         f"graph: {ix.popularity[p]} declared derivatives"),
        ("hot" in sources, "graph: among the most derived-from bases of the family in the "
                           "child's month and the month before"),
    ]
    out += [text for ok, text in lines if ok]
    if not x[_F["age_unknown"]]:
        out.append(f"creation: parent created {_date(f.created[p])}, before the child "
                   f"({_date(f.created[c])})")
    out.append(f"relation: {f.kind[c]} ({f.kind_basis[c]})")
    return out
