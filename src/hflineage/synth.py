"""A synthetic Hugging Face ecosystem of any size, written as snapshot files.

``generate(n, seed, out)`` writes ``models.jsonl``, ``commits.jsonl``, ``leaderboard-v2.csv``
(the Open LLM Leaderboard v2 layout, 33 columns) and ``synth.json`` (what was generated, as
counts); ``models_format="parquet"`` writes ``models.parquet`` instead of ``models.jsonl``
(see :class:`_ParquetModels`). Every model is a pure function of ``(seed, index)``: parents
always have a smaller index and are recomputed on demand (with a bounded cache), so memory
stays flat however many models are written, and the same seed gives the same bytes.

Calibrated to published figures:

- **Relation mix** (HuggingKG, Hub snapshot of December 2024, typed derivation edges):
  adapter 155,642, finetune 107,162, quantized 45,809, merge 20,003 (47.4 / 32.6 / 13.9 / 6.1 %),
  about 330k edges over 1.2M models, so about 27 % of models have a parent.
- **Family sizes** are heavy-tailed: a Zipf choice among foundation models plus preferential
  attachment (a child picks an earlier derived model, so big families grow faster), so a few
  bases gather thousands of descendants at 1M models and most families have one or two.
  Measured on ``../shared/data/model-atlas-2025`` (Model Atlas, Hub of 2025-01-09, 21,891
  child -> parent links; parents case-folded, trailing ``/`` dropped): 81 % of the 12.2k
  parents have one or two direct children, the largest 121.
- **Chains** several hops deep (base -> finetune -> finetune -> quantized), capped at 8.
- **Contributors** (Vake et al. 2025, "Is Open Source the Future of AI?", commit data of the
  Open LLM Leaderboard models): 77 % of repos have one author, 1.41 authors on average,
  about 10 commits per repo (median 6, heavy tail).
- **Parameter sizes** from the families' published sizes (0.04B to 73B). Measured on the Open
  LLM Leaderboard v2 (``../shared/data/leaderboard``, ``#Params (B)``, 4,566 rows with a
  size): median 8.0B, 90 % at most 15B, 0.6 % above 75B. ``safetensors`` is on 55 % of the
  non-quantized models; model-trees-2025's 1,970 full records have it on 37 %.
- **Licences**: roughly a third of cards state none; apache-2.0 and mit lead, then the
  llama / gemma community licences, openrail variants, cc-by-nc-4.0 and ``other``.
  Measured on ``../shared/data/model-trees-2025`` (1,970 full records, Hub of April 2025,
  ``license:`` tag or card): none 36.9 %, mit 19.1, apache-2.0 13.9, llama2 9.5,
  creativeml-openrail-m 8.0, other 5.5, gemma 2.1. (The leaderboard LLMs of paper-2024, Vake
  et al. 2025 data, lean to apache-2.0: 45.5 %, none 9.6 %.) Derived models usually keep
  their parent's licence.
- **Leaderboard coverage**: about 1 % of the models (text-generation LLMs only) have a v2 row;
  the v1 and v2 CSVs in ``../shared/data/leaderboard`` name 10,895 distinct models (case-folded),
  0.9 % of HuggingKG's 1.2M;
  ``Base Model`` is the root ancestor (or ``"<fullname> (Merge)"``), ``Generation`` the depth,
  unavailable models have no licence and sometimes ``Removed`` as base.
- **Dirty input**, at low rates, of the kinds the real snapshots have: exact duplicate
  lines, older records of an id spelled in another case, a truncated JSON line,
  ``base_model`` given as ``"unknown"``, a local path, a Hub URL, with a trailing ``/``, or
  as the model's own id; ``licence`` misspelled; ``Transformers`` capitalised; bare-string
  ``language``/``datasets``; commits and leaderboard rows for models with no record;
  commit authors and leaderboard names that differ only by case; repeated leaderboard rows.

Older records (created before 2024) carry only the legacy ``base_model:<id>`` tag and the
card's ``base_model``; newer ones also carry the typed ``base_model:<relation>:<id>`` tag.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import hashlib
import itertools
import json
import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

GENERATOR_VERSION = 1
# HuggingKG edge counts per relation, in the order draws index them (reordering changes every
# data set). A merge model has ~2.1 parents once partners of its family are found (of the 2-4 it
# asks for), so its share of models is its share of edges / 2.1.
RELATION_WEIGHTS = (("adapter", 155_642), ("finetune", 107_162), ("quantized", 45_809),
                    ("merge", 20_003))
RELATION_ORDER = tuple(r for r, _ in RELATION_WEIGHTS)
RELATION_EDGES = tuple(e for _, e in RELATION_WEIGHTS)
MERGE_PARENTS = (2, 2, 2, 3, 3, 4)
MERGE_MEAN_PARENTS = 2.1
RELATION_CUM = tuple(itertools.accumulate(
    e / MERGE_MEAN_PARENTS if r == "merge" else e
    for r, e in RELATION_WEIGHTS
))
DERIVED_SHARE = 0.27
MAX_DEPTH = 8
LEADERBOARD_SHARE = 0.02  # of LLM models, about 1 % of all
START = datetime(2022, 3, 2, tzinfo=UTC)
SPAN_DAYS = 1200
BOTS = ("SFconvertbot", "leaderboard-pr-bot")
LEADERBOARD_COLUMNS = (
    "fullname", "Model sha", "Precision", "Type", "Weight type", "Architecture", "Average ⬆️",
    "Chat Template", "IFEval", "BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO", "IFEval Raw",
    "BBH Raw", "MATH Lvl 5 Raw", "GPQA Raw", "MUSR Raw", "MMLU-PRO Raw", "Available on the hub",
    "Merged", "MoE", "Flagged", "Official Providers", "Upload To Hub Date", "Submission Date",
    "Generation", "Base Model", "Hub License", "Hub ❤️", "#Params (B)", "CO₂ cost (kg)",
)
BENCHMARKS = (("IFEval", 0.0), ("BBH", 0.25), ("MATH Lvl 5", 0.0), ("GPQA", 0.25),
              ("MUSR", 0.33), ("MMLU-PRO", 0.10))


@dataclass(frozen=True)
class Family:
    """An architecture family: what its models look like."""

    name: str
    arch: str | None
    model_type: str | None
    pipeline: str
    library: str
    sizes: tuple[float, ...]  # billions of parameters
    licenses: tuple[str, ...]
    weight: float

    @property
    def llm(self) -> bool:
        return self.pipeline == "text-generation"


FAMILIES = (
    Family("Llama", "LlamaForCausalLM", "llama", "text-generation", "transformers",
           (1.2, 3.2, 6.7, 8.0, 13.0, 70.6), ("llama2", "llama3", "llama3.1", "other"), 30),
    Family("Mistral", "MistralForCausalLM", "mistral", "text-generation", "transformers",
           (7.2, 12.2), ("apache-2.0",), 12),
    Family("Qwen", "Qwen2ForCausalLM", "qwen2", "text-generation", "transformers",
           (0.5, 1.5, 7.6, 14.8, 32.8, 72.7), ("apache-2.0", "other"), 12),
    Family("Gemma", "Gemma2ForCausalLM", "gemma2", "text-generation", "transformers",
           (2.6, 9.2, 27.2), ("gemma",), 7),
    Family("Phi", "Phi3ForCausalLM", "phi3", "text-generation", "transformers",
           (3.8, 14.0), ("mit",), 4),
    Family("Mixtral", "MixtralForCausalLM", "mixtral", "text-generation", "transformers",
           (46.7,), ("apache-2.0",), 2),
    Family("GPT2", "GPT2LMHeadModel", "gpt2", "text-generation", "transformers",
           (0.124, 0.355, 0.774, 1.56), ("mit",), 3),
    Family("BERT", "BertForSequenceClassification", "bert", "text-classification",
           "transformers", (0.11, 0.34), ("apache-2.0", "mit"), 9),
    Family("T5", "T5ForConditionalGeneration", "t5", "text2text-generation", "transformers",
           (0.06, 0.22, 0.77, 2.85), ("apache-2.0",), 4),
    Family("Whisper", "WhisperForConditionalGeneration", "whisper",
           "automatic-speech-recognition", "transformers", (0.039, 0.244, 1.55),
           ("apache-2.0", "mit"), 4),
    Family("ViT", "ViTForImageClassification", "vit", "image-classification", "transformers",
           (0.086, 0.304), ("apache-2.0",), 3),
    Family("SD", None, None, "text-to-image", "diffusers", (0.86, 2.6),
           ("creativeml-openrail-m", "openrail++"), 10),
)
FAMILY_CUM = tuple(itertools.accumulate(f.weight for f in FAMILIES))
LICENSES = (("apache-2.0", 20), ("mit", 12), ("llama2", 4), ("llama3", 3), ("other", 6),
            ("cc-by-nc-4.0", 4), ("creativeml-openrail-m", 4), ("openrail", 2),
            ("gemma", 2), ("cc-by-4.0", 2), ("gpl-3.0", 1), ("unknown", 1), ("", 39))
LICENSE_CUM = tuple(itertools.accumulate(w for _, w in LICENSES))
SYLLABLES = ("ka", "lo", "mi", "ra", "ten", "vo", "zu", "ne", "shi", "ta", "bel", "dor", "fi",
             "gra", "hu", "jin", "ko", "lux", "mar", "nov", "pi", "qua", "ro", "sa", "tu",
             "vex", "wen", "xi", "yo", "zen", "ar", "el")
WORDS = ("chat", "instruct", "sft", "dpo", "orpo", "coder", "math", "roleplay", "medical",
         "legal", "finance", "uncensored", "hermes", "nova", "zephyr", "lima", "tiny", "ko",
         "ja", "de", "fr", "es", "v2", "v3", "slerp", "ties", "dare", "distill", "reasoning")
QUANT_SUFFIXES = ("GGUF", "AWQ", "GPTQ", "4bit", "8bit", "exl2", "MLX")


def _rng(seed: int, index: int, stream: int = 0) -> random.Random:
    return random.Random((seed * 1_000_003 + stream) * 10_000_019 + index)


def _pick(rng: random.Random, cum: tuple[float, ...]) -> int:
    return bisect.bisect_right(cum, rng.random() * cum[-1])


def _handle(k: int, salt: int) -> str:
    """A pronounceable, deterministic account name."""
    h = int.from_bytes(hashlib.blake2b(f"{salt}:{k}".encode(), digest_size=8).digest(), "big")
    parts = [SYLLABLES[(h >> (5 * j)) & 31] for j in range(2 + (h >> 60) % 3)]
    return "".join(parts) + (str(h % 1000) if (h >> 40) % 3 == 0 else "")


@dataclass(frozen=True)
class Core:
    """What a child needs to know about its parent: lineage and family facts."""

    index: int
    id: str
    family: int
    size: float
    license: str
    relation: str | None  # None for a root
    parents: tuple[int, ...]
    depth: int
    root: int


@dataclass(frozen=True)
class _Lineage:
    """Where a new model hangs in the tree: its relation and parents (None and none for a
    root), its depth and the index of its root."""

    relation: str | None
    parents: tuple[int, ...]
    depth: int
    root: int


class Ecosystem:
    """Deterministic model records for one seed and size; record ``i`` needs no state."""

    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.seed = seed
        self.foundations = max(10, min(2000, n // 500))
        self.foundation_cum = tuple(itertools.accumulate(
            1.0 / (r + 1) ** 1.1 for r in range(self.foundations)))
        self.labs = max(5, self.foundations // 4)
        self.prolific = max(20, n // 200)
        self.long_tail = max(100, n // 3)
        self.contributors = max(50, n // 5)
        self.core = lru_cache(maxsize=65_536)(self._core)

    # --- names -------------------------------------------------------------------------
    def owner(self, index: int, relation: str | None, rng: random.Random) -> str:
        if index < self.foundations:
            return f"{_handle(index % self.labs, self.seed)}-ai"
        if relation == "quantized" and rng.random() < 0.7:
            return _handle(int(rng.paretovariate(1.2)) % 20, self.seed + 7)
        if rng.random() < 0.4:
            return _handle(int(rng.paretovariate(1.0)) % self.prolific, self.seed + 1)
        return _handle(rng.randrange(self.long_tail), self.seed + 2)

    def contributor(self, rng: random.Random) -> str:
        return _handle(int(rng.paretovariate(0.9)) % self.contributors, self.seed + 3)

    def _name(self, index: int, fam: Family, size: float, relation: str | None,
              rng: random.Random) -> str:
        size_s = f"{size:g}B" if size >= 1 else f"{round(size * 1000)}M"
        token = _b36(index)
        if index < self.foundations:
            return f"{fam.name}-{token}-{size_s}"
        words = "-".join(rng.sample(WORDS, 1 + rng.randrange(2)))
        base = f"{fam.name}-{size_s}-{words}-{token}"
        if relation == "quantized":
            return f"{base}-{rng.choice(QUANT_SUFFIXES)}"
        if relation == "adapter":
            return f"{base}-lora"
        if relation == "merge":
            return f"{base}-merge"
        return base

    # --- lineage -----------------------------------------------------------------------
    def _core(self, index: int) -> Core:
        rng = _rng(self.seed, index)
        if index < self.foundations:
            fam_i = _pick(rng, FAMILY_CUM)
            fam = FAMILIES[fam_i]
            size = rng.choice(fam.sizes)
            return self._make_core(index, rng, fam_i, size, rng.choice(fam.licenses),
                                   _Lineage(None, (), 0, index))
        if rng.random() >= DERIVED_SHARE:
            fam_i = _pick(rng, FAMILY_CUM)
            fam = FAMILIES[fam_i]
            lic_i = _pick(rng, LICENSE_CUM)
            return self._make_core(index, rng, fam_i, rng.choice(fam.sizes),
                                   LICENSES[lic_i][0], _Lineage(None, (), 0, index))
        relation = RELATION_ORDER[_pick(rng, RELATION_CUM)]
        parent = self.core(self._parent_index(index, rng))
        parents = [parent.index]
        if relation == "merge":
            for _ in range(rng.choice(MERGE_PARENTS) - 1):
                other = self._merge_partner(index, parent, rng)
                if other is not None and other not in parents:
                    parents.append(other)
        lic = parent.license if rng.random() < 0.75 else LICENSES[_pick(rng, LICENSE_CUM)][0]
        return self._make_core(index, rng, parent.family, parent.size, lic,
                               _Lineage(relation, tuple(parents), parent.depth + 1, parent.root))

    def _make_core(self, index: int, rng: random.Random, fam_i: int, size: float, lic: str,
                   lineage: _Lineage) -> Core:
        owner = self.owner(index, lineage.relation, rng)
        name = self._name(index, FAMILIES[fam_i], size, lineage.relation, rng)
        return Core(index, f"{owner}/{name}", fam_i, size, lic, lineage.relation,
                    lineage.parents, lineage.depth, lineage.root)

    def _parent_index(self, index: int, rng: random.Random) -> int:
        """A foundation (Zipf), an earlier fine-tune or merge (deepening), or any earlier model."""
        roll = rng.random() if index > self.foundations else 1.0
        if roll < 0.35:
            for _ in range(4):
                j = rng.randrange(self.foundations, index)
                c = self.core(j)
                if c.relation in ("finetune", "merge") and c.depth < MAX_DEPTH:
                    return j
        elif roll < 0.55:
            j = rng.randrange(self.foundations, index)
            if self.core(j).relation is None:
                return j
        return _pick(rng, self.foundation_cum)

    def _merge_partner(self, index: int, first: Core, rng: random.Random) -> int | None:
        """An earlier model of the same family (merges need matching architectures)."""
        for k in range(12):
            j = rng.randrange(0, index) if k < 6 else rng.randrange(self.foundations)
            c = self.core(j)
            if c.family == first.family and c.relation in (None, "finetune", "merge") \
                    and c.depth < MAX_DEPTH:
                return j
        return None

    # --- records -----------------------------------------------------------------------
    def created(self, index: int, rng: random.Random) -> datetime:
        frac = (index + rng.random()) / max(self.n, 1)
        return START + timedelta(days=SPAN_DAYS * frac, seconds=rng.randrange(86_400))

    def record(self, index: int) -> dict[str, Any]:
        """The ``models.jsonl`` record of model ``index`` (clean; dirt is added by the writer)."""
        c = self.core(index)
        fam = FAMILIES[c.family]
        rng = _rng(self.seed, index, 1)
        created = self.created(index, rng)
        modified = created + timedelta(days=rng.expovariate(1 / 40), seconds=rng.randrange(3600))
        rec: dict[str, Any] = {"id": c.id, "author": c.id.split("/")[0],
                               "createdAt": _iso(created), "lastModified": _iso(modified)}
        if rng.random() < 0.9:
            rec["downloads"] = min(int(rng.paretovariate(0.45)) - 1, 90_000_000)
            rec["likes"] = min(int(rng.paretovariate(0.9)) - 1, 12_000)
        parent_ids = [self.core(p).id for p in c.parents]
        rec["tags"] = self._tags(c, fam, parent_ids, created, rng)
        library = "peft" if c.relation == "adapter" else (
            "gguf" if c.relation == "quantized" and "GGUF" in c.id else fam.library)
        if rng.random() < 0.75:
            rec["pipeline_tag"] = fam.pipeline
        if rng.random() < 0.7:
            rec["library_name"] = library
        if c.relation is None and c.index < self.foundations:
            rec["gated"] = rng.choice((False, "manual", "auto"))
        elif rng.random() < 0.95:
            rec["gated"] = False if rng.random() < 0.98 else "auto"
        if fam.arch and c.relation != "adapter" and rng.random() < 0.55:
            rec["config"] = {"architectures": [fam.arch], "model_type": fam.model_type}
        if c.relation not in ("quantized",) and rng.random() < 0.55:
            total = int(c.size * 1e9 * (0.004 if c.relation == "adapter" else 1.0))
            total += rng.randrange(1000)
            rec["safetensors"] = {"parameters": {rng.choice(("BF16", "F16", "F32")): total},
                                  "total": total}
        card = self._card(c, parent_ids, rng)
        if card:
            rec["cardData"] = card
        return rec

    def _tags(self, c: Core, fam: Family, parent_ids: list[str], created: datetime,
              rng: random.Random) -> list[str]:
        tags = [fam.library, *([fam.model_type] if fam.model_type else []), fam.pipeline]
        if c.relation == "adapter":
            tags += ["peft", "lora"]
        elif c.relation == "quantized":
            tags += ["gguf" if "GGUF" in c.id else "quantized", "endpoints_compatible"]
        elif c.relation == "merge":
            tags += ["mergekit", "merge"]
        if c.license:
            tags.append(f"license:{c.license}")
        for pid in parent_ids:
            tags.append(f"base_model:{pid}")
            if created.year >= 2024:
                tags.append(f"base_model:{c.relation}:{pid}")
        tags.append("region:us")
        return tags

    def _card(self, c: Core, parent_ids: list[str], rng: random.Random) -> dict[str, Any]:
        card: dict[str, Any] = {}
        if c.license and rng.random() < 0.9:
            card["license"] = c.license
        if parent_ids and rng.random() < 0.85:
            card["base_model"] = parent_ids[0] if len(parent_ids) == 1 else parent_ids
            if rng.random() < 0.1:
                card["base_model_relation"] = c.relation
        if rng.random() < 0.3:
            card["datasets"] = [f"{_handle(rng.randrange(500), self.seed + 5)}/"
                                f"{rng.choice(WORDS)}-data" for _ in range(1 + rng.randrange(3))]
        if rng.random() < 0.4:
            card["language"] = rng.sample(("en", "zh", "fr", "de", "es", "ko", "ja"),
                                          1 + rng.randrange(2))
        return card

    def commits(self, index: int, model_id: str) -> list[dict[str, Any]]:
        """The commit history of one repo: authors and counts as in Vake et al."""
        rng = _rng(self.seed, index, 2)
        extra = 0 if rng.random() < 0.77 else 1 + int(rng.expovariate(1 / 0.78))
        owner = model_id.split("/")[0]
        authors = [owner if rng.random() < 0.6 else self.contributor(rng)]
        while len(authors) < 1 + extra:
            who = self.contributor(rng) if rng.random() > 0.03 else rng.choice(BOTS)
            if who not in authors:
                authors.append(who)
        n = max(len(authors), round(math.exp(rng.gauss(math.log(6), 1.0))))
        start = self.created(index, _rng(self.seed, index, 1))
        out = []
        t = start
        for k in range(1, n + 1):
            out.append({"model": model_id,
                        "commit_id": hashlib.sha1(f"{model_id}:{k}".encode()).hexdigest(),
                        "authors": [authors[(k - 1) % len(authors)]],
                        "created_at": _iso(t), "title": f"commit {k}"})
            t += timedelta(seconds=int(rng.expovariate(1 / 86_400)) + 60)
        return out

    def leaderboard_row(self, index: int, sha: str, rng: random.Random) -> dict[str, str]:
        c = self.core(index)
        fam = FAMILIES[c.family]
        created = self.created(index, _rng(self.seed, index, 1))
        available = rng.random() < 0.65 or index < self.foundations
        scores = [rng.uniform(base * 100, 60) for _, base in BENCHMARKS]
        norm = [max(0.0, (s / 100 - base) / (1 - base) * 100)
                for s, (_, base) in zip(scores, BENCHMARKS, strict=True)]
        merged = c.relation == "merge"
        if merged:
            base_model = f"{c.id} (Merge)"
        elif not available and rng.random() < 0.3:
            base_model = "Removed"
        else:
            base_model = self.core(c.root).id
        rtype = {None: "pretrained", "merge": "basemergesandmoerges",
                 "adapter": "fine-tunedondomain-specificdatasets"}.get(
            c.relation, rng.choice(("fine-tunedondomain-specificdatasets", "chatmodels")))
        row = {
            "fullname": c.id, "Model sha": sha,
            "Precision": rng.choice(("bfloat16", "float16", "float16", "4bit")),
            "Type": rtype, "Weight type": "Adapter" if c.relation == "adapter" else "Original",
            "Architecture": fam.arch or "?", "Average ⬆️": f"{sum(norm) / len(norm):.2f}",
            "Chat Template": _bool(rng.random() < 0.4),
            **{name: f"{v:.2f}" for (name, _), v in zip(BENCHMARKS, norm, strict=True)},
            **{f"{name} Raw": f"{s / 100:.4f}"
               for (name, _), s in zip(BENCHMARKS, scores, strict=True)},
            "Available on the hub": _bool(available), "Merged": _bool(merged),
            "MoE": _bool(fam.name == "Mixtral"), "Flagged": _bool(rng.random() < 0.001),
            "Official Providers": _bool(index < self.foundations),
            "Upload To Hub Date": created.date().isoformat() if rng.random() < 0.9 else "",
            "Submission Date": (created + timedelta(days=rng.randrange(1, 200))).date()
            .isoformat(),
            "Generation": str(c.depth), "Base Model": base_model,
            "Hub License": c.license if available else "",
            "Hub ❤️": str(int(rng.paretovariate(0.9)) - 1),
            "#Params (B)": f"{c.size:.3f}" if rng.random() > 0.003 else "0",
            "CO₂ cost (kg)": f"{rng.uniform(0.1, 30):.2f}",
        }
        return row


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _bool(v: bool) -> str:
    return "TRUE" if v else "FALSE"


def _swapcase_once(model_id: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(model_id) if ch.isalpha()]
    i = rng.choice(letters)
    return model_id[:i] + model_id[i].swapcase() + model_id[i + 1:]


def _older(rec: dict[str, Any]) -> dict[str, Any]:
    """An earlier description of the same model, as a stale line in a snapshot would be."""
    old = dict(rec)
    old["lastModified"] = old["createdAt"]
    old.pop("likes", None)
    return old


def _dirty(rec: dict[str, Any], rng: random.Random, stats: Counter[str]) -> dict[str, Any]:
    """Real-snapshot dirt in the card, never in tags (tags keep the true lineage)."""
    card = rec.get("cardData")
    roll = rng.random()
    if card is None or roll > 0.06:
        return rec
    card = dict(card)
    dirt: str | None = None
    broken_base = _dirty_base(card.get("base_model"), rec, roll)
    if broken_base is not None:
        card["base_model"], dirt = broken_base
    elif "license" in card and roll < 0.04:
        card["licence"] = card.pop("license")
        dirt = "dirty_licence_key"
    elif "language" in card and roll < 0.05:
        card["language"] = card["language"][0]
        dirt = "dirty_language_string"
    elif rec.get("library_name") == "transformers":
        rec = rec | {"library_name": "Transformers"}
        dirt = "dirty_library_case"
    if dirt is not None:
        stats[dirt] += 1
    return rec | {"cardData": card}


def _dirty_base(base: object, rec: dict[str, Any], roll: float) -> tuple[Any, str] | None:
    """A broken ``cardData.base_model`` and its stats key (the first rule whose bound the roll
    is under); None when the roll leaves the base model alone."""
    rules: tuple[tuple[float, Any, str], ...]
    if isinstance(base, str):
        rules = ((0.01, f"https://huggingface.co/{base}", "dirty_base_url"),
                 (0.02, base + "/", "dirty_base_trailing_slash"))
    elif base is None:
        rules = ((0.012, "unknown", "dirty_base_unknown"),
                 (0.015, "./output/checkpoint-500", "dirty_base_local_path"),
                 (0.016, rec["id"], "dirty_base_self"),
                 (0.018, [], "dirty_base_empty_list"))
    else:
        return None
    return next(((value, key) for bound, value, key in rules if roll < bound), None)


MODEL_FORMATS = ("jsonl", "parquet")
PARQUET_ROW_GROUP = 50_000
PARQUET_SCHEMA = pa.schema([
    ("id", pa.string()), ("author", pa.string()),
    ("createdAt", pa.timestamp("ms", tz="UTC")), ("lastModified", pa.timestamp("ms", tz="UTC")),
    ("downloads", pa.int64()), ("likes", pa.int64()), ("tags", pa.list_(pa.string())),
    ("pipeline_tag", pa.string()), ("library_name", pa.string()), ("gated", pa.string()),
    ("config", pa.string()), ("safetensors", pa.string()), ("cardData", pa.string()),
])
_JSON_TEXT = frozenset({"config", "safetensors", "cardData"})
_TIMES = frozenset({"createdAt", "lastModified"})


class _Models(Protocol):
    def record(self, rec: dict[str, Any]) -> None: ...
    def text(self, line: str) -> bool: ...


class _JsonLines:
    """``models.jsonl``: a record a line."""

    def __init__(self, fh: TextIO) -> None:
        self.fh = fh

    def record(self, rec: dict[str, Any]) -> None:
        self.fh.write(json.dumps(rec, ensure_ascii=False) + "\n")

    def text(self, line: str) -> bool:
        self.fh.write(line + "\n")
        return True


class _ParquetModels:
    """``models.parquet``, one schema for every row: ``config``, ``safetensors`` and
    ``cardData`` as JSON text (their values vary in shape: ``base_model`` a string or a list),
    dates as UTC timestamps, ``gated`` as text (``false``, ``manual``, ``auto``). Rows are
    written in row groups of ``PARQUET_ROW_GROUP``; a line of raw text cannot be a row."""

    def __init__(self, path: Path) -> None:
        self.writer = pq.ParquetWriter(path, PARQUET_SCHEMA)
        self.columns: dict[str, list[Any]] = {name: [] for name in PARQUET_SCHEMA.names}
        self.rows = 0

    def record(self, rec: dict[str, Any]) -> None:
        unknown = set(rec) - set(self.columns)
        if unknown:
            raise ValueError(f"no Parquet column for {sorted(unknown)}")
        for name, column in self.columns.items():
            value = rec.get(name)
            if value is None:
                pass
            elif name in _JSON_TEXT:
                value = json.dumps(value, ensure_ascii=False)
            elif name in _TIMES:
                value = datetime.fromisoformat(value)
            elif name == "gated" and isinstance(value, bool):
                value = str(value).lower()
            column.append(value)
        self.rows += 1
        if self.rows >= PARQUET_ROW_GROUP:
            self.flush()

    def text(self, line: str) -> bool:
        return False

    def flush(self) -> None:
        if self.rows:
            self.writer.write_table(pa.Table.from_pydict(self.columns, schema=PARQUET_SCHEMA))
            for column in self.columns.values():
                column.clear()
            self.rows = 0

    def close(self) -> None:
        self.flush()
        self.writer.close()


class _Writer:
    """Streams the three snapshot files and counts what it wrote."""

    def __init__(self, eco: Ecosystem, models: _Models, commits: TextIO | None,
                 board: csv.DictWriter[str], commit_share: float) -> None:
        self.eco = eco
        self.commit_share = commit_share
        self.models = models
        self.commits = commits
        self.board = board
        self.stats: Counter[str] = Counter()

    def line(self, rec: dict[str, Any]) -> None:
        self.models.record(rec)
        self.stats["model_lines"] += 1

    def model(self, i: int) -> None:
        eco, stats = self.eco, self.stats
        c = eco.core(i)
        rng = _rng(eco.seed, i, 3)
        self.line(self.dirty_record(i, stats))
        stats["models"] += 1
        if c.relation:
            stats[f"edges_{c.relation}"] += len(c.parents)
            stats["derived_models"] += 1
            stats["depth_max"] = max(stats["depth_max"], c.depth)
        sha = ""
        if self.commits is not None and rng.random() < self.commit_share:
            history = eco.commits(i, c.id)
            if rng.random() < 0.002:
                history = [h | {"authors": [h["authors"][0].upper()]} if k == 0 else h
                           for k, h in enumerate(history)]
                stats["dirty_author_case"] += 1
            for h in history:
                self.commits.write(json.dumps(h) + "\n")
            sha = history[-1]["commit_id"]
            stats["commits"] += len(history)
            stats["repos_with_commits"] += 1
        if FAMILIES[c.family].llm and c.relation != "quantized" \
                and rng.random() < LEADERBOARD_SHARE:
            self.leaderboard(i, sha, rng)
        self.dirt_lines(i, rng)

    def dirty_record(self, i: int, stats: Counter[str]) -> dict[str, Any]:
        """Record ``i`` as its line reads, dirt included (the same each time it is written)."""
        return _dirty(self.eco.record(i), _rng(self.eco.seed, i, 4), stats)

    def leaderboard(self, i: int, sha: str, rng: random.Random) -> None:
        row = self.eco.leaderboard_row(i, sha, rng)
        if rng.random() < 0.01:
            row["fullname"] = _swapcase_once(row["fullname"], rng)
            self.stats["dirty_leaderboard_case"] += 1
        self.board.writerow(row)
        self.stats["leaderboard_rows"] += 1
        if rng.random() < 0.02:
            self.board.writerow(row | {"Precision": "float32"})
            self.stats["leaderboard_rows"] += 1
            self.stats["dirty_leaderboard_repeat"] += 1

    def dirt_lines(self, i: int, rng: random.Random) -> None:
        """Duplicates of earlier lines, stale case variants, ghosts, a truncated line."""
        eco, stats = self.eco, self.stats
        if i < 10:
            return
        roll = rng.random()
        if roll < 0.004:
            self.line(self.dirty_record(rng.randrange(i), Counter()))
            stats["dirty_duplicate_line"] += 1
        elif roll < 0.006:
            rec = _older(eco.record(rng.randrange(i)))
            variant = _swapcase_once(rec["id"], rng)
            self.line(rec | {"id": variant, "author": variant.split("/")[0]})
            stats["dirty_case_variant"] += 1
        elif roll < 0.0062:
            text = json.dumps(eco.record(rng.randrange(i)))
            if self.models.text(text[: len(text) // 2]):
                stats["model_lines"] += 1
                stats["dirty_truncated_line"] += 1
            else:
                stats["unrepresentable_truncated_line"] += 1
        elif roll < 0.0072 and self.commits is not None and self.commit_share > 0:
            ghost = f"{_handle(i, eco.seed + 11)}/removed-model-{_b36(i)}"
            for h in eco.commits(i, ghost)[:3]:
                self.commits.write(json.dumps(h) + "\n")
                stats["commits"] += 1
            stats["ghost_commit_models"] += 1


def generate(n: int, seed: int, out: Path, *, commit_share: float = 1.0,
             models_format: str = "jsonl") -> dict[str, Any]:
    """Write a synthetic snapshot of ``n`` models into ``out``; return the counts.

    ``commit_share`` is the fraction of repos that get a commit history (1.0 = all;
    lower it for very large runs where commits are measured separately).
    ``models_format`` ``parquet`` writes ``models.parquet`` (and removes a ``models.jsonl``
    left in ``out``, and the other way round): the same records, but truncated lines cannot
    be rows, so they are counted as ``unrepresentable_truncated_line`` and
    ``model_lines`` counts the rows written.
    """
    if models_format not in MODEL_FORMATS:
        raise ValueError(f"models_format must be one of {MODEL_FORMATS}, got {models_format!r}")
    out.mkdir(parents=True, exist_ok=True)
    eco = Ecosystem(n, seed)
    for other in MODEL_FORMATS:
        if other != models_format:
            (out / f"models.{other}").unlink(missing_ok=True)
    with contextlib.ExitStack() as stack:
        models: _Models
        if models_format == "parquet":
            models = _ParquetModels(out / "models.parquet")
            stack.callback(models.close)
        else:
            models = _JsonLines(stack.enter_context(
                (out / "models.jsonl").open("w", encoding="utf-8")))
        commits = stack.enter_context((out / "commits.jsonl").open("w", encoding="utf-8"))
        lb = stack.enter_context((out / "leaderboard-v2.csv").open("w", encoding="utf-8",
                                                                   newline=""))
        board = csv.DictWriter(lb, fieldnames=LEADERBOARD_COLUMNS)
        board.writeheader()
        writer = _Writer(eco, models, commits, board, commit_share)
        for i in range(n):
            writer.model(i)
    summary: dict[str, Any] = {
        "generator": "hflineage.synth", "version": GENERATOR_VERSION, "seed": seed,
        "models": n, "commit_share": commit_share,
        **({"models_format": models_format} if models_format != "jsonl" else {}),
        "edges": {r: writer.stats.pop(f"edges_{r}", 0) for r in RELATION_ORDER},
        "foundations": eco.foundations,
        **dict(sorted(writer.stats.items())),
    }
    (out / "synth.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary
