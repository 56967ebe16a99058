"""The synthetic ecosystem: deterministic, shaped like the real snapshots, calibrated."""

from __future__ import annotations

import csv
import json
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from hflineage.cli import cli
from hflineage.loader.normalize.vocab import RELATIONS
from hflineage.synth import LEADERBOARD_COLUMNS, RELATION_EDGES, RELATION_ORDER, generate

N = 12_000


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synth")
    return out, generate(N, 3, out)


def _models(path: Path) -> tuple[list[dict], int]:
    good, bad = [], 0
    for line in (path / "models.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            good.append(json.loads(line))
        except json.JSONDecodeError:
            bad += 1
    return good, bad


def _parents(rec: dict) -> dict[str, str]:
    """Typed parents from the tags (the truth the generator keeps clean)."""
    out = {}
    for tag in rec.get("tags", []):
        parts = tag.split(":", 2)
        if parts[0] == "base_model" and len(parts) == 3 and parts[1] in RELATIONS:
            out[parts[2]] = parts[1]
    return out


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    a, b, c = (generate(800, seed, tmp_path / str(k)) for k, seed in enumerate((5, 5, 6)))
    assert a == b
    for name in ("models.jsonl", "commits.jsonl", "leaderboard-v2.csv"):
        assert (tmp_path / "0" / name).read_bytes() == (tmp_path / "1" / name).read_bytes()
        assert (tmp_path / "0" / name).read_bytes() != (tmp_path / "2" / name).read_bytes()
    assert c != a


def test_models_have_the_snapshot_shape(snap: tuple[Path, dict]) -> None:
    path, summary = snap
    models, bad = _models(path)
    assert bad == summary["dirty_truncated_line"] > 0
    assert len(models) + bad == summary["model_lines"]
    ids = {m["id"] for m in models}
    assert len({i.lower() for i in ids}) == N
    assert len(ids) == N + summary["dirty_case_variant"]
    for m in models:
        assert all(v is not None for v in m.values())
        assert m["createdAt"].endswith("Z") and len(m["createdAt"]) == 24
        assert m["createdAt"] <= m["lastModified"]
        assert m["author"] == m["id"].split("/")[0]
    exact_dups = len(models) - len({json.dumps(m, sort_keys=True) for m in models})
    assert exact_dups == summary["dirty_duplicate_line"] > 0


def test_every_parent_is_described_and_older(snap: tuple[Path, dict]) -> None:
    models, _ = _models(snap[0])
    created = {m["id"]: m["createdAt"] for m in models}
    typed = 0
    for m in models:
        for parent in _parents(m):
            assert parent in created
            assert created[parent] < m["createdAt"]
            typed += 1
        legacy = [t.split(":", 1)[1] for t in m["tags"]
                  if t.startswith("base_model:") and t.count(":") == 1]
        assert set(_parents(m)) <= set(legacy)
    assert typed > 0


def test_relation_mix_matches_huggingkg(snap: tuple[Path, dict]) -> None:
    edges = snap[1]["edges"]
    total = sum(edges.values())
    target = sum(RELATION_EDGES)
    assert sorted(RELATION_ORDER) == sorted(RELATIONS)
    for rel, real in zip(RELATION_ORDER, RELATION_EDGES, strict=True):
        assert abs(edges[rel] / total - real / target) < 0.025, (rel, edges)
    assert 0.22 < total / N < 0.34  # HuggingKG: 330k edges over 1.2M models


def test_family_sizes_are_heavy_tailed_and_chains_deep(tmp_path: Path) -> None:
    from hflineage.synth import Ecosystem

    eco = Ecosystem(50_000, 2)
    family: Counter[int] = Counter(eco.core(i).root for i in range(50_000))
    depth = max(eco.core(i).depth for i in range(50_000))
    sizes = sorted(family.values(), reverse=True)
    assert sizes[0] >= 1000
    assert statistics.median(sizes) == 1
    assert depth >= 4


def test_contributors_and_commits_match_the_paper(snap: tuple[Path, dict]) -> None:
    authors: defaultdict[str, set[str]] = defaultdict(set)
    commits: Counter[str] = Counter()
    for line in (snap[0] / "commits.jsonl").read_text().splitlines():
        c = json.loads(line)
        assert len(c["authors"]) == 1 and len(c["commit_id"]) == 40
        authors[c["model"]].update(c["authors"])
        commits[c["model"]] += 1
    per_repo = [len(a) for a in authors.values()]
    assert abs(sum(1 for k in per_repo if k == 1) / len(per_repo) - 0.77) < 0.03
    assert abs(statistics.mean(per_repo) - 1.41) < 0.12
    assert 8 <= statistics.mean(commits.values()) <= 12
    assert snap[1]["ghost_commit_models"] > 0


def test_leaderboard_is_v2_shaped_with_about_one_percent_coverage(
        snap: tuple[Path, dict]) -> None:
    with (snap[0] / "leaderboard-v2.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == LEADERBOARD_COLUMNS
        rows = list(reader)
    assert len(rows) == snap[1]["leaderboard_rows"]
    assert 0.005 < len(rows) / N < 0.02
    assert {r["Available on the hub"] for r in rows} == {"TRUE", "FALSE"}
    assert all(r["Hub License"] == "" for r in rows if r["Available on the hub"] == "FALSE")
    merges = [r for r in rows if r["Merged"] == "TRUE"]
    assert all(r["Base Model"].lower() == f"{r['fullname']} (merge)".lower() for r in merges)


def test_cli_writes_the_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["synth", "--models", "300", "--seed", "1",
                                      "--out", str(tmp_path), "--commit-share", "0.5"])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "synth.json").read_text())
    assert summary["models"] == 300 and summary["seed"] == 1
    assert 0 < summary["repos_with_commits"] < 300
    assert "300" in result.output or "30" in result.output


_RSS = """
import resource, sys, tempfile
from pathlib import Path
from hflineage.synth import generate
generate(int(sys.argv[1]), 1, Path(tempfile.mkdtemp()), commit_share=0.1)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@pytest.mark.slow
def test_memory_is_flat_in_the_model_count() -> None:
    def peak(n: int) -> int:
        out = subprocess.run([sys.executable, "-c", _RSS, str(n)], capture_output=True,
                             text=True, check=True)
        return int(out.stdout.strip())

    small, large = peak(20_000), peak(200_000)
    assert large < 2 * small, (small, large)
