"""``hflineage synth``: write a synthetic snapshot of any size."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from hflineage.synth import MODEL_FORMATS, generate


@click.command("synth")
@click.option("--models", "n", type=click.IntRange(min=1), required=True,
              help="How many models to generate.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Same seed, same bytes.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for models.jsonl (or .parquet), commits.jsonl, leaderboard-v2.csv, "
                   "synth.json.")
@click.option("--commit-share", type=click.FloatRange(0, 1), default=1.0, show_default=True,
              help="Fraction of repos given a commit history.")
@click.option("--format", "models_format", type=click.Choice(MODEL_FORMATS), default="jsonl",
              show_default=True,
              help="models.jsonl, or models.parquet (JSON text for config, safetensors and "
                   "cardData; the truncated dirty lines are left out). Commits stay JSONL.")
def synth(n: int, seed: int, out: Path, commit_share: float, models_format: str) -> None:
    """Write a synthetic Hub snapshot shaped like the real ones.

    Calibrated to published distributions (relation mix, family sizes, authors and
    commits per repo, licences, leaderboard coverage) with some dirty input; see
    ``hflineage.synth``. Memory stays flat at any size.

    \b
    Example:
      hflineage synth --models 100000 --seed 1 --out data/synth-100k
      hflineage load snapshot data/synth-100k
      hflineage synth --models 100000 --seed 1 --format parquet --out data/synth-100k-pq
    """
    t0 = time.monotonic()
    summary = generate(n, seed, out, commit_share=commit_share, models_format=models_format)
    unit = "rows" if models_format == "parquet" else "lines"
    click.echo(f"wrote {summary['model_lines']:,} model {unit}, {summary.get('commits', 0):,} "
               f"commits, {summary.get('leaderboard_rows', 0):,} leaderboard rows to {out} "
               f"in {time.monotonic() - t0:.1f}s")
    click.echo(json.dumps(summary["edges"]))
