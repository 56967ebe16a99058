"""Explorer pages and /dashboard at 10k to 1M synthetic models (issue 16), 8 clients.

Run ``./run bench-dashboard`` or ``.venv/bin/python bench/dashboard.py``.

At each size (default 10k, 100k and 1M synthetic models: ``hflineage.synth`` seed 1 as
bench/run.py generates it, models and commits through the bulk path, then the synthetic
Open LLM Leaderboard v2 through the online loader) on its own managed Neo4j, ``hflineage
serve`` runs as a subprocess and 8 concurrent clients time, to the last byte of the body:

- ``/model``, ``/family`` and ``/org``, on pages sampled with a fixed seed as bench/explore.py
  does: Neo4j is restarted and the explorer started afresh, one page per route outside the
  sample is requested (the primer), then every page once (cold: its first request since Neo4j
  and the explorer started) and once more (cached), with bench/explore.py's client subprocess;
- ``/dashboard``: the explorer is started afresh (an empty cache); each client has its own
  filters (``FILTERS``) and requests ``/dashboard``, then polls ``/api/dashboard`` every
  0.25 s until no section is pending, then requests ``/dashboard`` until it answers
  ``X-HFLineage-Pending: 0``. Cold is the time from its first request to that answer;
  cached is one more ``/dashboard`` right after, which must answer complete.

The explorer's resident memory (RSS of the ``serve`` process and its children) is sampled
every 0.2 s: at its start, and the start, peak and end of each phase. Ratios: ``/model`` p95
at each size over the smallest size's (cold and cached), ``/dashboard`` cached p95 over cold.

``--keep DIR`` keeps each size's loaded Neo4j in ``DIR/neo4j-<n>`` and reuses it on the next
run (a 1M bulk load takes minutes). Results go to ``bench/results/dashboard-<time>.json``;
``--table FILE`` prints a result's table. This is never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psutil
from explore import REQUEST_TIMEOUT, records, restart, round_of, sample, summary
from run import RESULTS, SEED, WORK, log, machine, server, snapshot

from hflineage.db.runtime import ManagedNeo4j, free_port
from hflineage.loader import load_leaderboard
from hflineage.loader.write.bulk import bulk_load

SIZES = "10000,100000,1000000"
WORKERS = 8
PAGE_ROUTES = ("model", "family", "org")
ROUTES = (*PAGE_ROUTES, "dashboard")
SAMPLE_EVERY = 0.2  # seconds between RSS samples
POLL_EVERY = 0.25  # seconds between /api/dashboard polls of one client
PENDING = "X-HFLineage-Pending"
MARKER = "bench-dashboard-load.json"
#: Summary name of each kind of request: ``answer`` is a client's first /dashboard answer
#: (pending sections allowed), part of its cold time.
MODES = (("cold", "first"), ("cached", "again"), ("primer", "primer"),
         ("first answer", "answer"))
MB = 1024**2
#: One filter combination per client; ``architecture`` is filled with the most common one.
FILTERS: tuple[tuple[str, dict[str, str]], ...] = (
    ("none", {}), ("relation=finetune", {"relation": "finetune"}),
    ("relation=quantized", {"relation": "quantized"}), ("license=permissive",
                                                        {"license": "permissive"}),
    ("since=2024-01", {"since": "2024-01"}), ("architecture", {"architecture": ""}),
    ("stubs=true", {"stubs": "true"}), ("leaderboard=v2", {"leaderboard": "v2"}))


class Skip(Exception):
    """A part of the benchmark that cannot run on this build; the rest goes on."""


# --- the graph ----------------------------------------------------------------------------
def graph(n: int, home: Path, heap: str, pagecache: str) -> tuple[ManagedNeo4j, dict[str, Any]]:
    """A running Neo4j in ``home`` holding the synthetic graph of ``n`` models: the one a
    previous run left there (its marker file says so), else loaded now."""
    marker = home / MARKER
    if marker.is_file():
        kept = json.loads(marker.read_text())
        if (kept.get("models"), kept.get("seed")) != (n, SEED):
            sys.exit(f"dashboard benchmark: {home} holds another graph ({kept.get('models')} "
                     f"models, seed {kept.get('seed')}): remove it or give another --keep")
        log(f"{n:,}: reusing the graph loaded {kept['loaded_at'][:16]} in {home}")
        return server(heap, pagecache, home), {**kept, "reused": True}
    _, _, synth = snapshot(n)
    folder = WORK / f"synth-{n}-s{SEED}"
    inst = server(heap, pagecache, home)
    try:
        log(f"{n:,}: bulk load of {folder}")
        bulk = bulk_load(inst, folder, rejects=home / "rejects-bulk.jsonl", max_off_heap="4G",
                         admin_heap="2g", replace=True)
        log(f"{n:,}: leaderboard v2")
        with inst.driver() as d:
            board = load_leaderboard(d, folder / "leaderboard-v2.csv",
                                     rejects=home / "rejects-leaderboard.jsonl")
    except BaseException:
        inst.stop()  # no marker: the next run with --keep loads again
        raise
    kept = {"models": n, "seed": SEED, "generator": synth.get("version"),
            "commit_share": synth.get("commit_share"),
            "loaded_at": datetime.now(UTC).isoformat(),
            "bulk": {"records": bulk.records_in, "loaded": bulk.loaded,
                     "rejected": bulk.rejected, "seconds": round(bulk.seconds, 1)},
            "leaderboard": {"records": board.records_in, "loaded": board.loaded,
                            "rejected": board.rejected, "seconds": round(board.seconds, 1)}}
    marker.write_text(json.dumps(kept, indent=1))
    return inst, {**kept, "reused": False}


# --- the explorer, a subprocess -----------------------------------------------------------
class Rss:
    """Resident memory of a process and its children, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss", daemon=True)
        self._thread.start()

    def take(self) -> None:
        try:
            procs = [self.proc, *self.proc.children(recursive=True)]
        except psutil.Error:
            return
        total = 0
        for p in procs:
            with suppress(psutil.Error):  # a child may end between the listing and the read
                total += p.memory_info().rss
        if total:
            self.samples.append((time.monotonic(), total / MB))

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY):
            self.take()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def between(self, t0: float, t1: float) -> dict[str, Any]:
        values = [mb for t, mb in self.samples if t0 <= t <= t1]
        if not values:
            return {"samples": 0}
        return {"start_mb": round(values[0], 1), "peak_mb": round(max(values), 1),
                "end_mb": round(values[-1], 1), "samples": len(values)}


