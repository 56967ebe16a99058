"""Own your graph: ``db reset``, ``db dump`` and ``db restore`` on a private managed server.

Dump and restore stop the server, so this module runs its own (never the session's), in a
temporary state folder, with the test memory sizes, and stops it afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import neo4j
import psutil
import pytest

from hflineage import SCHEMA_VERSION
from hflineage.config import get_settings
from hflineage.db.admin import MANIFEST, dump_graph, read_manifest, restore_graph
from hflineage.db.fingerprint import Fingerprint, fingerprint
from hflineage.db.runtime import ManagedNeo4j
from hflineage.db.schema import init_schema, wipe_database
from hflineage.db.version import GraphVersion, graph_version
from hflineage.errors import GraphBusyError, RuntimeUnavailableError
from hflineage.loader import load_leaderboard, load_snapshot
from hflineage.synth import generate
from tests.support.server import TEST_MEMORY

pytestmark = pytest.mark.neo4j


@dataclass
class Own:
    """A managed server in a state folder of its own, and the CLI environment that reaches it."""

    inst: ManagedNeo4j
    state: Path
    env: dict[str, str]

    def cli(self, *args: str, env: dict[str, str] | None = None, timeout: float = 900
            ) -> subprocess.CompletedProcess[str]:
        """The real CLI, with no terminal on stdin."""
        full = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
        return subprocess.run([sys.executable, "-m", "hflineage", *args],
                              env=full | self.env | (env or {}), cwd=self.state,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def driver(self) -> neo4j.Driver:
        self.inst.start(timeout=600)
        return self.inst.driver()

    def fingerprint(self) -> Fingerprint:
        with self.driver() as drv:
            return fingerprint(drv)

    def version(self) -> GraphVersion:
        with self.driver() as drv:
            return graph_version(drv)

    def count(self, cypher: str) -> int:
        with self.driver() as drv:
            return int(drv.execute_query(cypher).records[0][0])

    def fresh(self) -> None:
        """An empty graph with the schema, and no restore marker."""
        self.inst.restore_marker.unlink(missing_ok=True)
        with self.driver() as drv:
            wipe_database(drv)
            init_schema(drv)


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Own]:
    settings = get_settings()
    state = tmp_path_factory.mktemp("admin-state")
    memory = TEST_MEMORY
    inst = ManagedNeo4j(state / "neo4j", settings.cache_dir, settings.hflineage_neo4j_version,
                        memory)
    try:
        inst.start(timeout=600)
    except RuntimeUnavailableError as e:
        pytest.skip(f"dump and restore need the managed Neo4j runtime: {e}")
    env = {"HFLINEAGE_HOME": str(state), "HFLINEAGE_CACHE": str(settings.cache_dir),
           "HFLINEAGE_NEO4J_HEAP": memory.heap, "HFLINEAGE_NEO4J_PAGECACHE": memory.pagecache}
    try:
        yield Own(inst, state, env)
    finally:
        inst.stop()
        shutil.rmtree(state, ignore_errors=True)


def load_synth(own: Own, folder: Path, n: int, seed: int) -> None:
    generate(n, seed, folder, commit_share=0.2)
    with own.driver() as drv:
        load_snapshot(drv, folder, rejects=folder / "rejects.jsonl")
        load_leaderboard(drv, folder / "leaderboard-v2.csv", rejects=folder / "lb.jsonl")


@dataclass
class Dumped:
    file: Path
    expected: Fingerprint
    sha: str


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def dumped(own: Own, tmp_path_factory: pytest.TempPathFactory) -> Dumped:
    """A small crafted graph (600 synthetic models, commits, scores) and its dump."""
    own.fresh()
    work = tmp_path_factory.mktemp("dumped")
    load_synth(own, work / "snap", 600, 5)
    expected = own.fingerprint()
    file = work / "graph.tar"
    proc = own.cli("db", "dump", str(file))
    assert proc.returncode == 0, proc.stderr
    assert "dumped" in proc.stdout and str(file) in proc.stdout
    return Dumped(file, expected, sha(file))


def test_dump_reset_restore_gives_the_same_graph(own: Own, dumped: Dumped) -> None:
    manifest = read_manifest(dumped.file)
    assert manifest.schema_version == SCHEMA_VERSION
    assert manifest.neo4j_version.startswith("5.26")
    assert manifest.fingerprint == dumped.expected.as_dict()
    assert manifest.counts["nodes"] > dumped.expected.nodes["Model"] >= 600
    with tarfile.open(dumped.file) as tar:
        assert tar.getnames() == [MANIFEST, "neo4j.dump"]

    refused = own.cli("db", "dump", str(dumped.file))
    assert refused.returncode == 1 and "exists: pass --force" in refused.stderr
    assert "Traceback" not in refused.stderr and sha(dumped.file) == dumped.sha

    crawl = own.state / "hub" / "author-x"
    crawl.mkdir(parents=True)
    for name in ("crawl.json", "models.jsonl", "events.jsonl", "rejects.jsonl"):
        (crawl / name).write_text("{}\n")
    nodes = own.count("MATCH (n) RETURN count(n)")
    asked = own.cli("db", "reset")
    assert asked.returncode == 1
    assert f"Delete all {nodes:,} nodes" in asked.stderr and "pass --yes" in asked.stderr
    assert own.count("MATCH (n) RETURN count(n)") == nodes
    assert (crawl / "crawl.json").exists()

    reset = own.cli("db", "reset", "--yes")
    assert reset.returncode == 0, reset.stderr
    assert f"deleted {nodes:,} nodes" in reset.stdout
    assert "removed 1 crawl checkpoint" in reset.stdout
    assert "kept rejects" in reset.stdout and str(crawl) in reset.stdout
    assert sorted(p.name for p in crawl.iterdir()) == ["rejects.jsonl"]
    assert own.count("MATCH (n) WHERE NOT n:Schema AND NOT n:GraphEpoch RETURN count(n)") == 0
    assert own.count("MATCH (s:Schema) RETURN count(s)") == 1
    after_reset = own.version()
    assert after_reset.epoch >= 1 and after_reset.run_id is None
    assert own.count("SHOW CONSTRAINTS YIELD name WHERE name = 'model_key' RETURN count(*)") == 1

    restored = own.cli("db", "restore", str(dumped.file))  # an empty graph: nothing to ask
    assert restored.returncode == 0, restored.stderr
    assert "restored" in restored.stdout and "note:" not in restored.stdout
    assert own.fingerprint() == dumped.expected
    assert not own.inst.restore_marker.exists() and sha(dumped.file) == dumped.sha
    after_restore = own.version()  # past the reset's epoch, though the dump holds none
    assert after_restore.epoch == after_reset.epoch + 1 and after_restore.run_id is not None

    again = own.cli("db", "restore", str(dumped.file))  # non-empty now: asks, no terminal
    assert again.returncode == 1 and "pass --yes" in again.stderr and "Replace" in again.stderr

    forced = own.cli("db", "dump", str(dumped.file), "--force")
    assert forced.returncode == 0, forced.stderr
    assert read_manifest(dumped.file).fingerprint == dumped.expected.as_dict()
    dumped.sha = sha(dumped.file)


def rewrite(src: Path, dst: Path, **changes: object) -> Path:
    """A copy of a dump FILE with manifest fields changed."""
    with tarfile.open(src) as tar, tarfile.open(dst, "w") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member)
            assert data is not None
            raw = data.read()
            if member.name == MANIFEST:
                raw = json.dumps(json.loads(raw) | changes).encode()
                member.size = len(raw)
            out.addfile(member, io.BytesIO(raw))
    return dst


def test_restore_checks_the_file_and_its_schema_version(own: Own, dumped: Dumped,
                                                        tmp_path: Path) -> None:
    own.fresh()
    with own.driver() as drv:
        load_snapshot(drv, dumped.file.parent / "snap" / "models.jsonl",
                      rejects=tmp_path / "r.jsonl")
    before = own.fingerprint()
    pid = own.inst.pid()

    newer = own.cli("db", "restore", str(rewrite(dumped.file, tmp_path / "newer.tar",
                                                 schema_version=SCHEMA_VERSION + 1)), "--yes")
    assert newer.returncode == 1 and "newer than this hflineage" in newer.stderr
    damaged = own.cli("db", "restore", str(rewrite(dumped.file, tmp_path / "bad.tar",
                                                   dump_sha256="0" * 64)), "--yes")
    assert damaged.returncode == 1 and "is damaged" in damaged.stderr
    (tmp_path / "junk.tar").write_text("not a tar")
    junk = own.cli("db", "restore", str(tmp_path / "junk.tar"), "--yes")
    assert junk.returncode == 1 and "is not an hflineage dump" in junk.stderr
    assert own.inst.pid() == pid and own.fingerprint() == before  # never stopped, unchanged

    older = own.cli("db", "restore", str(rewrite(dumped.file, tmp_path / "older.tar",
                                                 schema_version=SCHEMA_VERSION - 1)), "--yes")
    assert older.returncode == 0, older.stderr
    assert "reload its sources" in older.stdout
    assert own.fingerprint() == dumped.expected


def test_dump_and_restore_refuse_a_server_they_did_not_start(own: Own, dumped: Dumped) -> None:
    external = {"NEO4J_URI": own.inst.uri or "", "NEO4J_PASSWORD": own.inst.password}
    dump = own.cli("db", "dump", str(dumped.file.parent / "x.tar"), env=external)
    assert dump.returncode == 1 and "neo4j-admin" in dump.stderr and "Aura" in dump.stderr
    restore = own.cli("db", "restore", str(dumped.file), "--yes", env=external)
    assert restore.returncode == 1 and "managed server only" in restore.stderr
    nodes = own.count("MATCH (n) RETURN count(n)")
    reset = own.cli("db", "reset", "--yes", env=external)
    assert reset.returncode == 1 and "--database NAME or NEO4J_DATABASE" in reset.stderr
    assert own.count("MATCH (n) RETURN count(n)") == nodes


def test_a_dump_during_a_load_is_refused_and_the_load_completes(
        own: Own, dumped: Dumped, tmp_path: Path) -> None:
    own.fresh()
    snap = tmp_path / "snap"
    generate(20_000, 9, snap, commit_share=0.1)
    load = subprocess.Popen(
        [sys.executable, "-m", "hflineage", "load", "snapshot", str(snap), "--no-progress",
         "--rejects", str(tmp_path / "load.jsonl")],
        env={k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")} | own.env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while own.count("MATCH (r:LoadRun {status: 'running'}) RETURN count(r)") == 0:
            assert load.poll() is None and time.monotonic() < deadline, load.communicate()
            time.sleep(0.2)
        pid = own.inst.pid()
        target = tmp_path / "during.tar"
        with pytest.raises(GraphBusyError, match=r"load .* is running: dump refused"):
            dump_graph(own.inst, target)
        with pytest.raises(GraphBusyError, match="restore refused"):
            restore_graph(own.inst, dumped.file, confirm=lambda _q: True)
        assert not target.exists() and own.inst.pid() == pid
        assert load.poll() is None, "the load ended before the dump was tried: make it bigger"
        _, err = load.communicate(timeout=900)
    finally:
        if load.poll() is None:
            load.kill()
    assert load.returncode == 0, err
    assert own.count("MATCH (r:LoadRun) RETURN count(r)") == own.count(
        "MATCH (r:LoadRun {status: 'complete'}) RETURN count(r)") == 1
    during = own.fingerprint()
    own.fresh()
    with own.driver() as drv:
        load_snapshot(drv, snap, rejects=tmp_path / "clean.jsonl")
    assert own.fingerprint() == during
    after = own.cli("db", "dump", str(tmp_path / "after.tar"))  # the lock went with the load
    assert after.returncode == 0, after.stderr


def _admin_load_running(root: int) -> bool:
    """Whether the restore's ``neo4j-admin database load`` child is running."""
    for child in psutil.Process(root).children(recursive=True):
        try:
            cmd = child.cmdline()
        except psutil.Error:
            continue
        if "org.neo4j.cli.AdminTool" in cmd and "load" in cmd:
            return True
    return False


