"""Explorer latency (issue 15): ``./run bench-explore`` or ``.venv/bin/python bench/explore.py``.

On its own managed Neo4j (in ``bench/results/tmp/explore-<time>/``, removed at the end) it loads
the paper-2024 snapshot (models and commits) and both Open LLM Leaderboard CSVs through the
loader, samples pages with a fixed seed (200 described models; the roots of the 50 largest
families and 50 random roots with a derivative; the 50 largest organizations and 50 random
ones), serves the explorer over HTTP on 127.0.0.1 (``hflineage.explore.serve``, in a thread)
and times ``/model``, ``/family`` and ``/org`` from a client subprocess: each page's first
request, then each page again, sequentially, then both passes again with 8 concurrent clients.
Neo4j is restarted before each of the two rounds and one page per route outside the sample (the
primer, timed on its own) is requested first, so a round's first pass is the first request of
each page since Neo4j started, with the route's queries already compiled. Latency is to the last
byte of the body; any answer other than 200 is an error.

Results go to ``bench/results/explore-<time>.json``; ``--table FILE`` prints a result's table.
This is never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from run import RESULTS, WORK, cypher, log, machine, server

from hflineage.config import get_settings
from hflineage.db.connection import Connection
from hflineage.db.runtime import ManagedNeo4j
from hflineage.db.schema import init_schema
from hflineage.explore.family import family_path
from hflineage.explore.model import model_path
from hflineage.explore.org import org_path
from hflineage.explore.server import explorer_driver, serve
from hflineage.loader import load_leaderboard, load_snapshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' data location
from tests.support.paths import SHARED_DATA

SEED = 15
MODELS, LARGEST, RANDOM = 200, 50, 50
WORKERS = 8
REQUEST_TIMEOUT = 300.0
ROUTES = ("model", "family", "org")
ROUNDS = (("sequential", 1), ("concurrent", WORKERS))
PASSES = ("first", "again")
PRIMER = "another page, first after Neo4j starts"
SNAPSHOT = "paper-2024"
BOARDS = ("leaderboard/open-llm-leaderboard-v1.csv", "leaderboard/open-llm-leaderboard-v2.csv")


# --- the graph ----------------------------------------------------------------------------
def records(inst: ManagedNeo4j, name: str) -> list[dict[str, Any]]:
    with inst.driver() as d:
        return [r.data() for r in d.execute_query(cypher(name)).records]


def load(inst: ManagedNeo4j, data: Path, work: Path) -> dict[str, Any]:
    """The snapshot and both leaderboards, as ``hflineage load snapshot|leaderboard`` do."""
    out: dict[str, Any] = {}
    with inst.driver() as d:
        init_schema(d)
        for name, path in ((SNAPSHOT, data / SNAPSHOT), *((b, data / b) for b in BOARDS)):
            log(f"loading {path}")
            if name == SNAPSHOT:
                s = load_snapshot(d, path, rejects=work / "rejects-snapshot.jsonl")
            else:
                s = load_leaderboard(d, path, rejects=work / f"rejects-{Path(name).stem}.jsonl")
            out[name] = {"records": s.records_in, "loaded": s.loaded, "rejected": s.rejected,
                         "seconds": round(s.seconds, 1)}
            log(f"  {out[name]}")
    return out


def sample(inst: ManagedNeo4j, seed: int, limit: int | None
           ) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The pages of each route, drawn with ``seed`` from lists in a fixed order, and one
    other page per route (the primer: the first request after Neo4j starts)."""
    rng = random.Random(seed)
    models = [r["id"] for r in records(inst, "explore_models")]
    roots = [r["id"] for r in records(inst, "explore_roots")]
    orgs = [r["name"] for r in records(inst, "explore_orgs")]

    def largest_and_random(ordered: list[str]) -> list[str]:
        rest = ordered[LARGEST:]
        return ordered[:LARGEST] + rng.sample(rest, min(RANDOM, len(rest)))

    picked = {"model": rng.sample(models, min(MODELS, len(models))),
              "family": largest_and_random(roots), "org": largest_and_random(orgs)}
    pages = {"model": [model_path(m) for m in picked["model"]],
             "family": [family_path(r) for r in picked["family"]],
             "org": [org_path(o) for o in picked["org"]]}
    primers = {"model": model_path(rng.choice(sorted(set(models) - set(picked["model"])))),
               "family": family_path(rng.choice(sorted(set(roots) - set(picked["family"])))),
               "org": org_path(rng.choice(sorted(set(orgs) - set(picked["org"]))))}
    return {k: v[:limit] for k, v in pages.items()}, primers


def restart(inst: ManagedNeo4j) -> None:
    uri = inst.uri
    inst.stop()
    inst.start(timeout=600)
    if inst.uri != uri:
        raise RuntimeError(f"Neo4j came back on {inst.uri}, not {uri}")


# --- the explorer -------------------------------------------------------------------------
@contextmanager
def explorer(inst: ManagedNeo4j) -> Iterator[str]:
    """``hflineage serve`` in a daemon thread (its driver and read limit); yields its URL.
    serve() has no stop handle: the thread ends with this process."""
    ready = threading.Event()
    url: list[str] = []
    failed: list[BaseException] = []
    conn = Connection(inst.uri or "", "neo4j", inst.password)

    def on_ready(u: str) -> None:
        url.append(u)
        ready.set()

    def run() -> None:
        try:
            serve(drv, "neo4j", host="127.0.0.1", port=0,
                  timeout=get_settings().hflineage_query_timeout, on_ready=on_ready,
                  uri=conn.uri)
        except BaseException as e:
            failed.append(e)
            ready.set()

    with explorer_driver(conn) as drv:
        threading.Thread(target=run, name="explorer", daemon=True).start()
        if not ready.wait(60) or failed:
            raise RuntimeError(f"the explorer did not start: {failed}")
        yield url[0]


def healthy(base: str, wait: float = 120.0) -> None:
    """Wait until /healthz answers 200 (after a Neo4j restart); not a measured page."""
    deadline = time.monotonic() + wait
    while True:
        status, _, _ = fetch(base + "/healthz")
        if status == 200:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{base}/healthz answered {status} for {wait:.0f} s")
        time.sleep(1)


# --- the clients (a subprocess, so their work does not share the server's interpreter) -----
def fetch(url: str) -> tuple[int | None, int, str]:
    """Status, body bytes and error text of one GET."""
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as r:
            return r.status, len(r.read()), ""
    except urllib.error.HTTPError as e:
        return e.code, len(e.read()), e.reason
    except (urllib.error.URLError, OSError) as e:
        return None, 0, f"{type(e).__name__}: {e}"


def timed(base: str, route: str, pass_: str, path: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    status, size, error = fetch(base + path)
    ms = (time.perf_counter() - t0) * 1000
    return {"route": route, "pass": pass_, "path": path, "status": status, "bytes": size,
            "ms": round(ms, 2), **({"error": error} if error else {})}


def clients_main(plan_file: str, out_file: str) -> None:
    """One round: per route, its primer page, then every page once (first), then again."""
    plan = json.loads(Path(plan_file).read_text())
    out: list[dict[str, Any]] = []
    walls: dict[str, float] = {}
    with ThreadPoolExecutor(plan["workers"]) as pool:
        for route, paths in plan["pages"].items():
            out.append(timed(plan["base"], route, "primer", plan["primers"][route]))
            for pass_ in PASSES:
                t0 = time.perf_counter()
                out += pool.map(lambda p, r=route, s=pass_: timed(plan["base"], r, s, p), paths)
                walls[f"{route}/{pass_}"] = round(time.perf_counter() - t0, 2)
    Path(out_file).write_text(json.dumps({"requests": out, "wall_seconds": walls}))


def round_of(base: str, res: dict[str, Any], workers: int, work: Path) -> dict[str, Any]:
    plan, result = work / f"plan-{workers}.json", work / f"requests-{workers}.json"
    plan.write_text(json.dumps({"base": base, "workers": workers, "pages": res["sample"],
                                "primers": res["primers"]}))
    subprocess.run([sys.executable, str(Path(__file__)), "--clients", str(plan), str(result)],
                   check=True)
    return dict(json.loads(result.read_text()))


# --- figures ------------------------------------------------------------------------------
def percentile(values: list[float], p: int) -> float:
    """Linear interpolation between closest ranks (``statistics.quantiles``, inclusive)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def summary(requests: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r["ms"] for r in requests if r["status"] == 200]
    errors = [{k: r.get(k) for k in ("path", "status", "error", "ms")}
              for r in requests if r["status"] != 200]
    figures = {"p50_ms": round(percentile(ok, 50), 1), "p95_ms": round(percentile(ok, 95), 1),
               "max_ms": round(max(ok), 1)} if ok else {}
    return {"n": len(requests), "ok": len(ok), **figures, "errors": len(errors),
            "error_list": errors}


def table(res: dict[str, Any]) -> list[str]:
    rows = ["| route | mode | n | p50 ms | p95 ms | max ms | errors |",
            "|---|---|---|---|---|---|---|"]
    for route in ROUTES:
        for mode, cell in res["latency"][route].items():
            rows.append(f"| `/{route}` | {mode} | {cell['n']} | "
                        + " | ".join(f"{cell[k]:,.1f}" if k in cell else "—"
                                     for k in ("p50_ms", "p95_ms", "max_ms"))
                        + f" | {cell['errors']} |")
    return rows


def facts(res: dict[str, Any]) -> list[str]:
    m, g, mem = res["machine"], res["graph"], res["neo4j_memory"]
    load = res["loadavg"]
    return [
        f"Measured {res['started'][:16].replace('T', ' ')} UTC on {m['cpu']}, {m['cores']} cores, "
        f"{m['ram_gb']} GB RAM, Python {m['python']}, Neo4j {m['neo4j']} (heap {mem['heap']}, "
        f"page cache {mem['pagecache']}); load average (1 min) {load['start'][0]:.1f} at the "
        f"start, {load['before_requests'][0]:.1f} before the requests, "
        f"{load['after'][0]:.1f} after.",
        f"Graph: {g['described']:,} described models (+{g['stubs']:,} stubs), "
        f"{g['derivedFrom']:,} DERIVED_FROM edges, {g['commits']:,} commits "
        f"({g['committedTo']:,} contributor–model links), {g['organizations']:,} organizations, "
        f"{g['scored']:,} SCORED links.",
        f"Pages: {', '.join(f'{len(v)} /{k}' for k, v in res['sample'].items())} (seed "
        f"{res['seed']}); n = requests; p50, p95 and max in ms to the last byte of the body, over "
        "the requests answered 200 (an error is any other answer).",
    ]


def mode_name(round_: str, pass_: str) -> str:
    who = "sequential" if round_ == "sequential" else f"{WORKERS} concurrent"
    return f"{who}, {'first request' if pass_ == 'first' else 'again'}"


def dump(res: dict[str, Any]) -> str:
    """The result as JSON, one line per request."""
    text = json.dumps({k: v for k, v in res.items() if k != "requests"}, indent=1, default=str)
    if not res.get("requests"):
        return text
    lines = ",\n  ".join(json.dumps(r) for r in res["requests"])
    return text[:-2] + f',\n "requests": [\n  {lines}\n ]\n}}\n'


# --- main ---------------------------------------------------------------------------------
def missing(data: Path) -> list[Path]:
    wanted = [data / SNAPSHOT / "models.jsonl", data / SNAPSHOT / "commits.jsonl",
              *(data / b for b in BOARDS)]
    return [p for p in wanted if not p.is_file()]


def measure(inst: ManagedNeo4j, out: dict[str, Any], data: Path, work: Path) -> None:
    out["load"] = load(inst, data, work)
    out["graph"] = records(inst, "explore_size")[0]
    out["sample"], out["primers"] = sample(inst, out["seed"], out["limit"])
    log(f"graph {out['graph']}")
    out["latency"] = {route: {} for route in ROUTES}
    out["wall_seconds"] = {}
    out["requests"] = []
    with explorer(inst) as base:
        out["loadavg"]["before_requests"] = os.getloadavg()
        for round_, workers in ROUNDS:
            log(f"restarting Neo4j, then the {round_} round")
            restart(inst)
            healthy(base)
            got = round_of(base, out, workers, work)
            out["wall_seconds"][round_] = got["wall_seconds"]
            for r in got["requests"]:
                r["round"] = round_
            out["requests"] += got["requests"]
            for route in ROUTES:
                for pass_ in PASSES:
                    picked = [r for r in got["requests"]
                              if r["route"] == route and r["pass"] == pass_]
                    out["latency"][route][mode_name(round_, pass_)] = summary(picked)
        for route in ROUTES:
            out["latency"][route][PRIMER] = summary(
                [r for r in out["requests"] if r["route"] == route and r["pass"] == "primer"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=SHARED_DATA,
                    help="the folder holding paper-2024/ and leaderboard/ (default ../shared/data)")
    ap.add_argument("--heap", default="2g")
    ap.add_argument("--pagecache", default="1g")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--limit", type=int, help="at most this many pages per route (a trial run)")
    ap.add_argument("--table", type=Path, metavar="RESULT",
                    help="print the table of a result file and stop")
    ap.add_argument("--clients", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.clients:
        clients_main(*args.clients)
        return
    if args.table:
        res = json.loads(args.table.read_text())
        print("\n".join([*facts(res), "", *table(res)]))
        return
    if absent := missing(args.data):
        sys.exit(f"explorer benchmark: {absent[0]} is missing (give --data: the folder with "
                 f"{SNAPSHOT}/ and leaderboard/)")
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    work = WORK / f"explore-{stamp}"
    work.mkdir(parents=True)
    dest = RESULTS / f"explore-{stamp}.json"
    out: dict[str, Any] = {"started": started.isoformat(), "machine": machine(),
                           "neo4j_memory": {"heap": args.heap, "pagecache": args.pagecache},
                           "data": str(args.data), "seed": args.seed, "limit": args.limit,
                           "loadavg": {"start": os.getloadavg()}}
    inst: ManagedNeo4j | None = None
    try:
        inst = server(args.heap, args.pagecache, work / "neo4j")
        measure(inst, out, args.data, work)
    except BaseException as e:
        out["error"] = f"{type(e).__name__}: {e}"[:2000]
        raise
    finally:
        out["loadavg"]["after"] = os.getloadavg()
        out["finished"] = datetime.now(UTC).isoformat()
        dest.write_text(dump(out))
        if inst is not None:
            inst.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join([*facts(out), "", *table(out)]))
    log(f"results in {dest}")


if __name__ == "__main__":
    main()
