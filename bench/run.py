"""The hflineage benchmark (issues 6, 17): ``./run bench`` or ``.venv/bin/python bench/run.py``.

At each size (default 10k, 100k, 300k, 1M and 3M synthetic models, ``hflineage.synth``) on its
own managed Neo4j (heap and page cache sized for the job, in ``bench/results/tmp/``):

- load rate, in model records per second, of (a) raw ``UNWIND ... CREATE`` of rows the loader has
  already normalized (database time only), (b) a naive loader, one ``MERGE`` transaction per
  record, on a sample, (c) the hflineage online loader, (d) the bulk path; ratios c/a, c/b, d/c;
- peak memory (max RSS) of the loader process, each load in its own subprocess, and of the
  processes it starts (the ``neo4j-admin`` import JVM, worker processes); the bulk path's parts;
- commits per second (online) on a fixed sample of commit records, on top of the loaded graph,
  then the synthetic leaderboard (so the scored queries have rows);
- latency of every named query (median of warm runs) and its growth from the smallest size;
- time to build the lineage page of the largest family (``hflineage.viz``);
- time and peak memory of ``hflineage report`` (the CLI, in a subprocess) up to ``--report-max``;
- ``hflineage infer`` (issue 18: ``infer_parents`` in its own subprocess) on the graph the run
  loaded: seconds per phase, models per second, edges written, peak RSS and RSS per 100k models,
  and its time over the same run's online load of the same size;
- Hub crawl requests per 1,000 models against the local Hub server, metadata only and with commits.

Results go to ``bench/results/bench-<time>.json`` (and ``latest.json``); the README table is
written from them. This is never part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import neo4j
import psutil

from hflineage.config import get_settings
from hflineage.cypher import load, registry
from hflineage.db.runtime import ManagedNeo4j, Memory
from hflineage.db.schema import init_schema, wipe_database
from hflineage.loader.normalize.rows import model_rows
from hflineage.loader.normalize.rules import ModelRows
from hflineage.loader.sources.snapshot import read_lines
from hflineage.synth import Ecosystem, generate

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
WORK = Path(os.environ.get("BENCH_WORK", RESULTS / "tmp"))
CYPHER = ROOT / "cypher"
SEED = 1
NAIVE_SAMPLE = 500
COMMIT_SAMPLE = 20_000
QUERY_RUNS = 5
QUERY_TIMEOUT = 180.0
SLOW_QUERY = 5.0
VERY_SLOW_QUERY = 30.0  # a first (cold) run longer than this: one warm run only
QUERY_BUDGET = 900.0  # seconds for all queries of up to 1M models (scaled above); anchored first
SIZES = "10000,100000,300000,1000000,3000000"
REPORT_MAX = 1_000_000
MIN_AVAILABLE_MB = 1_500  # a phase other than a load is stopped below this much free memory
SAMPLE_EVERY = 0.5  # seconds between memory samples of a subprocess and its children
STEPS = ("naive", "raw", "online", "commits", "leaderboard", "queries", "viz", "report", "infer",
         "bulk")
LOADS = ("online", "bulk")  # the steps that build the graph of a size
#: The internal reads of lineage pages and the report (``hflineage.analytics.subgraph``).
PAGE_READS = ("read/model_details", "read/parent_links", "read/child_links", "read/org_models")
ANCHORED = ("model_lineage", "family_edges", "family_summary", "family_best_score_over_time",
            "org_neighbourhood", *PAGE_READS)


def log(msg: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {msg}", flush=True)


def cypher(name: str) -> str:
    return (CYPHER / f"{name}.cypher").read_text(encoding="utf-8")


def code_version() -> dict[str, Any]:
    """The commit measured, and the source files that differed from it when the run started."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT.parent, capture_output=True, text=True,
                              check=False).stdout.strip()
    return {"commit": git("rev-parse", "HEAD"),
            "changed": git("status", "--porcelain", "--", "src", "bench").splitlines()}


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(
        psutil.virtual_memory().total / 1024**3, 1), "os": platform.platform(),
        "python": platform.python_version(), "neo4j": get_settings().hflineage_neo4j_version}


