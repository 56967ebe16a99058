"""The bulk path's worker pool: same records, rejects and CSV rows as the single process."""

from __future__ import annotations

import csv
import itertools
import json
import multiprocessing
from pathlib import Path

import psutil
import pytest

from hflineage.errors import BulkWorkerError
from hflineage.loader.normalize.rows import Rejected
from hflineage.loader.normalize.rules import ModelRows
from hflineage.loader.write import pool as pool_mod
from hflineage.loader.write.bulk import CsvTables, write_snapshot
from hflineage.loader.write.pool import Pool, Prepared, chunks, pooled_items
from hflineage.loader.write.run import LoadSummary, Rejects
from hflineage.synth import generate


def _model(i: int, modified: str = "2024-02-01T00:00:00.000Z") -> str:
    return json.dumps({"id": f"org{i % 7}/m{i}", "lastModified": modified,
                       "tags": ["transformers", f"dataset:d{i % 5}"],
                       "cardData": {"base_model": f"org0/m{i // 2}"}})


@pytest.fixture(scope="module")
def workers() -> pytest.FixtureRequest:
    with Pool(2) as p:
        yield p


def test_chunks_cover_the_file_and_count_lines(tmp_path: Path) -> None:
    f = tmp_path / "m.jsonl"
    f.write_bytes(b"".join(f"line {i}\n".encode() for i in range(1, 501)) + b"last")
    cs = list(chunks(f, 300))
    assert len(cs) > 5
    assert cs[0].start == 0 and cs[-1].end == f.stat().st_size
    assert all(a.end == b.start for a, b in itertools.pairwise(cs))
    for c in cs:
        data = f.read_bytes()[c.start:c.end]
        assert data.startswith(f"line {c.first_line}\n".encode()) or (
            c.first_line == 501 and data == b"last")


def test_rejects_keep_their_line_numbers_across_chunks(tmp_path: Path, workers: Pool) -> None:
    f = tmp_path / "models.jsonl"
    lines = [_model(i) for i in range(400)]
    bad = {1: "{not json", 77: "[1, 2]", 150: '{"id": 3}', 151: "{", 399: '{"x": NaN'}
    for n, text in bad.items():
        lines[n - 1] = text
    lines[200 - 1] = "   "  # a blank line: skipped, but counted in line numbers
    f.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\n")
    items = list(pooled_items(workers, "models", f, tmp_path / "frag", size=997))
    assert len(list(chunks(f, 997))) > 20
    rejected = {line: item for line, item in items if isinstance(item, Rejected)}
    assert sorted(rejected) == sorted(bad)
    assert all(r.line == n for n, r in rejected.items())
    assert rejected[77].raw == "[1, 2]" and rejected[151].raw == "{"
    assert "malformed JSON" in rejected[1].reason and "wrong type" in rejected[77].reason
    loaded = [(line, item) for line, item in items if isinstance(item, ModelRows)]
    assert len(items) == 399 == len(loaded) + len(rejected)
    assert all(isinstance(item, Prepared) and item.line == line for line, item in loaded)
    assert [line for line, _ in items] == [n for n in range(1, 401) if n != 200]
    assert dict(loaded)[2].model["id"] == "org1/m1"


def test_commit_items_come_back_in_file_order(tmp_path: Path, workers: Pool) -> None:
    f = tmp_path / "commits.jsonl"
    f.write_text("".join(json.dumps({"model": f"a/m{i}", "commit_id": f"c{i}", "authors": ["x"],
                                     "created_at": "2024-01-01T00:00:00Z"}) + "\n"
                         if i != 33 else "oops\n" for i in range(100)))
    items = list(pooled_items(workers, "commits", f, None, size=500))
    assert [line for line, _ in items] == list(range(1, 101))
    assert isinstance(items[33][1], Rejected) and items[33][1].line == 34
    assert items[0][1][0].model_id == "a/m0"  # type: ignore[index]


def _tables(folder: Path, snap: Path, p: Pool | None) -> tuple[dict[str, list[object]], bytes,
                                                               LoadSummary]:
    summary = LoadSummary("snapshot", "")
    sink = Rejects(folder / "rejects.jsonl")
    tables = CsvTables(folder / "csv", p)
    write_snapshot(tables, snap, "auto", summary, sink, 50, False)
    args = tables.finish()
    sink.close()
    files: dict[str, list[object]] = {}
    for arg in args:
        label, names = arg.split("=", 1)[1].split("=", 1)
        rows: list[list[str]] = []
        for name in names.split(","):
            with open(name, newline="", encoding="utf-8") as fh:
                rows += list(csv.reader(fh))
        files.setdefault(label, []).append((rows[0], sorted(map(tuple, rows[1:]))))
    rejects = (folder / "rejects.jsonl").read_bytes()
    return {k: sorted(v) for k, v in files.items()}, rejects, summary  # type: ignore[arg-type]


def test_pooled_tables_equal_the_single_process_ones(
        tmp_path: Path, workers: Pool, monkeypatch: pytest.MonkeyPatch) -> None:
    snap = tmp_path / "snap"
    info = generate(600, 5, snap, commit_share=0.3)
    assert info["dirty_duplicate_line"] and info["dirty_case_variant"]
    with (snap / "models.jsonl").open("a") as fh:  # newer records of earlier models, last chunk
        for line in (snap / "models.jsonl").read_text().splitlines()[:40:3]:
            record = json.loads(line)
            record["lastModified"] = "2030-01-01T00:00:00.000Z"
            record["tags"] = ["dataset:late/only"]
            fh.write(json.dumps(record) + "\n")
        fh.write("{broken\n")
    monkeypatch.setattr(pool_mod, "CHUNK_BYTES", 20_000)
    one, one_rejects, one_sum = _tables(tmp_path / "one", snap, None)
    many, many_rejects, many_sum = _tables(tmp_path / "many", snap, workers)
    assert many == one
    assert many_rejects == one_rejects and b'"reason": "malformed JSON' in many_rejects
    non_blank = sum(1 for name in ("models.jsonl", "commits.jsonl")
                    for line in (snap / name).read_text().splitlines() if line.strip())
    assert many_sum.records_in == non_blank == many_sum.loaded + many_sum.rejected
    assert (many_sum.records_in, many_sum.rejected, many_sum.issues) == (
        one_sum.records_in, one_sum.rejected, one_sum.issues)
    datasets = [r for _, rows in many["Dataset"] for r in rows]
    assert ("late/only", "late/only") in datasets


def _boom(n: int) -> int:
    raise RuntimeError(f"boom {n}\nsecond line")


def test_a_worker_error_is_one_line_and_leaves_no_process() -> None:
    before = {proc.pid for proc in multiprocessing.active_children()}
    with pytest.raises(BulkWorkerError) as failed, Pool(2) as p:
        pids = {proc.pid for proc in multiprocessing.active_children()} - before
        list(p.ordered(_boom, iter([(1,), (2,)])))
    assert str(failed.value) == "a bulk-load worker failed: RuntimeError: boom 1"
    assert len(pids) == 2
    assert {proc.pid for proc in multiprocessing.active_children()} <= before
    assert not [pid for pid in pids if psutil.pid_exists(pid)
                and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
