"""Hub repo ids: validation, URL reduction and the reasons a value is not an id.

Rules (also in the README's "Loading data"):

- surrounding whitespace and trailing ``/`` are stripped (Model Atlas writes ``owner/name/``);
- ``https://huggingface.co/<id>`` (also ``hf.co``, ``www.``, no scheme, ``/tree/...`` suffixes)
  is reduced to ``<id>``; other URLs, and Hub URLs of datasets or spaces, are rejected;
- placeholders (``unknown``, ``none``, ``null``, ``n/a``, empty, ...) and local paths are rejected;
- an id must pass huggingface_hub's repo-id rules (ASCII letters, digits, ``-_.``, at most one
  ``/``, 96 characters per part, no ``--`` or ``..``, no leading or trailing ``-``/``.``);
- an owner-less id is a parent only when it is one of the Hub's legacy canonical repos
  (``gpt2``, ``bert-base-uncased``, ...); ``mistral-7b`` is a name, not a Hub id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from hflineage.loader.normalize.vocab import CANONICAL_IDS, PLACEHOLDERS

_PART = r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,94}[A-Za-z0-9_])?"
_REPO_ID = re.compile(rf"(?:{_PART}/)?{_PART}", re.ASCII)
_HUB_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})
_NOT_MODELS = frozenset({"datasets", "spaces", "docs", "blog", "collections", "papers", "api"})
_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]")


@dataclass(frozen=True)
class ParsedId:
    """An id, or the reason the raw value is not one."""

    id: str | None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.id is not None


def is_repo_id(value: str) -> bool:
    """True when ``value`` is syntactically a Hub repo id (``name`` or ``owner/name``)."""
    return (_REPO_ID.fullmatch(value) is not None and "--" not in value and ".." not in value
            and not value.endswith(".git"))


def is_hub_username(name: str) -> bool:
    """True when ``name`` could be a Hub username (a git display name like ``Jane Doe`` cannot)."""
    return "/" not in name and is_repo_id(name)


def key_of(hub_id: str) -> str:
    """The case-folded key under which a Hub id is unique."""
    return hub_id.lower()


def owner_of(hub_id: str) -> str | None:
    """The namespace of ``owner/name``; None for owner-less canonical ids."""
    return hub_id.split("/", 1)[0] if "/" in hub_id else None


def _from_url(value: str) -> ParsedId:
    parts = urlsplit(value if "://" in value else f"https://{value}")
    if parts.hostname not in _HUB_HOSTS:
        return ParsedId(None, "non-hub-url")
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return ParsedId(None, "non-hub-url")
    if segments[0] in _NOT_MODELS:
        return ParsedId(None, "non-model-hub-url")
    return parse_id("/".join(segments[:2]))


def parse_id(raw: object, *, allow_ownerless: bool = False) -> ParsedId:
    """Validate one id, reducing Hub URLs; ``allow_ownerless`` accepts any owner-less name."""
    if not isinstance(raw, str):
        return ParsedId(None, f"not-a-string ({type(raw).__name__})")
    value = raw.strip().rstrip("/").strip()
    if value.lower() in PLACEHOLDERS:
        return ParsedId(None, "placeholder")
    lower = value.lower()
    if lower.startswith(("http://", "https://", "huggingface.co/", "hf.co/", "www.")):
        return _from_url(value)
    reason = _rejection(value, allow_ownerless=allow_ownerless)
    return ParsedId(value) if reason is None else ParsedId(None, reason)


def _rejection(value: str, *, allow_ownerless: bool) -> str | None:
    """Why a stripped, non-placeholder, non-Hub-URL value is not an id; None when it is one."""
    if "://" in value:
        return "non-hub-url"
    if (value.startswith(("/", "./", "../", "~", ".\\")) or "\\" in value
            or _WINDOWS_PATH.match(value)):
        return "local-path"
    if not is_repo_id(value):
        return "invalid-id"
    if "/" not in value and not allow_ownerless and value.lower() not in CANONICAL_IDS:
        return "ownerless-id"
    return None