@dataclass
class Served:
    """One ``hflineage serve`` process: its address, memory samples and phases."""

    base: str
    proc: subprocess.Popen[bytes]
    rss: Rss
    started: float = field(default_factory=time.monotonic)
    phases: dict[str, dict[str, Any]] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self.rss.take()
        t0 = time.monotonic()
        try:
            yield
        finally:
            self.rss.take()
            self.phases[name] = self.rss.between(t0, time.monotonic())

    def memory(self) -> dict[str, Any]:
        first = self.rss.samples[0][1] if self.rss.samples else None
        return {"start_mb": round(first, 1) if first else None,
                "peak_mb": round(max(mb for _, mb in self.rss.samples), 1)
                if self.rss.samples else None,
                "phases": self.phases,
                "series": [[round(t - self.started, 2), round(mb, 1)]
                           for t, mb in self.rss.samples]}


def hflineage_command() -> list[str]:
    exe = Path(sys.executable).with_name("hflineage")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "hflineage"]


@contextmanager
def explorer(inst: ManagedNeo4j, work: Path, name: str, timeout: float | None
             ) -> Iterator[Served]:
    """``hflineage serve`` over ``inst`` (NEO4J_* in its environment, run from ``work`` so no
    ``.env`` applies), ready when /healthz answers 200; stopped with SIGTERM at the end."""
    port = free_port()
    env = {**os.environ, "NEO4J_URI": inst.uri or "", "NEO4J_USERNAME": "neo4j",
           "NEO4J_PASSWORD": inst.password, "NEO4J_DATABASE": "neo4j"}
    cmd = [*hflineage_command(), "serve", "--port", str(port),
           *(["--timeout", str(timeout)] if timeout else [])]
    logfile = work / f"serve-{name}.log"
    with logfile.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=work)
    try:
        base = f"http://127.0.0.1:{port}"
        ready(base, proc, logfile)
        served = Served(base, proc, Rss(proc.pid))
        served.rss.take()
        try:
            yield served
        finally:
            served.rss.stop()
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def ready(base: str, proc: subprocess.Popen[bytes], logfile: Path, wait: float = 120.0) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"hflineage serve exited with {proc.returncode}: "
                               f"{logfile.read_text(errors='replace')[-2000:]}")
        if get(base + "/healthz", timeout=5).status == 200:
            return
        time.sleep(0.5)
    raise RuntimeError(f"hflineage serve did not answer /healthz within {wait:.0f} s")