# --- data ---------------------------------------------------------------------------------
def snapshot(n: int) -> tuple[Path, Path, dict[str, Any]]:
    """Synthetic data: a models-only folder (the load figures) and a commit sample."""
    folder = WORK / f"synth-{n}-s{SEED}"
    if not (folder / "synth.json").exists():
        log(f"synth {n:,} models")
        generate(n, SEED, folder, commit_share=min(1.0, 4 * COMMIT_SAMPLE / 10 / n))
    models_only = WORK / f"models-{n}"
    models_only.mkdir(parents=True, exist_ok=True)
    link = models_only / "models.jsonl"
    if not link.exists():
        link.symlink_to(folder / "models.jsonl")
    sample = WORK / f"commits-{n}.jsonl"
    if not sample.exists():
        with (folder / "commits.jsonl").open() as src, sample.open("w") as dst:
            dst.writelines(islice(src, COMMIT_SAMPLE))
    return models_only, sample, json.loads((folder / "synth.json").read_text())


def anchors(n: int) -> dict[str, Any]:
    """A depth-2 model in a family of about 50 (anchored queries) and the largest family."""
    eco = Ecosystem(n, SEED)
    family: Counter[int] = Counter()
    deep: dict[int, int] = {}
    for i in range(n):
        c = eco.core(i)
        family[c.root] += 1
        if c.depth == 2 and c.relation == "finetune":
            deep.setdefault(c.root, i)
    largest = family.most_common(1)[0][0]
    root = min(deep, key=lambda r: (abs(family[r] - 50), r))
    model = eco.core(deep[root]).id
    return {"model": model, "family_root": eco.core(root).id, "family_size": family[root],
            "org": model.split("/")[0], "largest_root": eco.core(largest).id,
            "largest_size": family[largest]}


# --- the server ---------------------------------------------------------------------------
def server(heap: str, pagecache: str, home: Path | None = None) -> ManagedNeo4j:
    s = get_settings()
    inst = ManagedNeo4j(home or WORK / "neo4j", s.cache_dir, s.hflineage_neo4j_version,
                        Memory(heap=heap, pagecache=pagecache))
    inst.start(timeout=600)
    return inst


def driver(inst: ManagedNeo4j) -> neo4j.Driver:
    return inst.driver()


def empty(inst: ManagedNeo4j) -> None:
    with driver(inst) as d:
        wipe_database(d)
        init_schema(d)


# --- loads --------------------------------------------------------------------------------
def normalized(path: Path, limit: int | None = None) -> Iterator[ModelRows]:
    for _, rows in model_rows(islice(read_lines(path / "models.jsonl"), limit)):
        if isinstance(rows, ModelRows):
            yield rows


def raw_create(inst: ManagedNeo4j, path: Path, batch: int = 5000) -> dict[str, Any]:
    """(a) Neo4j time to CREATE the model rows and their parent edges, nothing else."""
    empty(inst)
    models_q, parents_q = cypher("raw_create_models"), cypher("raw_create_parents")
    spent, records = 0.0, 0
    pending: list[ModelRows] = []
    seen: set[str] = set()
    with driver(inst) as d:
        def flush() -> float:
            t0 = time.perf_counter()
            d.execute_query(models_q, {"rows": [_props(r.model) for r in pending]})
            d.execute_query(parents_q, {"rows": [p for r in pending for p in r.parents]})
            return time.perf_counter() - t0
        for rows in normalized(path):
            if rows.model["key"] in seen:
                continue
            seen.add(rows.model["key"])
            pending.append(rows)
            records += 1
            if len(pending) >= batch:
                spent += flush()
                pending = []
        if pending:
            spent += flush()
    return {"records": records, "seconds": spent, "rate": records / spent}


