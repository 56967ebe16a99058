"""``hflineage load``: snapshot files and leaderboards into the graph."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hflineage.cliutil import AppContext, Group, pass_app
from hflineage.errors import BulkLoadRefusedError
from hflineage.loader.bulk import bulk_load
from hflineage.loader.leaderboard import load_leaderboard
from hflineage.loader.run import LoadSummary
from hflineage.loader.snapshot import load_snapshot


def batch_size_option(fn: click.decorators.FC) -> click.decorators.FC:
    return click.option("--batch-size", type=click.IntRange(1), default=None,
                        help="Rows per UNWIND batch (default HFLINEAGE_BATCH_SIZE, 5000).")(fn)


def rejects_option(fn: click.decorators.FC) -> click.decorators.FC:
    return click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path),
                        help="Rejects file (JSONL). Default: "
                             "./hflineage-rejects/<source>-<time>.jsonl.")(fn)


def report(summary: LoadSummary) -> None:
    """Print the summary; exit non-zero when nothing loaded."""
    click.echo(summary.line())
    if summary.loaded == 0:
        click.secho("Error: nothing was loaded", fg="red", err=True)
        sys.exit(1)


@click.group(cls=Group)
def load() -> None:
    """Load snapshot files, leaderboards or the live Hub into the graph.

    \b
    Examples:
      hflineage load snapshot data/paper-2024
      hflineage load leaderboard open-llm-leaderboard-v2.csv
    """


@load.command("snapshot")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--contributor-kind", type=click.Choice(["auto", "hub", "git"]), default="auto",
              show_default=True,
              help="Commit authors are Hub usernames (hub) or git display names (git); auto "
                   "picks git when most authors cannot be Hub usernames. A name that cannot "
                   "be a Hub username is git either way.")
@rejects_option
@batch_size_option
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option("--bulk", is_flag=True,
              help="First load into an EMPTY managed database: write CSVs, stop the server, "
                   "run neo4j-admin database import, start it again. Same graph, faster.")
@pass_app
def load_snapshot_cmd(app: AppContext, path: Path, contributor_kind: str, rejects: Path | None,
                      batch_size: int | None, progress: bool, bulk: bool) -> None:
    """Load a snapshot: a models.jsonl/commits.jsonl file, or a folder holding them.

    Newer records win (by lastModified), reruns change nothing, bad lines and junk
    parents go to the rejects file, whose path is printed.

    \b
    Example:
      hflineage load snapshot ../shared/data/paper-2024 --rejects rejects.jsonl
      hflineage load snapshot commits.jsonl --contributor-kind git
      hflineage load snapshot data/synth-1m --bulk
    """
    if bulk:
        if app.settings.neo4j_uri:
            raise BulkLoadRefusedError("--bulk replaces the store of the managed server "
                                  "(`hflineage db start`); unset NEO4J_URI to use it")
        report(bulk_load(app.instance(), path, database=app.settings.neo4j_database,
                         rejects=rejects, progress=progress, contributor_kind=contributor_kind,
                         batch_size=batch_size or app.settings.hflineage_batch_size))
        return
    summary = load_snapshot(app.driver, path, database=app.database, rejects=rejects,
                            batch_size=batch_size or app.settings.hflineage_batch_size,
                            progress=progress, contributor_kind=contributor_kind,
                            lock=app.conn.load_lock)
    report(summary)


@load.command("leaderboard")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@rejects_option
@batch_size_option
@click.option("--progress/--no-progress", default=True, show_default=True)
@pass_app
def load_leaderboard_cmd(app: AppContext, path: Path, rejects: Path | None,
                         batch_size: int | None, progress: bool) -> None:
    """Load an Open LLM Leaderboard file (CSV or Parquet, v1 or v2 detected from its columns).

    Keeps one score per model, benchmark and leaderboard (the row with the best Average);
    v2's Base Model becomes the model's rootModel, never a DERIVED_FROM edge.

    \b
    Example:
      hflineage load leaderboard open-llm-leaderboard-v2.csv
    """
    summary = load_leaderboard(app.driver, path, database=app.database, rejects=rejects,
                               batch_size=batch_size or app.settings.hflineage_batch_size,
                               progress=progress, lock=app.conn.load_lock)
    report(summary)