# --- requests -----------------------------------------------------------------------------
@dataclass
class Answer:
    status: int | None
    body: bytes = b""
    pending: str | None = None
    error: str = ""


def get(url: str, timeout: float = REQUEST_TIMEOUT) -> Answer:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return Answer(r.status, r.read(), r.headers.get(PENDING))
    except urllib.error.HTTPError as e:
        return Answer(e.code, e.read(), e.headers.get(PENDING), str(e.reason))
    except (urllib.error.URLError, OSError) as e:
        return Answer(None, error=f"{type(e).__name__}: {e}")


def pending_of(a: Answer) -> int | None:
    """The page's pending sections from its header; None when it is absent or not a number."""
    try:
        return int(a.pending) if a.pending is not None else None
    except ValueError:
        return None


def complete_page(base: str, query: str, page: Answer, deadline: float) -> tuple[Answer, int]:
    """From the first answer ``page``, ``/dashboard`` until it answers complete, polling the
    JSON API in between; the last answer and the number of polls. A non-200 answer or a
    missing header ends it."""
    polls = 0
    while page.status == 200 and pending_of(page) not in (0, None):
        while True:
            if time.monotonic() > deadline:
                return Answer(None, error="still pending at the client's deadline"), polls
            time.sleep(POLL_EVERY)
            api = get(f"{base}/api/dashboard{query}")
            polls += 1
            if api.status != 200:
                return api, polls
            pending = field_of(api, "pending")
            if pending is None:
                return Answer(None, api.body, error="/api/dashboard gave no pending count"), polls
            if pending == 0:
                break
        page = get(f"{base}/dashboard{query}")
    return page, polls


def field_of(api: Answer, key: str) -> Any:
    """``key`` of a JSON answer; None when the body is not a JSON object."""
    try:
        body = json.loads(api.body)
    except ValueError:
        return None
    return body.get(key) if isinstance(body, dict) else None


def outcome(a: Answer) -> str:
    """Empty when ``a`` is a complete dashboard page, else why not."""
    if a.status != 200:
        return a.error or f"HTTP {a.status}"
    pending = pending_of(a)
    if pending is None:
        return f"no numeric {PENDING} header ({a.pending!r})"
    return "" if pending == 0 else f"{PENDING}: {pending}"


def dashboard_client(base: str, label: str, filters: dict[str, str], wait: float
                     ) -> list[dict[str, Any]]:
    """One client: its first answer, cold (until the page is complete), then cached (one
    more request)."""
    query = f"?{urlencode(filters)}" if filters else ""
    t0 = time.perf_counter()
    first = get(f"{base}/dashboard{query}")
    first_ms = (time.perf_counter() - t0) * 1000
    page, polls = complete_page(base, query, first, time.monotonic() + wait)
    cold_ms = (time.perf_counter() - t0) * 1000
    t1 = time.perf_counter()
    again = get(f"{base}/dashboard{query}")
    cached_ms = (time.perf_counter() - t1) * 1000
    api = get(f"{base}/api/dashboard{query}")
    statuses: dict[str, int] = {}
    for s in (field_of(api, "sections") or []) if api.status == 200 else []:
        key = str(s.get("status", "?")) if isinstance(s, dict) else "?"
        statuses[key] = statuses.get(key, 0) + 1
    answered = first.status == 200 and pending_of(first) is not None
    out = [{"route": "dashboard", "pass": "answer", "filters": label,
            "path": f"/dashboard{query}", "status": 200 if answered else first.status,
            "bytes": len(first.body), "ms": round(first_ms, 2), "pending": pending_of(first),
            **({} if answered else {"error": outcome(first)})}]
    extras: dict[str, dict[str, Any]] = {"first": {"polls": polls},
                                         "again": {"sections": statuses}}
    for pass_, a, ms in (("first", page, cold_ms), ("again", again, cached_ms)):
        why = outcome(a)
        out.append({"route": "dashboard", "pass": pass_, "filters": label,
                    "path": f"/dashboard{query}", "status": 200 if not why else a.status,
                    "bytes": len(a.body), "ms": round(ms, 2), **extras[pass_],
                    **({"error": why} if why else {})})
    return out