def _props(model: dict[str, Any]) -> dict[str, Any]:
    """Model properties as (a) and (b) send them: dates as ISO text, like the loader."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in model.items()
            if v is not None and k not in ("orgKey", "orgName", "hasArchitectures")}


def leaderboard(inst: ManagedNeo4j, n: int) -> dict[str, Any]:
    """The synthetic leaderboard on top of the loaded graph, so scored queries have rows."""
    from hflineage.loader import load_leaderboard

    with driver(inst) as d:
        summary = load_leaderboard(d, WORK / f"synth-{n}-s{SEED}" / "leaderboard-v2.csv",
                                   rejects=WORK / "rejects-leaderboard.jsonl")
    return {"records": summary.records_in, "loaded": summary.loaded,
            "seconds": summary.seconds, "rate": summary.records_in / summary.seconds}


def naive(inst: ManagedNeo4j, path: Path) -> dict[str, Any]:
    """(b) One MERGE transaction per record (with the key constraint: a generous baseline)."""
    empty(inst)
    q = cypher("naive_merge_record")
    sample = list(normalized(path, NAIVE_SAMPLE))
    with driver(inst) as d:
        t0 = time.perf_counter()
        for rows in sample:
            d.execute_query(q, {"model": _props(rows.model), "org": rows.model["orgKey"],
                                "parents": [p["parentKey"] for p in rows.parents],
                                "licenses": [x["id"] for x in rows.licenses],
                                "architectures": [x["name"] for x in rows.architectures]})
        spent = time.perf_counter() - t0
    return {"records": len(sample), "seconds": spent, "rate": len(sample) / spent}


class Sampler:
    """Peak RSS (MB) of a process and of its descendants by kind, sampled: ``python`` (the
    process itself), ``admin_import`` (``neo4j-admin`` JVMs), ``workers`` (any other child,
    summed); sums at the same instant: ``children`` (admin_import + workers), ``loader``
    (python + workers), ``total`` (all three). Forked workers share pages with their parent, so
    RSS sums count those twice: ``loader_pss`` is the same sum in proportional set size. A Neo4j
    server the process starts (the bulk path restarts it) is the database's memory, not the
    loader's: left out."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peaks: dict[str, float] = {}

    def sample(self) -> None:
        now = {"python": 0.0, "admin_import": 0.0, "workers": 0.0, "loader_pss": 0.0}
        with contextlib.suppress(psutil.Error):
            mem = self.proc.memory_full_info()
            now["python"], now["loader_pss"] = mem.rss / 1024**2, mem.pss / 1024**2
            for child in self.proc.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    cmd = " ".join(child.cmdline())
                    if "CommunityEntryPoint" in cmd:
                        continue
                    if "AdminTool" in cmd:
                        now["admin_import"] += child.memory_info().rss / 1024**2
                        continue
                    mem = child.memory_full_info()
                    now["workers"] += mem.rss / 1024**2
                    now["loader_pss"] += mem.pss / 1024**2
        now["children"] = now["admin_import"] + now["workers"]
        now["loader"] = now["python"] + now["workers"]
        now["total"] = now["loader"] + now["admin_import"]
        for k, v in now.items():
            self.peaks[k] = max(self.peaks.get(k, 0.0), v)

    def figures(self) -> dict[str, float]:
        return {f"{k}_peak_mb" if k.endswith("pss") else f"{k}_peak_rss_mb": round(v, 1)
                for k, v in self.peaks.items()}


def watch(proc: subprocess.Popen[str], stop: Callable[[], bool] = lambda: False
          ) -> tuple[Sampler, float | None]:
    """Sample ``proc`` until it ends (or ``stop()`` says so: then it is killed); its own peak
    RSS from ``wait4`` (MB; None when stopped), which also covers the children it reaped."""
    sampler = Sampler(proc.pid)
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return sampler, usage.ru_maxrss / 1024
        sampler.sample()
        if stop():
            proc.kill()
            proc.wait()
            return sampler, None
        time.sleep(SAMPLE_EVERY)


