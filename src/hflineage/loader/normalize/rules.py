"""Pure normalization: one Hub-API-shaped record becomes flat rows, or a reject with a reason.

No database here. ``normalize_model`` and ``normalize_commit`` are what every source (snapshot
files, the live Hub, a bulk CSV importer) goes through, so they all obey the same rules.

Parents, in order of precedence (union, one edge per parent, case-insensitively):

1. typed tags ``base_model:{relation}:{id}`` (``source: tag``, ``relationSource: explicit``);
2. legacy tags ``base_model:{id}`` (``source: tag``);
3. ``cardData.base_model`` (string or list) with ``cardData.base_model_relation``
   (``source: card``).

When a record has typed tags, they alone define its parents: the card's other entries and
legacy tags naming other models are dropped values (issues with a reason).

A parent without an explicit relation gets one inferred (``relationSource: inferred``), close to
the Hub's own rules: several parents → ``merge``; adapter evidence (library, tags,
``adapter_config.json``) → ``adapter``; quantization evidence (tags, library,
``config.quantization_config``, GGUF files, quantization tokens of the model's own name, never a
size token such as ``4B``) → ``quantized``; a mergekit config → ``merge``; otherwise
``finetune``. A given but unrecognised relation is kept as ``unknown``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hflineage import RULES_TAG
from hflineage.loader.normalize.ids import key_of, owner_of, parse_id
from hflineage.loader.normalize.vocab import (
    ADAPTER_EVIDENCE,
    BOT_ACCOUNTS,
    CARD_HINT_FIELDS,
    DATASET_PLACEHOLDERS,
    FILE_EVIDENCE,
    MODEL_TYPES,
    QUANTIZED_EVIDENCE,
    QUANTIZED_NAME_PATTERN,
    QUANTIZED_NAME_TOKENS,
    QUANTIZED_STORAGE_MARKERS,
    RELATIONS,
    license_category,
)

Row = dict[str, Any]
_BOT_TOKEN = re.compile(r"(?:^|[-_\s.\[])bot(?:$|[-_\s.\]])", re.IGNORECASE)
_QUANTIZED_NAME = re.compile(QUANTIZED_NAME_PATTERN, re.IGNORECASE)
_NAME_TOKENS = re.compile(r"[-_.]")
_SIZE_TOKEN = re.compile(r"(?:^|[-_.])(?:(\d+)x)?(\d+(?:\.\d+)?)([bm])(?=$|[-_.])",
                         re.IGNORECASE)
_MISSING_VERSION = "0000-00-00T00:00:00+00:00"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class RecordError(ValueError):
    """A record that cannot be loaded at all; the message is the reject reason."""


@dataclass
class Issue:
    """A value dropped from a loaded record (a junk parent, a bad dataset id)."""

    field: str
    value: Any
    reason: str


@dataclass
class ModelRows:
    """The flat rows one model record becomes."""

    model: Row
    architectures: list[Row] = field(default_factory=list)
    licenses: list[Row] = field(default_factory=list)
    datasets: list[Row] = field(default_factory=list)
    parents: list[Row] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class CommitRow:
    """One commit by one contributor."""

    model_key: str
    model_id: str
    commit_id: str
    author: str
    created_at: datetime | None


def is_bot(name: str) -> bool:
    """A ``bot`` token (``librarian-bot``, ``x_bot``, ``app[bot]``) or a known bot account
    (``SFconvertbot``, ``system``); ``Limerobot`` and ``botanist`` are people."""
    name = name.strip()
    return name.lower() in BOT_ACCOUNTS or _BOT_TOKEN.search(name) is not None


def name_parameters(model_id: str) -> int | None:
    """The size a model's name states (``Llama-2-7b`` → 7e9, ``2x34B`` → 68e9); None when it
    states none, or several (``llama_2_7b_llama_3_70b``: which one is the model's own is unsure)."""
    sizes = {round(float(size) * (1e9 if unit.lower() == "b" else 1e6) * int(experts or 1))
             for experts, size, unit in _SIZE_TOKEN.findall(model_id.rsplit("/", 1)[-1])}
    return sizes.pop() if len(sizes) == 1 and 1 <= min(sizes) <= INT64_MAX else None


def parse_time(value: object, name: str) -> datetime | None:
    """An ISO-8601 time as an aware UTC datetime; a naive time is taken as UTC."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"wrong type: {name} must be an ISO-8601 string, "
                          f"got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value.strip())
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise RecordError(f"bad time: {name} = {value!r}") from None


def _typed(record: dict[str, Any], name: str, kinds: tuple[type, ...]) -> Any:
    value = record.get(name)
    if value is None:
        return None
    if isinstance(value, bool) and bool not in kinds:
        raise RecordError(f"wrong type: {name} must be {kinds[0].__name__}, got bool")
    if not isinstance(value, kinds):
        raise RecordError(f"wrong type: {name} must be {kinds[0].__name__}, "
                          f"got {type(value).__name__}")
    if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
        raise RecordError(f"out of range: {name} = {value} does not fit in 64 bits")
    return value


def _strings(value: object) -> list[str]:
    """A free-form card value (string or list) as a list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def version_of(record: dict[str, Any], last_modified: datetime | None,
               raw: str | None = None) -> str:
    """A comparable version: ``lastModified``, then a digest of the record for a total order.

    The rules tag breaks ties, so the same record loaded again under newer normalization rules
    re-describes its model (a tag sorts after the digest that stood there before), while an older
    record never replaces a newer one. Records without ``lastModified`` sort before every dated
    record. ``raw`` (the record's JSON
    text, when there is one) is hashed instead of re-serializing the record.
    """
    text = raw if raw is not None else json.dumps(record, sort_keys=True, default=str)
    digest = hashlib.blake2b(text.strip().encode(), digest_size=8).hexdigest()
    when = last_modified.isoformat() if last_modified else _MISSING_VERSION
    return f"{when}|{RULES_TAG}|{digest}"


def split_base_model_tag(tag: str) -> tuple[str | None, str] | None:
    """``base_model:{relation}:{id}`` → (relation, id); ``base_model:{id}`` → (None, id)."""
    if not tag.startswith("base_model:"):
        return None
    rest = tag[len("base_model:"):]
    relation, sep, hub_id = rest.partition(":")
    if sep:
        return relation.strip().lower(), hub_id
    return None, rest


def model_type_of(config: dict[str, Any], tags: Iterable[str]) -> str | None:
    """``config.model_type``, else the first tag that is a known transformers model type."""
    declared = config.get("model_type")
    if isinstance(declared, str) and declared.strip():
        return declared.strip()
    for tag in tags:
        if tag.lower() in MODEL_TYPES:
            return tag.lower()
    return None


def quantized_name(model_id: str) -> bool:
    """True when the model's own name says it is quantized (``-GGUF``, ``-4bit``, ``Q4_K_M``)."""
    name = model_id.rsplit("/", 1)[-1]
    tokens = {t.lower() for t in _NAME_TOKENS.split(name)}
    return bool(tokens & QUANTIZED_NAME_TOKENS) or _QUANTIZED_NAME.search(name) is not None


def quantized_storage(model_id: str, tags: Iterable[str]) -> bool:
    """True when a tag or a part of the id carries a quantized-storage marker (``-GPTQ``,
    ``4bit``, ``bitsandbytes``): the model's parameter count is of packed storage."""
    marks = {t.lower().replace("-", "") for t in tags}
    marks.update(model_id.lower().replace("_", "-").replace(".", "-").split("-"))
    return not marks.isdisjoint(QUANTIZED_STORAGE_MARKERS)


def file_evidence(siblings: object) -> list[str]:
    """What a repo's file list proves: GGUF files, ``adapter_config.json``, a mergekit config."""
    found: set[str] = set()
    for sibling in siblings if isinstance(siblings, list) else []:
        name = sibling.get("rfilename") if isinstance(sibling, dict) else None
        if not isinstance(name, str):
            continue
        base = name.rsplit("/", 1)[-1].lower()
        if base.endswith(".gguf"):
            found.add("gguf")
        elif base == "adapter_config.json":
            found.add("adapter_config")
        elif base in {"mergekit_config.yml", "mergekit_config.yaml"}:
            found.add("mergekit")
    return sorted(found)


def card_hints(card: dict[str, Any]) -> list[str]:
    """Card fields other than ``base_model`` that may name a model's origin, as ``field=value``
    (at most 3 values a field, 200 characters a value)."""
    return [f"{name}={value.strip()[:200]}" for name in CARD_HINT_FIELDS
            for value in _strings(card.get(name))[:3] if value.strip()]


def infer_relation(n_parents: int, model_id: str, tags: Iterable[str], library: str | None,
                   *, quantization_config: bool = False, files: Iterable[str] = ()) -> str:
    """The relation of a parent whose relation nobody stated (see the module docstring)."""
    if n_parents > 1:
        return "merge"
    evidence = {t.lower() for t in tags} | ({library.lower()} if library else set())
    proven = {FILE_EVIDENCE[f] for f in files if f in FILE_EVIDENCE}
    if evidence & ADAPTER_EVIDENCE or "adapter" in proven:
        return "adapter"
    if (evidence & QUANTIZED_EVIDENCE or quantization_config or "quantized" in proven
            or quantized_name(model_id)):
        return "quantized"
    if "merge" in proven:
        return "merge"
    return "finetune"


UNKNOWN_RELATION = "unknown-relation: kept as relation 'unknown'"
NOT_TYPED = "not-in-typed-tags: the record's typed base_model tags define its parents"


@dataclass
class _Parents:
    """The parent rows of one child collected so far, and the parent values rejected."""

    child_key: str
    found: dict[str, Row] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    typed_only: bool = False  # typed tags were found: no other value adds a parent

    def add(self, raw: str, source: str, relation: str | None, origin: str) -> None:
        parsed = parse_id(raw)
        if parsed.id is None:
            self.issues.append(Issue(origin, raw, parsed.reason or "invalid-id"))
            return
        key = key_of(parsed.id)
        if key == self.child_key:
            self.issues.append(Issue(origin, raw, "self-reference"))
            return
        if self.typed_only and key not in self.found:
            self.issues.append(Issue(origin, raw, NOT_TYPED))
            return
        row = self.found.get(key)
        if row is None:
            self.found[key] = {"childKey": self.child_key, "parentKey": key,
                               "parentId": parsed.id, "source": source, "relation": relation}
        elif row["relation"] is None and relation is not None:
            row["relation"] = relation

    def known(self, relation: str, origin: str, raw: str) -> str:
        if relation in RELATIONS:
            return relation
        self.issues.append(Issue(origin, raw, UNKNOWN_RELATION))
        return "unknown"


def parents_of(model_id: str, tags: list[str], card: dict[str, Any], library: str | None,
               **evidence: Any) -> tuple[list[Row], list[Issue]]:
    """The DERIVED_FROM rows of a model and the parent values that were rejected.

    ``evidence`` goes to :func:`infer_relation` (``quantization_config``, ``files``).
    """
    parents = _Parents(key_of(model_id))
    typed = [(t, *(split_base_model_tag(t) or (None, "")))
             for t in tags if t.startswith("base_model:")]
    for tag, relation, hub_id in typed:
        if relation is not None:
            parents.add(hub_id, "tag", parents.known(relation, "tag", tag), "tag")
    parents.typed_only = bool(parents.found)
    for _, relation, hub_id in typed:
        if relation is None:
            parents.add(hub_id, "tag", None, "tag")
    card_relation = card.get("base_model_relation")
    stated = (parents.known(card_relation.strip().lower(), "cardData.base_model_relation",
                            card_relation)
              if isinstance(card_relation, str) and card_relation.strip() else None)
    base = card.get("base_model")
    if base is not None and not isinstance(base, str | list):
        parents.issues.append(Issue("cardData.base_model", base, "wrong-type"))
    for raw in _strings(base):
        parents.add(raw, "card", stated, "cardData.base_model")
    rows = list(parents.found.values())
    for row in rows:
        if row["relation"] is None:
            row["relation"] = infer_relation(len(rows), model_id, tags, library, **evidence)
            row["relationSource"] = "inferred"
        else:
            row["relationSource"] = "explicit"
    return rows, parents.issues


def _license(card: dict[str, Any], tags: list[str]) -> str | None:
    for value in _strings(card.get("license")):
        if value.strip():
            return value.strip().lower()
    for tag in tags:
        if tag.startswith("license:") and tag[8:].strip():
            return tag[8:].strip().lower()
    return None


def _datasets(model_key: str, tags: list[str], card: dict[str, Any]
              ) -> tuple[list[Row], list[Issue]]:
    raws = [(t[8:], "tag") for t in tags if t.startswith("dataset:")]
    raws += [(d, "cardData.datasets") for d in _strings(card.get("datasets"))]
    rows: dict[str, Row] = {}
    issues: list[Issue] = []
    for raw, origin in raws:
        if raw.strip().lower() in DATASET_PLACEHOLDERS:
            issues.append(Issue(origin, raw, "placeholder: a datasets builder name, not a dataset"))
            continue
        parsed = parse_id(raw, allow_ownerless=True)
        if parsed.id is None:
            issues.append(Issue(origin, raw, parsed.reason or "invalid-id"))
        else:
            rows.setdefault(key_of(parsed.id), {"modelKey": model_key, "key": key_of(parsed.id),
                                                "id": parsed.id})
    return list(rows.values()), issues


def _positive_int(value: object) -> int | None:
    return (value if isinstance(value, int) and not isinstance(value, bool)
            and 0 < value <= INT64_MAX else None)


def normalize_model(record: object, raw: str | None = None) -> ModelRows:
    """One Hub model record (and its JSON text, if any) as flat rows.

    Raises RecordError when the record cannot be loaded.
    """
    if not isinstance(record, dict):
        raise RecordError(f"wrong type: a record must be a JSON object, "
                          f"got {type(record).__name__}")
    raw_id = record.get("id", record.get("modelId"))
    if raw_id is None:
        raise RecordError("missing id")
    parsed = parse_id(raw_id, allow_ownerless=True)
    if parsed.id is None:
        raise RecordError(f"invalid model id {raw_id!r}: {parsed.reason}")
    model_id = parsed.id
    key = key_of(model_id)
    tags = _typed(record, "tags", (list,)) or []
    if not all(isinstance(t, str) for t in tags):
        raise RecordError("wrong type: tags must be a list of strings")
    config = _typed(record, "config", (dict,)) or {}
    card = _typed(record, "cardData", (dict,)) or {}
    safetensors = _typed(record, "safetensors", (dict,)) or {}
    library = _typed(record, "library_name", (str,))
    library = library.strip().lower() if library else None
    created = parse_time(record.get("createdAt"), "createdAt")
    modified = parse_time(record.get("lastModified"), "lastModified")
    gated = _typed(record, "gated", (bool, str))
    license_id = _license(card, tags)
    owner = owner_of(model_id)
    architectures = sorted({a.strip() for a in _strings(config.get("architectures")) if a.strip()})
    parameters = _positive_int(safetensors.get("total"))
    files = file_evidence(_typed(record, "siblings", (list,)))
    stated_size = name_parameters(model_id)
    model: Row = {
        "key": key, "id": model_id, "version": version_of(record, modified, raw),
        "author": owner or _typed(record, "author", (str,)),
        "orgKey": owner.lower() if owner else None, "orgName": owner,
        "createdAt": created, "lastModified": modified,
        "downloads": _typed(record, "downloads", (int,)),
        "likes": _typed(record, "likes", (int,)),
        "pipelineTag": _typed(record, "pipeline_tag", (str,)),
        "libraryName": library,
        "modelType": model_type_of(config, tags),
        "parameters": parameters,
        "nameParameters": stated_size,
        "fileEvidence": files or None,
        "cardHints": card_hints(card) or None,
        "gated": gated,
        "license": license_id,
        "tags": tags,
        "quantizedStorage": quantized_storage(model_id, tags),
        "hasArchitectures": bool(architectures),
    }
    out = ModelRows(model)
    out.architectures = [{"modelKey": key, "name": a} for a in architectures]
    if license_id:
        out.licenses = [{"modelKey": key, "id": license_id,
                         "category": license_category(license_id)}]
    out.datasets, dataset_issues = _datasets(key, tags, card)
    out.parents, parent_issues = parents_of(
        model_id, tags, card, library, files=files,
        quantization_config=bool(config.get("quantization_config")))
    out.issues = parent_issues + dataset_issues
    return out


def normalize_commit(record: object) -> list[CommitRow]:
    """One commit record (huggingface_hub's GitCommitInfo shape plus ``model``), per author."""
    if not isinstance(record, dict):
        raise RecordError(f"wrong type: a record must be a JSON object, "
                          f"got {type(record).__name__}")
    parsed = parse_id(record.get("model"), allow_ownerless=True)
    if parsed.id is None:
        raise RecordError(f"invalid model id {record.get('model')!r}: {parsed.reason}")
    commit_id = record.get("commit_id")
    if not isinstance(commit_id, str) or not commit_id.strip():
        raise RecordError("missing commit_id")
    authors = record.get("authors")
    if isinstance(authors, str):
        authors = [authors]
    if not isinstance(authors, list) or not authors or not all(
            isinstance(a, str) and a.strip() for a in authors):
        raise RecordError("wrong type: authors must be a non-empty list of names")
    created = parse_time(record.get("created_at"), "created_at")
    return [CommitRow(key_of(parsed.id), parsed.id, commit_id.strip(), a.strip(), created)
            for a in dict.fromkeys(authors)]