def dashboard_round(base: str, architecture: str | None, wait: float) -> list[dict[str, Any]]:
    """Each client with its filters at once; Skip when no client found the route."""
    plans = [(label, {k: v or (architecture or "") for k, v in f.items()})
             for label, f in FILTERS]
    with ThreadPoolExecutor(WORKERS) as pool:
        done = [r for client in pool.map(lambda p: dashboard_client(base, p[0], p[1], wait), plans)
                for r in client]
    if all(r["status"] == 404 for r in done if r["pass"] == "answer"):
        raise Skip("this build answers /dashboard with 404 (no dashboard yet): the /dashboard "
                   "part is skipped")
    return done


# --- one size -----------------------------------------------------------------------------
def pages_round(inst: ManagedNeo4j, out: dict[str, Any], work: Path, timeout: float | None
                ) -> dict[str, Any]:
    """/model, /family and /org: Neo4j restarted, a fresh explorer, then per route its
    primer, every page (cold) and every page again (cached), 8 at a time."""
    log(f"{out['models']:,}: restarting Neo4j, then the /model, /family, /org round")
    restart(inst)
    with explorer(inst, work, "pages", timeout) as served:
        for route in PAGE_ROUTES:
            plan = {"sample": {route: out["sample"][route]},
                    "primers": {route: out["primers"][route]}}
            with served.phase(route):
                got = round_of(served.base, plan, WORKERS, work)
            out["requests"] += got["requests"]
            out["wall_seconds"][route] = got["wall_seconds"]
        return served.memory()


def dashboard_part(inst: ManagedNeo4j, out: dict[str, Any], work: Path, timeout: float | None,
                   wait: float) -> dict[str, Any]:
    log(f"{out['models']:,}: a fresh explorer, then the /dashboard round")
    with explorer(inst, work, "dashboard", timeout) as served:
        try:
            with served.phase("dashboard"):
                out["requests"] += dashboard_round(served.base, out["architecture"], wait)
        except Skip as e:
            log(str(e))
            out["dashboard_skipped"] = str(e)
        return served.memory()


def latency(requests: list[dict[str, Any]]) -> dict[str, Any]:
    return {route: {mode: summary([r for r in requests
                                   if r["route"] == route and r["pass"] == pass_])
                    for mode, pass_ in MODES
                    if any(r["route"] == route and r["pass"] == pass_ for r in requests)}
            for route in ROUTES}


def run_size(n: int, home: Path, work: Path, args: argparse.Namespace,
             save: Callable[[], None], out: dict[str, Any]) -> None:
    inst, out["load"] = graph(n, home, args.heap, args.pagecache)
    try:
        out["graph"] = records(inst, "explore_size")[0]
        top = records(inst, "dashboard_top_architecture")
        out["architecture"] = top[0]["architecture"] if top else None
        out["sample"], out["primers"] = sample(inst, args.seed, args.limit)
        out |= {"requests": [], "wall_seconds": {}, "rss": {}}
        log(f"{n:,}: graph {out['graph']}, most common architecture {out['architecture']}")
        out["loadavg"] = {"before": os.getloadavg()}
        out["rss"]["pages"] = pages_round(inst, out, work, args.timeout)
        save()
        out["rss"]["dashboard"] = dashboard_part(inst, out, work, args.timeout,
                                                 args.dashboard_wait)
        out["loadavg"]["after"] = os.getloadavg()
    finally:
        if "requests" in out:
            out["latency"] = latency(out["requests"])
        inst.stop()
        save()


def ratios(sizes: list[dict[str, Any]]) -> dict[str, Any]:
    """``/model`` p95 over the smallest size's, and ``/dashboard`` cached p95 over cold."""
    done = [s for s in sizes if "latency" in s]
    if not done:
        return {}
    base = done[0]["latency"]["model"]
    out: dict[str, Any] = {"model_p95_vs": done[0]["models"], "model_p95": {},
                           "dashboard_cached_over_cold_p95": {}}
    for s in done:
        lat = s["latency"]
        out["model_p95"][str(s["models"])] = {
            mode: round(lat["model"][mode]["p95_ms"] / base[mode]["p95_ms"], 2)
            for mode in ("cold", "cached")
            if "p95_ms" in lat["model"].get(mode, {}) and "p95_ms" in base.get(mode, {})}
        d = lat["dashboard"]
        if "p95_ms" in d.get("cold", {}) and "p95_ms" in d.get("cached", {}):
            out["dashboard_cached_over_cold_p95"][str(s["models"])] = round(
                d["cached"]["p95_ms"] / d["cold"]["p95_ms"], 4)
    return out