def kill_restore(own: Own, dumped: Dumped, tmp_path: Path, when: str, delay: float) -> bool:
    """Replace the graph by another one, kill -9 a restore of the dump at ``when``, check what
    is left, then restore again. Returns whether the kill left an interrupted restore."""
    own.fresh()
    load_synth(own, tmp_path / "other", 150, 77)
    other = own.fingerprint()
    assert other != dumped.expected
    proc = subprocess.Popen(
        [sys.executable, "-m", "hflineage", "db", "restore", str(dumped.file), "--yes"],
        env={k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")} | own.env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True)
    deadline = time.monotonic() + 600
    while proc.poll() is None and time.monotonic() < deadline:
        if (when == "marker" and own.inst.restore_marker.exists()) or (
                when == "admin" and _admin_load_running(proc.pid)) or when == "anytime":
            break
        time.sleep(0.05)
    time.sleep(delay)
    finished = proc.poll() is not None
    with contextlib.suppress(ProcessLookupError):  # the CLI and its neo4j-admin child
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert finished or proc.returncode == -signal.SIGKILL
    assert sha(dumped.file) == dumped.sha  # the dump file is intact

    own.inst.start(timeout=600)
    query = own.cli("query", "run", "graph_stats", "--format", "json")
    interrupted = own.inst.restore_marker.exists()
    if interrupted:
        assert query.returncode == 1 and "Traceback" not in query.stderr
        assert "was interrupted" in query.stderr and str(dumped.file) in query.stderr
        assert "hflineage db restore" in query.stderr
    else:  # killed before the server stopped, or after the restore checked out
        assert query.returncode == 0, query.stderr
        assert own.fingerprint() in (other, dumped.expected)
    again = own.cli("db", "restore", str(dumped.file), "--yes")
    assert again.returncode == 0, again.stderr
    assert own.fingerprint() == dumped.expected and not own.inst.restore_marker.exists()
    return interrupted


@pytest.mark.parametrize("when", ["marker", "admin"])
def test_kill_9_of_restore_leaves_the_old_graph_or_a_clear_error(
        own: Own, dumped: Dumped, tmp_path: Path, when: str) -> None:
    assert kill_restore(own, dumped, tmp_path, when, 0.3), "killed after the server stopped"


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(5))
def test_kill_9_of_restore_at_random_points(own: Own, dumped: Dumped, tmp_path: Path,
                                            trial: int) -> None:
    kill_restore(own, dumped, tmp_path, "anytime", random.Random(trial).uniform(0.5, 18.0))


def test_restore_without_a_terminal_or_yes_changes_nothing(own: Own, dumped: Dumped) -> None:
    before = own.fingerprint()
    pid = own.inst.pid()
    proc = own.cli("db", "restore", str(dumped.file))
    assert proc.returncode == 1 and "nothing was changed" in proc.stderr
    assert own.inst.pid() == pid and own.fingerprint() == before


def test_paper_2024_survives_dump_reset_restore(own: Own, shared_data: Path, tmp_path: Path
                                                ) -> None:
    own.fresh()
    with own.driver() as drv:
        load_snapshot(drv, shared_data / "paper-2024", rejects=tmp_path / "r.jsonl")
    before = own.fingerprint()
    file = tmp_path / "paper-2024.tar"
    timings: dict[str, float] = {}
    for step, args in (("dump", ("db", "dump", str(file))), ("reset", ("db", "reset", "--yes")),
                       ("restore", ("db", "restore", str(file)))):
        t0 = time.monotonic()
        proc = own.cli(*args)
        timings[step] = time.monotonic() - t0
        assert proc.returncode == 0, proc.stderr
        if step == "reset":
            assert own.count("MATCH (n) WHERE NOT n:Schema AND NOT n:GraphEpoch "
                             "RETURN count(n)") == 0
    assert own.fingerprint() == before
    size = file.stat().st_size
    print(f"\npaper-2024: {before.nodes.get('Model', 0):,} models, dump {size / 1e6:.1f} MB; "
          + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))


