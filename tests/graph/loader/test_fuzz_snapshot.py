"""Snapshot fuzzing: hostile models.jsonl and commits.jsonl lines, loaded into the real Neo4j.

Every non-blank line ends either loaded (its model or commit is in the graph) or in the rejects
file with a reason and its raw text, ``records_in == loaded + rejected``, and the load neither
crashes nor hangs. Loads go through the library function to keep each example fast.
"""

from __future__ import annotations

import contextlib
import json
import signal
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hflineage.db.schema import init_schema, wipe_database
from hflineage.loader import load_model_records, load_snapshot
from hflineage.loader.normalize.ids import key_of, parse_id

EXAMPLES = 12
SLOW_EXAMPLES = 150
HANG_SECONDS = 300
FUZZED: dict[str, int] = {"examples": 0, "records": 0}

# Text with everything JSON can carry: control characters, lone surrogates, RTL marks, emoji.
any_char = st.characters(codec=None, exclude_categories=())
wild_text = st.text(any_char, max_size=30) | st.sampled_from([
    "'}) DETACH DELETE n //", "`x`", "<script>alert(1)</script>", "\x00", "\u202e", "\ud800",
    "\ufeff", "NaN", "null", "", " ", "unknown", "../../etc/passwd", "C:\\models\\x"])
_EDGE = string.ascii_letters + string.digits
good_part = st.text(_EDGE, min_size=1, max_size=12)
good_id = st.builds(lambda o, n: f"{o}/{n}", good_part, good_part)
bad_id = st.one_of(
    wild_text,
    st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
    st.lists(good_id, max_size=3), st.dictionaries(st.text(max_size=5), good_id, max_size=2),
    st.integers(97, 20_000).map(lambda n: "a" * n),
    st.integers(97, 2_000).map(lambda n: f"org/{'b' * n}"),
    good_id.map(lambda i: f"https://huggingface.co/{i}"),
    good_id.map(lambda i: f"https://example.com/{i}"),
    good_id.map(lambda i: f"{i}/extra/parts"),
    good_id.map(lambda i: i.upper()),
)
model_id = st.one_of(good_id, good_id, bad_id)
times = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00",
                     "2024-02-30T00:00:00Z", "2024-01-01", "yesterday", ""]),
    st.integers(), st.floats(allow_nan=True), st.none(),
)
numbers = st.one_of(st.integers(-10, 10**6), st.integers(), st.integers(2**63 - 2, 2**80),
                    st.floats(allow_nan=True, allow_infinity=True), wild_text, st.none())
scalar = st.none() | st.booleans() | numbers | wild_text
json_value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(wild_text, inner, max_size=4), max_leaves=12)
tags = st.one_of(
    st.lists(st.one_of(wild_text, model_id.map(lambda i: f"base_model:{i}"),
                       st.tuples(st.sampled_from(["finetune", "adapter", "quantized", "merge",
                                                  "distill", "'}) //"]), good_id)
                       .map(lambda t: f"base_model:{t[0]}:{t[1]}"),
                       good_id.map(lambda i: f"dataset:{i}"),
                       wild_text.map(lambda t: f"license:{t}")),
             max_size=8),
    json_value,
)
base_model = st.one_of(model_id, st.lists(model_id, max_size=6),
                       st.integers(1_000, 3_000).map(lambda n: [f"base{i}/m{i}" for i in range(n)]),
                       json_value)
card = st.fixed_dictionaries({}, optional={
    "base_model": base_model, "base_model_relation": st.one_of(wild_text, json_value),
    "license": st.one_of(wild_text, json_value), "datasets": st.one_of(wild_text, json_value)})
config = st.fixed_dictionaries({}, optional={
    "architectures": st.one_of(st.lists(wild_text, max_size=3), json_value),
    "model_type": st.one_of(wild_text, json_value)})
model_record = st.fixed_dictionaries({}, optional={
    "id": model_id, "modelId": model_id, "author": st.one_of(wild_text, json_value),
    "tags": tags, "cardData": st.one_of(card, json_value), "config": st.one_of(config, json_value),
    "safetensors": st.one_of(st.fixed_dictionaries({"total": numbers}), json_value),
    "downloads": numbers, "likes": numbers, "lastModified": times, "createdAt": times,
    "gated": st.one_of(st.booleans(), wild_text, json_value), "pipeline_tag": wild_text,
    "library_name": st.one_of(wild_text, json_value),
})
commit_record = st.fixed_dictionaries({}, optional={
    "model": model_id, "commit_id": st.one_of(st.text(_EDGE, min_size=1, max_size=40), bad_id),
    "authors": st.one_of(st.lists(wild_text, max_size=4), wild_text, json_value,
                         st.integers(1_000, 2_000).map(lambda n: [f"user{i}" for i in range(n)])),
    "created_at": times, "title": wild_text,
})