def in_subprocess(phase: str, *args: str, deadline: float | None = None,
                  inst: ManagedNeo4j | None = None, memory_guard: bool = False
                  ) -> dict[str, Any]:
    """Run one load in a fresh interpreter; its max RSS is the loader's peak memory, and the
    processes it starts are sampled (``Sampler``).

    Past ``deadline`` (epoch seconds) the load is stopped and reported as partial: the
    models described so far (with ``inst``), and the peak RSS sampled while it ran; without
    ``inst`` it is reported as stopped, with the last lines it wrote to stderr. With
    ``memory_guard`` it is also stopped when the machine runs low on memory.
    """
    started = time.monotonic()
    out_file, err_file = WORK / f"{phase}.out", WORK / f"{phase}.err"
    with out_file.open("w") as out, err_file.open("w") as err, subprocess.Popen(
            [sys.executable, str(Path(__file__)), f"--phase={phase}", *args],
            stdout=out, stderr=err, text=True) as proc:
        sampler, peak = watch(proc, lambda: bool(deadline and time.time() > deadline)
                              or (memory_guard and low_memory()))
    sampled = sampler.figures()
    if peak is None and inst is None:
        why = "deadline" if deadline and time.time() > deadline else \
            f"less than {MIN_AVAILABLE_MB:,} MB of memory left on the machine"
        return {"stopped": why, "seconds": round(time.monotonic() - started, 2),
                "peak_rss_mb": sampled.get("python_peak_rss_mb", 0.0), "sampled": sampled,
                "stderr": err_file.read_text().splitlines()[-5:]}
    if peak is None and inst is not None:  # stopped at the deadline
        seconds = time.monotonic() - started
        with driver(inst) as d:
            done = d.execute_query(cypher("count_described")).records[0]["n"]
        return {"partial": True, "records": done, "seconds": seconds, "rate": done / seconds,
                "peak_rss_mb": sampled.get("python_peak_rss_mb", 0.0), "sampled": sampled}
    stdout, stderr = out_file.read_text(), err_file.read_text()
    if proc.returncode != 0:
        raise RuntimeError(f"{phase} failed:\n{stdout[-3000:]}\n{stderr[-3000:]}")
    return dict(json.loads(stdout.strip().splitlines()[-1])) | {"sampled": sampled}


def low_memory() -> bool:
    return bool(psutil.virtual_memory().available < MIN_AVAILABLE_MB * 1024**2)