# --- the table ----------------------------------------------------------------------------
def cell(c: dict[str, Any], key: str) -> str:
    return f"{c[key]:,.0f}" if key in c else "—"


def rss_cell(res: dict[str, Any], route: str) -> str:
    part = res.get("rss", {}).get("dashboard" if route == "dashboard" else "pages", {})
    ph = part.get("phases", {}).get(route, {})
    if "peak_mb" not in ph:
        return "—"
    return f"{part['start_mb']:,.0f} / {ph['peak_mb']:,.0f} / {ph['end_mb']:,.0f}"


def ratio_cell(res: dict[str, Any], route: str, rat: dict[str, Any]) -> str:
    key = str(res["models"])
    if route == "model" and key in rat.get("model_p95", {}):
        r = rat["model_p95"][key]
        return f"{r.get('cold', '—')} / {r.get('cached', '—')} (p95 vs {rat['model_p95_vs']:,})"
    if route == "dashboard" and key in rat.get("dashboard_cached_over_cold_p95", {}):
        return f"cached/cold p95 {rat['dashboard_cached_over_cold_p95'][key]}"
    return ""


def table(res: dict[str, Any]) -> list[str]:
    rows = ["| route | models | n | cold p50 ms | cold p95 ms | cached p50 ms | cached p95 ms "
            "| errors | ratio | serve RSS MB start / peak / end |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    rat = res.get("ratios", {})
    for route in ROUTES:
        for s in res["sizes"]:
            lat = s.get("latency", {}).get(route)
            if not lat or "cold" not in lat:
                continue
            cold, cached = lat["cold"], lat.get("cached", {})
            rows.append(
                f"| `/{route}` | {s['models']:,} | {cold['n']} | {cell(cold, 'p50_ms')} | "
                f"{cell(cold, 'p95_ms')} | {cell(cached, 'p50_ms')} | {cell(cached, 'p95_ms')} "
                f"| {cold['errors'] + cached.get('errors', 0)} | {ratio_cell(s, route, rat)} "
                f"| {rss_cell(s, route)} |")
            if "first answer" in lat:
                a = lat["first answer"]
                rows.append(f"| `/{route}` first answer | {s['models']:,} | {a['n']} | "
                            f"{cell(a, 'p50_ms')} | {cell(a, 'p95_ms')} | | | {a['errors']} "
                            "| | |")
    return rows


def facts(res: dict[str, Any]) -> list[str]:
    m, mem = res["machine"], res["neo4j_memory"]
    lines = [
        f"Measured {res['started'][:16].replace('T', ' ')} UTC on {m['cpu']}, {m['cores']} cores, "
        f"{m['ram_gb']} GB RAM, Python {m['python']}, Neo4j {m['neo4j']} (heap {mem['heap']}, "
        f"page cache {mem['pagecache']}); `hflineage serve` as a subprocess on the same machine, "
        f"{WORKERS} concurrent clients; explorer query timeout "
        + (f"{res['timeout']:g} s." if res.get("timeout") else
           "its default (HFLINEAGE_QUERY_TIMEOUT, else 60 s)."),
        "Latency in ms to the last byte of the body, over the requests answered 200 (errors: "
        "any other answer); p50/p95 interpolate between closest ranks. Pages (seed "
        f"{res['seed']}): cold = a page's first request after Neo4j and the explorer started "
        "(after one primer page per route), cached = the same page again. /dashboard: one "
        "request per client and filter set (8), cold = from the first /dashboard request of a "
        "fresh explorer (Neo4j not restarted: its page cache is warm from the page round) to "
        f"a /dashboard answered with {PENDING}: 0 (polling /api/dashboard "
        f"every {POLL_EVERY} s), cached = one /dashboard right after, complete; first answer = the "
        "client's first /dashboard answer, sections still pending allowed.",
        "Serve RSS: resident memory of the `hflineage serve` process and its children, sampled "
        f"every {SAMPLE_EVERY} s; start = when it first answered /healthz, peak and end = over "
        "the route's phase (the three page routes share one explorer process, the dashboard "
        "has its own).",
    ]
    lines += [size_line(s) for s in res["sizes"] if "graph" in s]
    return lines


def size_line(s: dict[str, Any]) -> str:
    g = s["graph"]
    parts = [f"{s['models']:,} synthetic models: {g['described']:,} described (+{g['stubs']:,} "
             f"stubs), {g['derivedFrom']:,} DERIVED_FROM edges, {g['organizations']:,} "
             f"organizations, {g['committedTo']:,} contributor–model links, {g['scored']:,} "
             "SCORED links",
             f"pages {', '.join(f'{len(v)} /{k}' for k, v in s['sample'].items())}",
             f"architecture filter {s.get('architecture')!r}"]
    sections: dict[str, int] = {}
    for r in s.get("requests", []):
        for status, count in r.get("sections", {}).items():
            sections[status] = sections.get(status, 0) + count
    if sections:
        parts.append("dashboard sections after the cached request, over the 8 filter sets: "
                     + ", ".join(f"{v} {k}" for k, v in sorted(sections.items())))
    if "after" in s.get("loadavg", {}):
        before, after = s["loadavg"]["before"][0], s["loadavg"]["after"][0]
        parts.append(f"load average (1 min) {before:.1f} before the requests, {after:.1f} after")
    if "dashboard_skipped" in s:
        parts.append(s["dashboard_skipped"])
    return "; ".join(parts) + "."


def dump(res: dict[str, Any]) -> str:
    return json.dumps(res, indent=1, default=str)


# --- main ---------------------------------------------------------------------------------
def parse() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=SIZES, help=f"comma-separated model counts ({SIZES})")
    ap.add_argument("--heap", default="4g", help="Neo4j heap (as bench/run.py: 4g)")
    ap.add_argument("--pagecache", default="4g", help="Neo4j page cache (4g)")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="keep each size's loaded Neo4j in DIR/neo4j-<n> and reuse it next time")
    ap.add_argument("--seed", type=int, default=SEED, help="page sample seed")
    ap.add_argument("--limit", type=int, help="at most this many pages per route (a trial run)")
    ap.add_argument("--timeout", type=float,
                    help="the explorer's query timeout in seconds (serve --timeout; default "
                         "its own, HFLINEAGE_QUERY_TIMEOUT or 60)")
    ap.add_argument("--dashboard-wait", type=float, default=3600.0,
                    help="seconds a client waits for a complete /dashboard (3600)")
    ap.add_argument("--table", type=Path, metavar="RESULT",
                    help="print the table of a result file and stop")
    args = ap.parse_args()
    try:
        args.size_list = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error(f"--sizes: not a comma-separated list of numbers: {args.sizes!r}")
    if not args.size_list or min(args.size_list) < 1:
        ap.error("--sizes: give at least one positive model count")
    return args