def test_load_lock_is_shared_by_loads_and_taken_whole_by_a_dump(tmp_path: Path) -> None:
    from hflineage.db.lock import load_lock, no_load_running

    lock = tmp_path / "load.lock"
    with load_lock(lock), load_lock(lock), pytest.raises(GraphBusyError, match="dump refused"), \
            no_load_running(lock, "dump"):  # two loads side by side keep a dump out
        pass
    with no_load_running(lock, "dump"):
        errors: list[Exception] = []

        def load() -> None:
            try:
                with load_lock(lock):
                    pass
            except GraphBusyError as e:
                errors.append(e)
        t = threading.Thread(target=load)
        t.start()
        t.join()
        assert errors and "load again when it has finished" in str(errors[0])
    with load_lock(lock):
        pass


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_reset_and_restore_ask_on_a_terminal_and_refuse_without_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from hflineage.cli.db import confirmer
    from hflineage.errors import ConfirmationRequiredError

    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    assert confirmer(False)("Delete all 3 nodes?") is True
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    assert confirmer(False)("Delete all 3 nodes?") is False
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert confirmer(True)("Delete all 3 nodes?") is True
    with pytest.raises(ConfirmationRequiredError, match="nothing was changed: pass --yes"):
        confirmer(False)("Delete all 3 nodes?")
