"""What parent inference knows about each model, held column-wise in memory.

:class:`Facts` is built from rows shaped like ``read/infer_facts`` (from the graph, or from any
iterable of such dicts in tests). :meth:`Facts.hidden` is the in-memory copy the evaluation
works on: some children's declared parents, relations and ``rootModel`` removed, and the stub
parents only they referred to gone with them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from hflineage.loader.normalize.ids import key_of, owner_of
from hflineage.loader.normalize.rules import infer_relation, model_type_of
from hflineage.loader.normalize.vocab import (
    ADAPTER_EVIDENCE,
    FILE_EVIDENCE,
    QUANTIZED_EVIDENCE,
    QUANTIZED_NAME_PATTERN,
    QUANTIZED_NAME_TOKENS,
)

#: Tokens a derived repo adds to its parent's name that say how, not what (dropped for the core).
SUFFIX_TOKENS = QUANTIZED_NAME_TOKENS | frozenset({
    "hf", "lora", "qlora", "adapter", "adapters", "peft", "fp16", "bf16", "fp32", "mlx", "onnx",
    "4bit", "8bit", "imatrix", "i1", "gguf", "ggml", "w4a16", "exl2", "bnb", "merged",
})
_QUANT = re.compile(QUANTIZED_NAME_PATTERN, re.IGNORECASE)
_SPLIT = re.compile(r"[-_.\s/]+")
_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_SIZE = re.compile(r"^(?:\d+x)?\d+(?:\.\d+)?[bm]$")
LEAVES = frozenset({"adapter", "quantized"})


def name_tokens(text: str) -> tuple[str, ...]:
    """Lower-case tokens of a name (split on ``-``, ``_``, ``.``, spaces)."""
    return tuple(t for t in _SPLIT.split(text.lower()) if t)


def core_tokens(name: str) -> tuple[str, ...]:
    """A model name without its quantization and adapter suffixes
    (``Llama-2-7B-Chat-GGUF`` → ``llama 2 7b chat``)."""
    return tuple(t for t in name_tokens(_QUANT.sub("-", name)) if t not in SUFFIX_TOKENS)


def word_parts(name: str) -> tuple[str, ...]:
    """A name's words split at separators, case changes and digits, without suffix tokens
    (``MeliodasPercival_01-7B-GGUF`` → ``meliodas percival 01 7 b``): what merges concatenate."""
    stripped = _QUANT.sub("-", name)
    return tuple(dict.fromkeys(
        p for p in (m.lower() for m in _PARTS.findall(stripped))
        if p not in SUFFIX_TOKENS and (len(p) > 1 or p.isdigit())))


def squashed(core: tuple[str, ...]) -> str:
    """A core name without size tokens, separators removed (``neural-ceptrix-7b-slerp`` →
    ``neuralceptrixslerp``), to find a parent's name inside a merge's name."""
    return "".join(t for t in core if not _SIZE.match(t))


@dataclass
class Facts:
    """Models as parallel columns; ``index`` maps a key to its row."""

    keys: list[str]
    ids: list[str]
    owners: list[str]
    stub: np.ndarray
    created: np.ndarray  # epoch ms, NaN when unknown
    family: list[str | None]  # model type, else the first architecture
    size: np.ndarray  # parameters the name states, NaN when none
    kind: list[str]  # the relation the model's own evidence implies (leaves: adapter, quantized)
    kind_basis: list[str]
    core: list[tuple[str, ...]]
    parts: list[tuple[str, ...]]
    squash: list[str]
    hints: list[tuple[str, ...]]
    root: list[str | None]
    parents: list[tuple[int, ...]]
    relations: list[tuple[str, ...]]
    declares: np.ndarray  # declares a parent (even one no longer in the graph)
    index: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> Facts:
        """Facts from ``read/infer_facts`` rows, ordered by key (so every tie breaks the same
        way whatever order the rows come in); a parent missing from the rows is left out."""
        interned: dict[Any, Any] = {}

        def intern(v: Any) -> Any:
            return interned.setdefault(v, v)

        cols: dict[str, list[Any]] = {k: [] for k in (
            "keys", "ids", "owners", "stub", "created", "family", "size", "kind", "kind_basis",
            "core", "parts", "squash", "hints", "root", "parents", "declares")}
        for r in rows:
            model_id = r["id"] or r["key"]
            tags = r.get("tags") or []
            files = r.get("files") or []
            archs = r.get("architectures") or []
            family = model_type_of({"model_type": r.get("modelType")}, tags) or (
                min(archs) if archs else None)
            kind = infer_relation(1, model_id, tags, r.get("library"), files=files)
            basis = _kind_basis(kind, model_id, tags, r.get("library"), files)
            if kind == "finetune" and {"merge", "mergekit"} & {t.lower() for t in tags}:
                kind, basis = "merge", "tag 'merge'"
            cols["keys"].append(r["key"])
            cols["ids"].append(model_id)
            cols["owners"].append(intern((owner_of(model_id) or "").lower()))  # "": no owner
            cols["stub"].append(bool(r.get("stub")))
            created = r.get("created")
            cols["created"].append(float(created) if created is not None else math.nan)
            cols["family"].append(intern(family.lower()) if family else None)
            size = r.get("size")
            cols["size"].append(float(size) if size else math.nan)
            cols["kind"].append(intern(kind))
            cols["kind_basis"].append(intern(basis))
            name = model_id.rsplit("/", 1)[-1]
            core = tuple(intern(t) for t in core_tokens(name))
            cols["core"].append(core)
            cols["parts"].append(tuple(intern(t) for t in word_parts(name)))
            cols["squash"].append(squashed(core))
            cols["hints"].append(tuple(r.get("hints") or ()))
            root = r.get("root")
            cols["root"].append(key_of(root) if root else None)
            declared = tuple((key_of(k), intern(rel or "unknown"))
                             for k, rel in (r.get("parents") or []))
            cols["parents"].append(declared)
            cols["declares"].append(bool(r.get("declares", bool(declared))))
        order = sorted(range(len(cols["keys"])), key=cols["keys"].__getitem__)
        for name, col in cols.items():  # by key: the same rows whatever order they came in
            cols[name] = [col[i] for i in order]
        index = {k: i for i, k in enumerate(cols["keys"])}
        parents: list[tuple[int, ...]] = []
        relations: list[tuple[str, ...]] = []
        for declared in cols.pop("parents"):
            kept = [(index[k], rel) for k, rel in declared if k in index]
            parents.append(tuple(p for p, _ in kept))
            relations.append(tuple(rel for _, rel in kept))
        return cls(keys=cols["keys"], ids=cols["ids"], owners=cols["owners"],
                   stub=np.array(cols["stub"], dtype=bool),
                   created=np.array(cols["created"], dtype=float), family=cols["family"],
                   size=np.array(cols["size"], dtype=float), kind=cols["kind"],
                   kind_basis=cols["kind_basis"], core=cols["core"], parts=cols["parts"],
                   squash=cols["squash"], hints=cols["hints"],
                   root=cols["root"], parents=parents, relations=relations,
                   declares=np.array(cols["declares"], dtype=bool), index=index)

    def children(self) -> list[int]:
        """Described models that declare at least one parent."""
        return [i for i, ps in enumerate(self.parents) if ps and not self.stub[i]]

    def undeclared(self) -> list[int]:
        """Described models that declare no parent: what ``hflineage infer`` predicts for."""
        return [int(i) for i in np.flatnonzero(~self.declares & ~self.stub)]

    def roots(self) -> list[int]:
        """True roots: described models that declare no parent but are declared as one."""
        has_children = {p for ps in self.parents for p in ps}
        return [i for i in self.undeclared() if i in has_children]

    def hidden(self, children: Iterable[int]) -> Facts:
        """A copy with these children's declared parents, relations and ``rootModel`` removed;
        a stub only they referred to is no longer a model at all (``usable`` says so)."""
        hide = set(children)
        parents = [() if i in hide else ps for i, ps in enumerate(self.parents)]
        relations = [() if i in hide else rs for i, rs in enumerate(self.relations)]
        root = [None if i in hide else r for i, r in enumerate(self.root)]
        declares = self.declares.copy()
        declares[list(hide)] = False
        return replace(self, parents=parents, relations=relations, root=root, declares=declares)

    def usable(self) -> np.ndarray:
        """Which models may be predicted as a parent: described models, and stubs some visible
        declared edge still refers to; never a leaf (an adapter or quantized repo, unless the
        graph declares children of it: a base that also ships GGUF files is no leaf)."""
        referred = np.zeros(len(self), dtype=bool)
        for ps in self.parents:
            for p in ps:
                referred[p] = True
        leaf = np.fromiter((k in LEAVES for k in self.kind), dtype=bool, count=len(self))
        return (~self.stub | referred) & ~(leaf & ~referred)


def _kind_basis(kind: str, model_id: str, tags: list[str], library: str | None,
                files: list[str]) -> str:
    """Why :func:`infer_relation` gave ``kind``, in a few words, for the evidence list."""
    if kind == "finetune":
        return "no adapter, quantization or merge evidence"
    from_files = [f for f in files if f in FILE_EVIDENCE]
    if from_files:
        return f"file evidence {', '.join(from_files)}"
    marks = sorted({t.lower() for t in tags} & (ADAPTER_EVIDENCE | QUANTIZED_EVIDENCE))
    if marks:
        return f"tag {marks[0]!r}"
    if library and library.lower() in ADAPTER_EVIDENCE | QUANTIZED_EVIDENCE:
        return f"library {library!r}"
    return f"name {model_id.rsplit('/', 1)[-1]!r}"