def _deep(depth: int) -> str:
    return '{"id": "deep/nest", "config": ' + "[" * depth + "]" * depth + "}"


def as_lines(record: st.SearchStrategy[Any]) -> st.SearchStrategy[str]:
    """One JSON line per record, or a line that is not one: truncated, deep, NaN, garbage."""
    dumped = st.tuples(record, st.booleans()).map(
        lambda r: json.dumps(r[0], ensure_ascii=r[1], allow_nan=True))
    return st.one_of(
        dumped, dumped, dumped,
        st.tuples(dumped, st.floats(0.1, 0.9)).map(lambda t: t[0][: int(len(t[0]) * t[1])]),
        st.sampled_from([10, 900, 5_000, 200_000]).map(_deep),
        json_value.map(lambda v: json.dumps(v, allow_nan=True)),
        st.text(any_char.filter(lambda c: c not in "\n\r"), min_size=1, max_size=40),
        st.just('{"id": NaN, "downloads": Infinity}'),
    )


@pytest.fixture(scope="module", autouse=True)
def _report_counts() -> Iterator[None]:
    """Print how many records were fuzzed (shown with ``pytest -s``)."""
    yield
    print(f"\nfuzzed {FUZZED['records']:,} records in {FUZZED['examples']:,} loads")


@contextlib.contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail instead of hanging."""
    def alarm(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"the load did not finish within {seconds}s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _write(path: Path, lines: list[str]) -> list[int]:
    """Write the lines; return the numbers of those that are records (not blank)."""
    with path.open("w", encoding="utf-8", errors="surrogatepass", newline="") as fh:
        fh.writelines(line + "\n" for line in lines)
    return [n for n, line in enumerate(lines, start=1) if line.strip(" \t\r")]


def _model_key(line: str | dict[str, Any]) -> str:
    record = json.loads(line) if isinstance(line, str) else line
    raw = record.get("id", record.get("modelId"))
    parsed = parse_id(raw, allow_ownerless=True)
    assert parsed.id is not None, f"a line with an invalid id was loaded: {line[:200]!r}"
    return key_of(parsed.id)


def _models_present(driver: neo4j.Driver, database: str, keys: list[str]) -> set[str]:
    records, _, _ = driver.execute_query(
        "UNWIND $keys AS k MATCH (m:Model {key: k}) WHERE NOT coalesce(m.stub, false) "
        "RETURN collect(m.key) AS found", {"keys": keys}, database_=database)
    return set(records[0]["found"])


def _commits_present(driver: neo4j.Driver, database: str, pairs: list[list[str]]) -> int:
    records, _, _ = driver.execute_query(
        "UNWIND $pairs AS p MATCH (:Contributor)-[r:COMMITTED_TO]->(:Model {key: p[0]}) "
        "WHERE p[1] IN r.commitIds RETURN count(DISTINCT p) AS n", {"pairs": pairs},
        database_=database)
    return int(records[0]["n"])


def _entries(rejects: Path) -> list[dict[str, Any]]:
    text = rejects.read_text(encoding="utf-8") if rejects.exists() else ""
    return [json.loads(x) for x in text.split("\n") if x]


def check_load(driver: neo4j.Driver, database: str, tmp: Path, models: list[str],
               commits: list[str], batch_size: int) -> None:
    wipe_database(driver, database)
    init_schema(driver, database)
    snapshot = tmp / "snapshot"
    snapshot.mkdir(exist_ok=True)
    expected = {"models.jsonl": _write(snapshot / "models.jsonl", models),
                "commits.jsonl": _write(snapshot / "commits.jsonl", commits)}
    rejects = tmp / "rejects.jsonl"
    rejects.unlink(missing_ok=True)
    with within(HANG_SECONDS):
        summary = load_snapshot(driver, snapshot, database=database, rejects=rejects,
                                batch_size=batch_size)
    total = sum(len(v) for v in expected.values())
    assert summary.records_in == total == summary.loaded + summary.rejected

    entries = _entries(rejects)
    rejected = {(e["file"], e["line"]) for e in entries if e["kind"] == "record"}
    assert len(rejected) == summary.rejected == sum(e["kind"] == "record" for e in entries)
    for e in entries:
        assert isinstance(e["reason"], str) and e["reason"].strip()
    by_file = {"models.jsonl": models, "commits.jsonl": commits}
    for e in entries:
        if e["kind"] == "record":
            assert e["line"] in expected[e["file"]]

    loaded_models = [models[n - 1] for n in expected["models.jsonl"]
                     if ("models.jsonl", n) not in rejected]
    keys = sorted({_model_key(line) for line in loaded_models})
    assert _models_present(driver, database, keys) == set(keys)
    pairs = []
    for n in expected["commits.jsonl"]:
        if ("commits.jsonl", n) not in rejected:
            record = json.loads(by_file["commits.jsonl"][n - 1])
            parsed = parse_id(record["model"], allow_ownerless=True)
            assert parsed.id is not None
            pairs.append([key_of(parsed.id), record["commit_id"].strip()])
    unique_pairs = [list(p) for p in sorted({tuple(p) for p in pairs})]
    assert _commits_present(driver, database, unique_pairs) == len(unique_pairs)
    FUZZED["examples"] += 1
    FUZZED["records"] += total


def _fuzz(examples: int) -> Any:
    return settings(max_examples=examples, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example])


files = st.tuples(st.lists(as_lines(model_record), min_size=1, max_size=30),
                  st.lists(as_lines(commit_record), min_size=1, max_size=30),
                  st.integers(1, 40))


@_fuzz(EXAMPLES)
@given(files)
def test_fuzzed_snapshot_lines_end_loaded_or_rejected(
        graph: neo4j.Driver, database: str, tmp_path: Path,
        data: tuple[list[str], list[str], int]) -> None:
    check_load(graph, database, tmp_path, *data)


@pytest.mark.slow
@_fuzz(SLOW_EXAMPLES)
@given(files)
def test_fuzzed_snapshot_lines_end_loaded_or_rejected_slow(
        graph: neo4j.Driver, database: str, tmp_path: Path,
        data: tuple[list[str], list[str], int]) -> None:
    check_load(graph, database, tmp_path, *data)


@_fuzz(EXAMPLES)
@given(st.lists(model_record, min_size=1, max_size=30), st.integers(1, 40))
def test_fuzzed_hub_records_end_loaded_or_rejected(graph: neo4j.Driver, database: str,
                                                   tmp_path: Path, records: list[dict[str, Any]],
                                                   batch_size: int) -> None:
    """The live Hub's path: records arrive as dicts (huggingface_hub parsed the JSON)."""
    wipe_database(graph, database)
    init_schema(graph, database)
    rejects = tmp_path / "hub-rejects.jsonl"
    rejects.unlink(missing_ok=True)
    with within(HANG_SECONDS):
        summary = load_model_records(graph, records, source="hub", database=database,
                                     rejects=rejects, batch_size=batch_size)
    assert summary.records_in == len(records) == summary.loaded + summary.rejected
    rejected = {e["line"] for e in _entries(rejects) if e["kind"] == "record"}
    assert len(rejected) == summary.rejected
    keys = {_model_key(r) for n, r in enumerate(records, start=1) if n not in rejected}
    assert _models_present(graph, database, sorted(keys)) == keys
    FUZZED["examples"] += 1
    FUZZED["records"] += len(records)


@pytest.mark.parametrize("line", [
    _deep(200_000),
    _deep(990),
    '{"id": "a/b", "cardData": {"base_model": "\\udc00x/y"}}\r',
    '{"id": "a/b", "downloads": NaN}',
    '{"id": "a/b", "downloads": 1e400}',
    '{"id": "a/b", "downloads": 100000000000000000000000}',
    '{"id": "a/b", "lastModified": "0001-01-01T00:00:00+01:00"}',
    '{"id": "a/b", "pipeline_tag": "\\ud800"}',
    '{"id": "a/b\\u0000"}',
    "\x1c",
    "\ufeff{}",
    "garbage with a bare \r carriage return",
])
def test_known_hostile_lines(graph: neo4j.Driver, database: str, tmp_path: Path,
                             line: str) -> None:
    """The nastiest cases, always run: each line is loaded or rejected, nothing crashes."""
    check_load(graph, database, tmp_path, [line, '{"id": "ok/model"}'],
               ['{"model": "ok/model", "commit_id": "c1", "authors": ["\\u0000x"]}'], 5)