def print_table(path: Path) -> None:
    try:
        res = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        sys.exit(f"dashboard benchmark: cannot read {path}: {e}")
    print("\n".join([*facts(res), "", *table(res)]))


def main() -> None:
    args = parse()
    if args.table:
        print_table(args.table)
        return
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    work = WORK / f"dashboard-{stamp}"
    work.mkdir(parents=True)
    homes = args.keep.resolve() if args.keep else work
    homes.mkdir(parents=True, exist_ok=True)
    dest = RESULTS / f"dashboard-{stamp}.json"
    out: dict[str, Any] = {"started": started.isoformat(), "machine": machine(),
                           "neo4j_memory": {"heap": args.heap, "pagecache": args.pagecache},
                           "seed": args.seed, "limit": args.limit, "timeout": args.timeout,
                           "workers": WORKERS, "filters": [f for f, _ in FILTERS],
                           "keep": str(args.keep) if args.keep else None, "sizes": []}

    def save() -> None:
        out["ratios"] = ratios(out["sizes"])
        dest.write_text(dump(out))

    try:
        for n in sorted(args.size_list):
            res: dict[str, Any] = {"models": n}
            out["sizes"].append(res)
            run_size(n, homes / f"neo4j-{n}", work, args, save, res)
    except BaseException as e:
        out["error"] = f"{type(e).__name__}: {e}"[:2000]
        raise
    finally:
        out["finished"] = datetime.now(UTC).isoformat()
        save()
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join([*facts(out), "", *table(out)]))
    log(f"results in {dest}")


if __name__ == "__main__":
    main()
