"""models.parquet as a snapshot source: rows become the records their JSON lines would be."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from hflineage.cli import cli
from hflineage.errors import InputError
from hflineage.loader.normalize.rows import Rejected, model_rows
from hflineage.loader.normalize.rules import ModelRows
from hflineage.loader.sources import parquet as source
from hflineage.loader.sources.snapshot import snapshot_stages
from hflineage.synth import generate
from tests.support.paths import FIXTURES

RECORDS = FIXTURES / "loader" / "parquet-models.jsonl"
NESTED = ("config", "cardData", "safetensors", "siblings")


def _lines() -> list[str]:
    return RECORDS.read_text(encoding="utf-8").splitlines()


def _records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in _lines()]


def _table(records: list[dict[str, Any]], *, json_text: bool) -> pa.Table:
    """The records as columns (first-seen key order): nested ones as structs or JSON text,
    ``gated`` as text (``false``, ``manual``), the rest as pyarrow infers them."""
    names = list(dict.fromkeys(k for r in records for k in r))
    columns = {}
    for name in names:
        values = [r.get(name) for r in records]
        if name in NESTED and json_text:
            values = [None if v is None else json.dumps(v) for v in values]
        elif name == "gated":
            values = [None if v is None else str(v).lower() for v in values]
        columns[name] = pa.array(values)
    return pa.table(columns)


def _write(path: Path, table: pa.Table, **kwargs: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, **kwargs)
    return path


def _items(path: Path) -> list[tuple[int, Any]]:
    [stage] = snapshot_stages(path)
    return list(stage.items)


def _read(path: Path) -> list[dict[str, Any] | Rejected]:
    return list(source.parquet_records(pq.ParquetFile(path)))


def test_struct_and_json_text_columns_give_the_jsonl_records(tmp_path: Path) -> None:
    records = _records()
    structs = _write(tmp_path / "s" / "models.parquet", _table(records, json_text=False))
    texts = _write(tmp_path / "t" / "models.parquet", _table(records, json_text=True))
    schema = pq.read_schema(structs)
    assert pa.types.is_struct(schema.field("config").type)
    assert pa.types.is_list(schema.field("siblings").type)
    assert pa.types.is_string(pq.read_schema(texts).field("config").type)
    # struct unification gave rows nulls where they lack a field; they are dropped again
    raw = pq.read_table(structs).column("siblings").to_pylist()
    assert raw[0][0] == {"rfilename": "config.json", "size": None}
    assert _read(structs) == records
    assert _read(texts) == records


def test_rows_normalize_like_the_jsonl_lines_but_for_the_version_digest(tmp_path: Path) -> None:
    path = _write(tmp_path / "models.parquet", _table(_records(), json_text=False))
    from_lines = list(model_rows(_lines()))
    from_rows = _items(path)
    assert [line for line, _ in from_rows] == [1, 2, 3, 4, 5]
    assert len(from_rows) == len(from_lines)
    for (_, want), (_, got) in zip(from_lines, from_rows, strict=True):
        assert isinstance(want, ModelRows) and isinstance(got, ModelRows)
        assert got.parents == want.parents and got.architectures == want.architectures
        assert got.licenses == want.licenses and got.datasets == want.datasets
        when, rules, _digest = want.model["version"].split("|")
        assert got.model["version"].split("|")[:2] == [when, rules]
        assert {**got.model, "version": None} == {**want.model, "version": None}
    assert sum(len(r.parents) for _, r in from_rows if isinstance(r, ModelRows)) == 3


def test_the_version_digest_is_that_of_the_sorted_record(tmp_path: Path) -> None:
    """A row has no JSON line: its digest hashes the record (stable across reruns)."""
    path = _write(tmp_path / "models.parquet", _table(_records()[:1], json_text=True))
    [(_, first)] = _items(path)
    [(_, again)] = _items(path)
    assert isinstance(first, ModelRows) and isinstance(again, ModelRows)
    assert first.model["version"] == again.model["version"]
    assert first.model["version"].startswith("2023-06-01T11:30:00.500000+00:00|")


@pytest.mark.parametrize(("unit", "tz"), [("s", None), ("ms", "UTC"), ("us", "Europe/Paris"),
                                          ("ns", None), ("us", "+05:30")])
def test_timestamps_become_hub_time_text(tmp_path: Path, unit: str, tz: str | None) -> None:
    when = datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    naive = when.replace(tzinfo=None)
    stamps = pa.array([naive if tz is None else when, None], type=pa.timestamp(unit, tz=tz))
    table = pa.table({"id": ["a/x", "a/y"], "createdAt": stamps,
                      "lastModified": ["2024-05-06T07:08:09.010Z", None]})
    got = _read(_write(tmp_path / "models.parquet", table))
    fraction = {"s": ".000", "ms": ".678", "us": ".678901", "ns": ".678901"}[unit]
    assert got == [{"id": "a/x", "createdAt": f"2024-01-02T03:04:05{fraction}Z",
                    "lastModified": "2024-05-06T07:08:09.010Z"},
                   {"id": "a/y"}]


def test_nested_timestamps_dates_and_maps_become_plain_values(tmp_path: Path) -> None:
    card = pa.array([{"released": datetime(2024, 1, 2, 3, 4, 5), "day": datetime(2024, 1, 2).date(),
                      "extra": None}],
                    type=pa.struct([("released", pa.timestamp("ms")), ("day", pa.date32()),
                                    ("extra", pa.string())]))
    config = pa.array([[("model_type", "llama"), ("torch_dtype", None)]],
                      type=pa.map_(pa.string(), pa.string()))
    table = pa.table({"id": ["a/x"], "cardData": card, "config": config,
                      "createdAt": pa.array([datetime(2024, 3, 4).date()], type=pa.date32())})
    assert _read(_write(tmp_path / "models.parquet", table)) == [{
        "id": "a/x", "cardData": {"released": "2024-01-02T03:04:05.000Z", "day": "2024-01-02"},
        "config": {"model_type": "llama"}, "createdAt": "2024-03-04"}]


def test_gated_text_and_float_counts_take_their_json_types(tmp_path: Path) -> None:
    table = pa.table({"id": ["a/x", "a/y", "a/z"], "gated": ["False", "manual", None],
                      "downloads": pa.array([3.0, None, 2.5]), "likes": pa.array([1.0, 0.0, None])})
    got = _read(_write(tmp_path / "models.parquet", table))
    assert got == [{"id": "a/x", "gated": False, "downloads": 3, "likes": 1},
                   {"id": "a/y", "gated": "manual", "likes": 0},
                   {"id": "a/z", "downloads": 2.5}]
    assert type(got[0]["downloads"]) is int  # type: ignore[index]
    items = _items(tmp_path / "models.parquet")
    assert isinstance(items[2][1], Rejected)
    assert items[2][1].reason == "wrong type: downloads must be int, got float"


def test_a_row_without_id_is_rejected_with_its_row_number(tmp_path: Path) -> None:
    table = pa.table({"id": ["a/x", None, "a/z"], "likes": [1, 2, 3],
                      "createdAt": pa.array([None, datetime(2024, 1, 2, tzinfo=UTC), None],
                                            type=pa.timestamp("ms", tz="UTC"))})
    items = _items(_write(tmp_path / "models.parquet", table))
    assert [line for line, _ in items] == [1, 2, 3]
    rejected = items[1][1]
    assert rejected == Rejected(2, "missing id",
                                {"likes": 2, "createdAt": "2024-01-02T00:00:00.000Z"})
    assert json.loads(json.dumps(rejected.raw)) == rejected.raw
    assert [item.model["id"] for _, item in items if isinstance(item, ModelRows)] == ["a/x", "a/z"]


def test_malformed_json_text_is_rejected_and_the_next_row_loads(tmp_path: Path) -> None:
    table = pa.table({"id": ["a/x", "a/y", "a/z"],
                      "cardData": ['{"license": "mit"', '{"base_model": "a/x"}', "  "]})
    items = _items(_write(tmp_path / "models.parquet", table))
    bad = items[0][1]
    assert isinstance(bad, Rejected) and bad.line == 1
    assert bad.reason.startswith("malformed JSON in cardData: ")
    assert bad.raw == {"id": "a/x", "cardData": '{"license": "mit"'}
    child = items[1][1]
    assert isinstance(child, ModelRows) and [p["parentKey"] for p in child.parents] == ["a/x"]
    blank = items[2][1]
    assert isinstance(blank, ModelRows) and blank.parents == []


def test_tags_are_a_list_of_strings(tmp_path: Path) -> None:
    table = pa.table({"id": ["a/x", "a/y", "a/z"],
                      "tags": [["transformers", "base_model:finetune:b/c"], [], ["x", None]]})
    items = _items(_write(tmp_path / "models.parquet", table))
    first, empty, bad = (item for _, item in items)
    assert isinstance(first, ModelRows) and first.model["tags"] == ["transformers",
                                                                    "base_model:finetune:b/c"]
    assert [p["parentKey"] for p in first.parents] == ["b/c"]
    assert isinstance(empty, ModelRows) and empty.model["tags"] == []
    assert isinstance(bad, Rejected) and bad.reason == "wrong type: tags must be a list of strings"


def test_both_models_files_in_a_folder_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path / "models.parquet", pa.table({"id": ["a/x"]}))
    (tmp_path / "models.jsonl").write_text('{"id": "a/x"}\n')
    with pytest.raises(InputError, match=r"both models\.jsonl and models\.parquet") as e:
        snapshot_stages(tmp_path)
    assert "\n" not in str(e.value)


def test_a_folder_with_models_parquet_and_commits(tmp_path: Path) -> None:
    _write(tmp_path / "models.parquet", pa.table({"id": ["a/x", "a/y"]}))
    (tmp_path / "commits.jsonl").write_text(json.dumps(
        {"model": "a/x", "commit_id": "c1", "authors": ["bob"],
         "created_at": "2024-01-01T00:00:00Z"}) + "\n")
    stages = snapshot_stages(tmp_path)
    assert [(s.where, s.kind, s.total) for s in stages] == [
        ("models.parquet", "models", 2), ("commits.jsonl", "commits", 1)]


@pytest.mark.parametrize("content", [b"", b"PAR1 not really", b'{"id": "a/x"}\n'])
def test_a_file_that_is_not_parquet_is_a_one_line_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "models.parquet"
    path.write_bytes(content)
    for target in (path, tmp_path):
        with pytest.raises(InputError, match="is not a Parquet file") as e:
            snapshot_stages(target)
        assert "\n" not in str(e.value)


def test_a_file_without_an_id_column_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "models.parquet", pa.table({"name": ["a/x"], "likes": [1]}))
    with pytest.raises(InputError, match=r"has no id column \(columns: name, likes\)"):
        snapshot_stages(path)


def test_commits_are_not_read_from_parquet(tmp_path: Path) -> None:
    path = _write(tmp_path / "commits.parquet", pa.table({"id": ["a/x"]}))
    with pytest.raises(InputError, match="commits are read from JSON lines"):
        snapshot_stages(path)


def test_row_groups_are_streamed_a_batch_at_a_time(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [f"org/m{i:03d}" for i in range(23)]
    path = _write(tmp_path / "models.parquet",
                  pa.table({"id": ids, "likes": list(range(23))}), row_group_size=5)
    assert pq.ParquetFile(path).metadata.num_row_groups == 5
    pulled: list[int] = []
    original = pq.ParquetFile.iter_batches

    def counting(self: pq.ParquetFile, *args: Any, **kwargs: Any) -> Iterator[pa.RecordBatch]:
        pulled.append(kwargs["batch_size"])
        for batch in original(self, *args, **kwargs):
            pulled.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", counting)
    monkeypatch.setattr(source, "BATCH_ROWS", 4)
    [stage] = snapshot_stages(path)
    assert stage.total == 23 and pulled == []
    first = next(stage.items)
    assert first[0] == 1 and pulled == [4, 4]  # the batch size asked for, one batch read
    rest = list(stage.items)
    assert sum(pulled[1:]) == 23 and max(pulled[1:]) <= 4
    got = [first, *rest]
    assert [line for line, _ in got] == list(range(1, 24))
    assert [item.model["id"] for _, item in got if isinstance(item, ModelRows)] == ids


def test_synth_parquet_holds_the_jsonl_records_but_truncated_lines(tmp_path: Path) -> None:
    as_lines = generate(2000, 9, tmp_path / "jsonl", commit_share=0.0)
    result = CliRunner().invoke(cli, ["synth", "--models", "2000", "--seed", "9",
                                      "--commit-share", "0", "--format", "parquet",
                                      "--out", str(tmp_path / "pq")])
    assert result.exit_code == 0, result.output
    assert "model rows" in result.output
    as_rows = json.loads((tmp_path / "pq" / "synth.json").read_text())
    assert not (tmp_path / "pq" / "models.jsonl").exists()
    good, truncated = [], 0
    for line in (tmp_path / "jsonl" / "models.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            good.append(json.loads(line))
        except json.JSONDecodeError:
            truncated += 1
    assert truncated == as_lines["dirty_truncated_line"] == 2
    assert as_rows["unrepresentable_truncated_line"] == 2
    assert "dirty_truncated_line" not in as_rows and as_rows["models_format"] == "parquet"
    pf = pq.ParquetFile(tmp_path / "pq" / "models.parquet")
    assert pf.metadata.num_rows == as_rows["model_lines"] == as_lines["model_lines"] - 2
    assert list(source.parquet_records(pf)) == good
    same = {k: v for k, v in as_rows.items()
            if k not in ("models_format", "unrepresentable_truncated_line", "model_lines")}
    assert same == {k: v for k, v in as_lines.items()
                    if k not in ("dirty_truncated_line", "model_lines")}
    generate(50, 9, tmp_path / "pq", commit_share=0.0)  # back to JSONL: no stale Parquet left
    assert not (tmp_path / "pq" / "models.parquet").exists()


def test_a_file_unreadable_part_way_is_one_line_error(tmp_path: Path) -> None:
    ids = [f"org/m{i}" for i in range(15_000)]
    path = tmp_path / "models.parquet"
    pq.write_table(pa.table({"id": ids, "cardData": ["{}"] * 15_000}), path,
                   row_group_size=5_000, compression="none")
    meta = pq.ParquetFile(path).metadata
    third = meta.row_group(2).column(1).data_page_offset
    data = bytearray(path.read_bytes())
    data[third:third + 16] = b"\x0e" * 16  # the page header of row group 3
    path.write_bytes(bytes(data))
    [stage] = snapshot_stages(path)
    seen: list[int] = []
    with pytest.raises(InputError) as failed:
        for line, _ in stage.items:
            seen.append(line)
    message = str(failed.value)
    assert message.isprintable() and str(path) in message
    assert "unreadable after row 8,192" in message  # batches of 4,096: the third reaches group 3
    assert seen == list(range(1, 8_193))
