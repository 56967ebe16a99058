"""Snapshot files as stages: ``models.jsonl`` (Hub-shaped JSON lines) or ``models.parquet``
(one model a row, see :mod:`hflineage.loader.sources.parquet`), and ``commits.jsonl``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hflineage.errors import InputError
from hflineage.loader.normalize.ids import is_hub_username
from hflineage.loader.normalize.rows import JSON_SPACE, Item, Stage, commit_rows, model_rows
from hflineage.loader.normalize.vocab import CONTRIBUTOR_KINDS
from hflineage.loader.sources.parquet import is_parquet, open_parquet, parquet_stage


def read_lines(path: Path) -> Iterator[str]:
    """The ``\\n``-terminated lines of a UTF-8 file (a leading BOM dropped), streamed;
    undecodable bytes become U+FFFD (and fail parsing). A bare ``\\r`` ends no line, so line
    numbers match the file's."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="\n") as fh:
        yield from fh


def count_lines(path: Path) -> int:
    """Non-blank lines, counted fast, for the progress bar."""
    n = 0
    with path.open("rb") as fh:
        for line in fh:
            n += bool(line.strip(JSON_SPACE.encode()))
    return n


def detect_contributor_kind(path: Path) -> str:
    """``git`` when most distinct commit authors cannot be Hub usernames (display names have
    spaces), else ``hub``."""
    names = {c.author for _, item in commit_rows(read_lines(path)) if isinstance(item, list)
             for c in item}
    not_users = sum(not is_hub_username(n) for n in names)
    return "git" if names and not_users * 2 > len(names) else "hub"


def snapshot_files(path: Path) -> list[Path]:
    """The files of a snapshot, checked (a Parquet file is opened): ``path`` itself, or
    ``models.jsonl`` (or ``models.parquet``) then ``commits.jsonl``; InputError otherwise."""
    path = Path(path)
    if path.is_dir():
        jsonl, parquet = path / "models.jsonl", path / "models.parquet"
        if jsonl.exists() and parquet.exists():
            raise InputError(f"{path} holds both models.jsonl and models.parquet: "
                             "keep one of them")
        files = [p for p in (jsonl, parquet, path / "commits.jsonl") if p.exists()]
        if not files:
            raise InputError(f"{path} has neither models.jsonl, models.parquet nor commits.jsonl")
    elif path.is_file():
        files = [path]
    else:
        raise InputError(f"no such file or folder: {path}")
    for f in files:
        if is_parquet(f):
            open_parquet(f)
    return files


def snapshot_stages(path: Path, contributor_kind: str = "auto") -> list[Stage]:
    """The files of a snapshot (:func:`snapshot_files`) as stages. A Parquet file is opened and
    checked here, before any stage runs."""
    files = snapshot_files(path)
    stages = []
    for f in files:
        if is_parquet(f):
            stages.append(parquet_stage(f))
            continue
        kind = "commits" if f.name.startswith("commits") else "models"
        items: Iterator[Item] = (model_rows(read_lines(f)) if kind == "models"
                                 else commit_rows(read_lines(f)))
        stage = Stage(f.name, kind, items, count_lines(f))
        if kind == "commits":
            stage.contributor_kind = (detect_contributor_kind(f) if contributor_kind == "auto"
                                      else checked_kind(contributor_kind))
        stages.append(stage)
    return stages


def checked_kind(kind: str) -> str:
    """``kind`` when it is a contributor kind; InputError otherwise."""
    if kind not in CONTRIBUTOR_KINDS:
        raise InputError(f"contributor kind must be one of {', '.join(CONTRIBUTOR_KINDS)} or auto, "
                         f"got {kind!r}")
    return kind