def phase_main(phase: str, path: str, home: str, heap: str, pagecache: str) -> None:
    """Entry of the subprocess loads (and of ``infer``): print one JSON line."""
    from hflineage.loader import load_snapshot
    from hflineage.loader.write.bulk import BulkTimings, bulk_load

    s = get_settings()
    inst = ManagedNeo4j(Path(home), s.cache_dir, s.hflineage_neo4j_version,
                        Memory(heap=heap, pagecache=pagecache))
    if phase == "infer":
        print(json.dumps(infer_phase(inst)))
        return
    rejects = WORK / f"rejects-{phase}.jsonl"
    out: dict[str, Any] = {}
    if phase == "bulk":
        timings = BulkTimings()
        summary = bulk_load(inst, path, rejects=rejects, timings=timings,
                            max_off_heap="4G", admin_heap="2g", replace=True)
        out["parts"] = {k: round(v, 2) for k, v in vars(timings).items()
                        if isinstance(v, int | float) and not isinstance(v, bool)}
    else:
        with driver(inst) as d:
            summary = load_snapshot(d, path, rejects=rejects)
    out |= {"records": summary.records_in, "seconds": summary.seconds,
            "rate": summary.records_in / summary.seconds,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            # the largest process this one started and waited for (import JVM, a worker)
            "children_max_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}
    print(json.dumps(out))


def infer_phase(inst: ManagedNeo4j) -> dict[str, Any]:
    """``infer_parents`` with its defaults on the server's graph (in the ``infer`` subprocess);
    ``baseline_rss_mb`` is this interpreter's RSS once everything is imported, before it reads."""
    from hflineage.analytics.infer import infer_parents

    baseline = psutil.Process().memory_info().rss / 1024**2
    with driver(inst) as d:
        t0 = time.perf_counter()
        summary = infer_parents(d, progress=lambda m: print(
            f"[{datetime.now(UTC):%H:%M:%S}] {m}", file=sys.stderr, flush=True))
        seconds = time.perf_counter() - t0
    return {"models": summary.models, "undeclared": summary.undeclared,
            "with_prediction": summary.with_prediction, "edges": summary.edges,
            "removed": summary.removed, "trained_on": summary.trained_on,
            "parts": summary.seconds, "seconds": round(seconds, 2),
            "models_per_s": round(summary.models / seconds, 1),
            "baseline_rss_mb": round(baseline, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def _vs_online(seconds: float, res: dict[str, Any]) -> dict[str, Any]:
    """``seconds`` over the online load of the same size in this run (never another run's)."""
    online = res.get("online", {})
    if "seconds" in online and not online.get("partial"):
        return {"online_seconds": round(online["seconds"], 2),
                "ratio": round(seconds / online["seconds"], 3)}
    why = ("the online load of this size was stopped (partial)" if online.get("partial")
           else "the online load of this size failed" if "error" in online
           else "this run did not load this size online")
    return {"ratio": None, "why": why}


def infer_figures(got: dict[str, Any], res: dict[str, Any]) -> dict[str, Any]:
    """The infer phase's figures, with memory per 100k models and its time over the online load
    of the same size in this run."""
    models = max(int(got["models"]), 1)
    above = got["peak_rss_mb"] - got["baseline_rss_mb"]
    return got | {
        "rss_mb_per_100k_models": round(got["peak_rss_mb"] / models * 100_000, 1),
        "above_baseline_mb_per_100k_models": round(above / models * 100_000, 1),
        "vs_online": _vs_online(got["seconds"], res)}


def infer_stopped(got: dict[str, Any], res: dict[str, Any]) -> dict[str, Any]:
    """An infer stopped (deadline, low memory): its time so far bounds the ratio from below."""
    vs = _vs_online(got["seconds"], res)
    return got | {"vs_online": {"online_seconds": vs["online_seconds"], "ratio": None,
                                "ratio_at_least": vs["ratio"], "why": "infer stopped"}
                  if vs["ratio"] is not None else vs}


def infer_memory(sizes: list[dict[str, Any]]) -> dict[str, Any]:
    """Infer's peak RSS at each size and between consecutive sizes: MB per 100k models, and the
    extra MB per extra 100k models (bounded per model: linear; growing: worse than linear).
    An infer that was stopped is left out (its peak is a lower bound)."""
    have = [(int(s["models"]), float(i["peak_rss_mb"])) for s in sizes
            if "peak_rss_mb" in (i := s.get("infer", {})) and not i.get("stopped")]
    return {"per_size": [{"models": n, "peak_rss_mb": mb,
                          "mb_per_100k_models": round(mb / max(n, 1) * 100_000, 1)}
                         for n, mb in have],
            "steps": [{"from": n0, "to": n1,
                       "extra_mb_per_extra_100k_models": round((b - a) / (n1 - n0) * 100_000, 1),
                       "rss_growth_over_model_growth": round((b / a) / (n1 / n0), 3)}
                      for (n0, a), (n1, b) in itertools.pairwise(have) if n1 != n0]}


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- queries and viz ----------------------------------------------------------------------
def query_params(name: str, a: dict[str, Any]) -> dict[str, Any]:
    key = a["model"].lower()
    given = {"model": a["model"], "org": a["org"], "keys": [key]}
    # an optional anchor (licence_drift's $model) is left out: the whole-graph form is timed
    wanted = {p.name for p in load(name, internal=True).params if p.required or p.name == "keys"}
    return {k: v for k, v in given.items() if k in wanted}


def graph_size(inst: ManagedNeo4j) -> dict[str, int]:
    """Nodes and relationships of the whole graph (the size aggregations are compared with)."""
    with driver(inst) as d:
        row = d.execute_query(cypher("graph_size")).records[0]
    return {"nodes": row["nodes"], "relationships": row["relationships"]}


def scaled(seconds: float, n: int) -> float:
    """A time limit set for up to 1M models, grown in proportion above that."""
    return seconds * max(1.0, n / 1_000_000)


def queries(inst: ManagedNeo4j, a: dict[str, Any], n: int = 0,
            budget: float = QUERY_BUDGET) -> dict[str, Any]:
    """Median warm time of every named query, anchored ones first, within ``budget`` seconds
    (scaled with the size); the rest are recorded as skipped."""
    out: dict[str, Any] = {}
    began = time.monotonic()
    budget, timeout = scaled(budget, n), scaled(QUERY_TIMEOUT, n)
    named = registry() | {name: load(name, internal=True) for name in PAGE_READS}
    order = sorted(named.items(), key=lambda item: item[0] not in ANCHORED)
    with driver(inst) as d:
        for name, q in order:
            if time.monotonic() - began > budget:
                out[name] = {"skipped": "time budget", "anchored": name in ANCHORED}
                continue
            params = q.bind(query_params(name, a))
            times: list[float] = []
            rows, runs = 0, QUERY_RUNS + 1
            try:
                while len(times) < runs:
                    t0 = time.perf_counter()
                    records, _, _ = d.execute_query(
                        neo4j.Query(q.text, timeout=timeout), params,
                        routing_=neo4j.RoutingControl.READ)
                    times.append(time.perf_counter() - t0)
                    rows = len(records)
                    if len(times) == 1 and times[0] > VERY_SLOW_QUERY:
                        runs = 2  # a very slow query gets one warm run
                    elif len(times) == 2 and runs > 2 and times[1] > SLOW_QUERY:
                        runs = 3  # a slow query gets two warm runs
            except neo4j.exceptions.Neo4jError as e:
                out[name] = {"error": e.code, "anchored": name in ANCHORED}
                continue
            warm = times[1:] or times
            out[name] = {"median_ms": round(statistics.median(warm) * 1000, 2), "rows": rows,
                         "runs": len(times) - 1, "anchored": name in ANCHORED}
    return out


def viz(inst: ManagedNeo4j, a: dict[str, Any]) -> dict[str, Any]:
    try:
        from hflineage.viz import family_graph
    except ImportError:
        return {"skipped": "hflineage.viz not available"}
    with driver(inst) as d:
        t0 = time.perf_counter()
        net = family_graph(d, a["largest_root"])
        html = net.generate_html()
        spent = time.perf_counter() - t0
    return {"family_root": a["largest_root"], "family_size": a["largest_size"],
            "seconds": round(spent, 3), "html_bytes": len(html)}


def cli_report(inst: ManagedNeo4j, n: int, report_max: int) -> dict[str, Any]:
    """``hflineage report`` (the CLI, a subprocess) against the bench server, into a temp folder."""
    if n > report_max:
        return {"skipped": f"above --report-max {report_max:,}"}
    env = os.environ | {"NEO4J_URI": inst.uri or "", "NEO4J_USERNAME": "neo4j",
                        "NEO4J_PASSWORD": inst.password, "NEO4J_DATABASE": "neo4j"}
    with tempfile.TemporaryDirectory(prefix="report-", dir=WORK) as tmp:
        out = Path(tmp) / "report"
        t0 = time.perf_counter()
        with (Path(tmp) / "out").open("w") as log_out, subprocess.Popen(
                [sys.executable, "-m", "hflineage", "report", "--out", str(out)], env=env,
                cwd=tmp, stdout=log_out, stderr=subprocess.STDOUT, text=True) as proc:
            sampler, peak = watch(proc)
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            said = (Path(tmp) / "out").read_text()[-2000:]
            raise RuntimeError(f"hflineage report failed: {said}")
        files = [f for f in out.rglob("*") if f.is_file()]
        return {"seconds": round(seconds, 2), "peak_rss_mb": peak, "sampled": sampler.figures(),
                "files": len(files), "bytes": sum(f.stat().st_size for f in files)}


def crawl(n: int = 5000) -> dict[str, Any]:
    """Requests per 1,000 models against the local Hub server (1,000 items per page)."""
    sys.path.insert(0, str(ROOT.parent))  # the fake Hub is test support, outside the wheel
    from tests.support.hubserver import LocalHub

    from hflineage.loader.sources.crawl import Crawl
    from hflineage.loader.sources.hub import CrawlSpec, HubClient

    folder = WORK / f"crawl-src-{n}"
    if not (folder / "synth.json").exists():
        generate(n, SEED + 1, folder, commit_share=1.0)
    records = [json.loads(line) for line in (folder / "models.jsonl").open()
               if line.strip().endswith("}")]
    commits = [json.loads(line) for line in (folder / "commits.jsonl").open()]
    out: dict[str, Any] = {}
    for label, with_commits in (("metadata", False), ("with_commits", True)):
        with LocalHub(records, commits) as hub:
            dest = WORK / f"crawl-{label}"
            shutil.rmtree(dest, ignore_errors=True)
            job = Crawl(HubClient(hub.url), CrawlSpec(with_commits=with_commits), dest)
            job.open()
            result = job.run()
            out[label] = {"models": result.models, "commits": result.commits,
                          "requests": hub.count(),
                          "per_1000_models": round(hub.count() / result.models * 1000, 2)}
    return out


# --- one size -----------------------------------------------------------------------------
def step(res: dict[str, Any], name: str, fn: Callable[[], Any], save: Callable[[], None]
         ) -> None:
    """Run one measurement; a failure is recorded and the benchmark goes on."""
    label = f"{res['models']:,}: {name}" if "models" in res else name
    log(label)
    try:
        res[name] = fn()
    except Exception as e:
        res[name] = {"error": f"{type(e).__name__}: {e}"[:2000]}
    log(f"{label} -> {json.dumps(res[name], default=str)[:300]}")
    save()


def run_size(n: int, inst: ManagedNeo4j, res: dict[str, Any], save: Callable[[], None],
             steps: tuple[str, ...] = STEPS,
             deadlines: tuple[float | None, float | None] = (None, None),
             report_max: int = REPORT_MAX, budget: float = QUERY_BUDGET) -> None:
    """Every step of ``steps`` at size ``n``; ``deadlines`` (epoch seconds) stop the online load
    and infer."""
    deadline, infer_deadline = deadlines
    path, commit_sample, summary = snapshot(n)
    # the anchors take minutes to find at 3M: only the steps that read them pay for it
    a = anchors(n) if {"queries", "viz"} & set(steps) else {}
    res |= {"edges": summary["edges"], "anchors": a}
    mem = (inst.memory.heap, inst.memory.pagecache)

    def online() -> dict[str, Any]:
        empty(inst)
        return in_subprocess("online", str(path), str(inst.home), *mem, deadline=deadline,
                             inst=inst)

    def bulk() -> dict[str, Any]:
        return in_subprocess("bulk", str(path), str(inst.home), *mem)

    def infer() -> dict[str, Any]:
        before = [k for k in steps[:steps.index("infer")] if k in LOADS and k in res
                  and "error" not in res[k]]
        loaded_by = None
        if before:
            loaded_by = before[-1] + (" (stopped: partial)" if res[before[-1]].get("partial")
                                      else "")
        load_before = load_average()
        got = in_subprocess("infer", "-", str(inst.home), *mem, deadline=infer_deadline,
                            memory_guard=True)
        figures = infer_stopped(got, res) if got.get("stopped") else \
            infer_figures(got, res)
        return figures | {"graph_loaded_by": loaded_by or "an earlier run (the server's graph)",
                          "load_average": {"before": load_before, "after": load_average()}}

    def timed_queries() -> dict[str, Any]:
        res["graph"] = graph_size(inst)
        return queries(inst, a, n, budget)

    work: dict[str, Callable[[], Any]] = {
        "naive": lambda: naive(inst, path),
        "raw": lambda: raw_create(inst, path),
        "online": online,
        "commits": lambda: in_subprocess("online", str(commit_sample), str(inst.home), *mem),
        "leaderboard": lambda: leaderboard(inst, n),
        "queries": timed_queries,
        "viz": lambda: viz(inst, a),
        "report": lambda: cli_report(inst, n, report_max),
        "infer": infer,
        "bulk": bulk,
    }
    for name in steps:
        step(res, name, work[name], save)
    r = {k: res.get(k, {}).get("rate") for k in ("raw", "naive", "online", "bulk")}
    if all(r.values()):
        res["ratios"] = {"c/a": r["online"] / r["raw"], "c/b": r["online"] / r["naive"],
                         "d/c": r["bulk"] / r["online"]}
    save()


def growth(results: list[dict[str, Any]]) -> dict[str, Any]:
    first, last = results[0].get("queries", {}), results[-1].get("queries", {})
    return {name: round(last[name]["median_ms"] / max(q["median_ms"], 0.01), 2)
            for name, q in first.items() if "median_ms" in q and "median_ms" in last.get(name, {})}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=SIZES, help="comma-separated model counts")
    ap.add_argument("--heap", default="4g")
    ap.add_argument("--pagecache", default="4g")
    ap.add_argument("--no-crawl", action="store_true", help="skip the Hub crawl figures")
    ap.add_argument("--tag", default="", help="suffix of the results file name")
    ap.add_argument("--steps", default=",".join(STEPS),
                    help="which measurements to take (naive is size-independent: it starts "
                         "from an empty database)")
    ap.add_argument("--online-deadline", type=float, default=None,
                    help="epoch seconds after which the online load is stopped and reported "
                         "as partial (for a run that must end by a given time)")
    ap.add_argument("--infer-deadline", type=float, default=None,
                    help="epoch seconds after which `infer` is stopped and reported as stopped "
                         "(its time so far bounds its ratio to the online load from below)")
    ap.add_argument("--report-max", type=int, default=REPORT_MAX,
                    help="largest size at which `hflineage report` is timed")
    ap.add_argument("--query-budget", type=float, default=QUERY_BUDGET,
                    help="seconds for all named queries of one size up to 1M models (grown in "
                         "proportion above); queries left are recorded as skipped")
    ap.add_argument("--home", type=Path, default=None,
                    help="Neo4j home of the bench server (default: neo4j/ in the work folder); "
                         "a new one starts empty instead of deleting the last run's graph")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        phase_main(args.phase, *args.rest)
        return
    WORK.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    started = datetime.now(UTC)
    out: dict[str, Any] = {"started": started.isoformat(), "machine": machine(),
                           "neo4j_memory": {"heap": args.heap, "pagecache": args.pagecache},
                           "load_average": {"start": load_average()}, "code": code_version(),
                           "sizes": []}
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    dest = RESULTS / f"bench-{stamp}{args.tag}.json"

    def save() -> None:
        out["query_growth"] = growth([s for s in out["sizes"] if "queries" in s] or [{}])
        if any("infer" in s for s in out["sizes"]):
            out["infer_memory"] = infer_memory(out["sizes"])
        dest.write_text(json.dumps(out, indent=2, default=str))
        shutil.copyfile(dest, RESULTS / f"latest{args.tag}.json")

    if not args.no_crawl:
        step(out, "crawl", crawl, save)
    home = args.home.resolve() if args.home else None
    inst = server(args.heap, args.pagecache, home) if sizes else None
    try:
        for n in sizes:
            res: dict[str, Any] = {"models": n}
            out["sizes"].append(res)
            run_size(n, inst, res, save, tuple(args.steps.split(",")),  # type: ignore[arg-type]
                     (args.online_deadline, args.infer_deadline), args.report_max,
                     args.query_budget)
    finally:
        if inst:
            inst.stop()
    out["finished"] = datetime.now(UTC).isoformat()
    out["load_average"]["end"] = load_average()
    save()
    log(f"results in {dest}")


if __name__ == "__main__":
    main()
