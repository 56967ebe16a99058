"""``hflineage load``: snapshot files, leaderboards and the live Hub into the graph."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hflineage.cli.context import AppContext, Group, pass_app
from hflineage.cli.options import (
    batch_size_option,
    default_rejects_dir,
    progress_option,
    rejects_option,
    relation_option,
)
from hflineage.errors import BulkLoadRefusedError
from hflineage.loader import LoadSummary, load_hub, load_leaderboard, load_snapshot
from hflineage.loader.normalize.vocab import RELATIONS
from hflineage.loader.sources.hub import CrawlSpec, HubClient
from hflineage.loader.write.bulk import bulk_load


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
@rejects_option()
@batch_size_option
@progress_option
@click.option("--bulk", is_flag=True,
              help="First load into an EMPTY managed database: write CSVs, stop the server, "
                   "run neo4j-admin database import, start it again. Same graph, faster.")
@pass_app
def load_snapshot_cmd(app: AppContext, path: Path, contributor_kind: str, rejects: Path | None,
                      batch_size: int | None, progress: bool, bulk: bool) -> None:
    """Load a snapshot: a models.jsonl/commits.jsonl file, or a folder holding them.

    A models.parquet (one model a row, the same fields as columns) may stand in for
    models.jsonl, in the folder or given directly. Newer records win (by lastModified),
    reruns change nothing, bad lines and junk parents go to the rejects file, whose path
    is printed.

    \b
    Example:
      hflineage load snapshot ../shared/data/paper-2024 --rejects rejects.jsonl
      hflineage load snapshot commits.jsonl --contributor-kind git
      hflineage load snapshot data/synth-1m --bulk
      hflineage load snapshot hub-dump/models.parquet
    """
    if bulk:
        if app.settings.neo4j_uri:
            raise BulkLoadRefusedError("--bulk replaces the store of the managed server "
                                  "(`hflineage db start`); unset NEO4J_URI to use it")
        report(bulk_load(app.instance(), path, database=app.settings.neo4j_database,
                         rejects=rejects, rejects_dir=default_rejects_dir(), progress=progress,
                         contributor_kind=contributor_kind,
                         batch_size=batch_size or app.settings.hflineage_batch_size))
        return
    summary = load_snapshot(app.driver, path, database=app.database, rejects=rejects,
                            rejects_dir=default_rejects_dir(),
                            batch_size=batch_size or app.settings.hflineage_batch_size,
                            progress=progress, contributor_kind=contributor_kind,
                            lock=app.conn.load_lock)
    report(summary)


@load.command("leaderboard")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@rejects_option()
@batch_size_option
@progress_option
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
                               rejects_dir=default_rejects_dir(),
                            batch_size=batch_size or app.settings.hflineage_batch_size,
                               progress=progress, lock=app.conn.load_lock)
    report(summary)


@load.command("hub")
@click.option("--author", help="Only this user's or organization's models.")
@click.option("--search", help="Only models whose id contains this text.")
@click.option("--limit", type=click.IntRange(1), help="At most this many models.")
@click.option("--family", metavar="MODEL_ID",
              help="This model and its descendants, breadth-first through base_model: filters.")
@click.option("--depth", type=click.IntRange(0), default=3, show_default=True,
              help="Generations below --family to crawl.")
@relation_option(RELATIONS)
@click.option("--with-commits", is_flag=True, help="Also fetch each model's commit history.")
@click.option("--since", metavar="DATE|last",
              help="Only models modified since DATE, or since the crawl of the last complete "
                   "Hub load of the same scope ('last').")
@click.option("--refresh", is_flag=True,
              help="Re-check the stored models (one request each): update them, record "
                   "renames, mark 404s deleted. Narrow with --author/--limit.")
@click.option("--snapshot-out", type=click.Path(file_okay=False, path_type=Path),
              help="Crawl folder: models.jsonl/commits.jsonl (replayable with `load snapshot`), "
                   "events.jsonl and the checkpoint. Default: a folder in the state directory.")
@click.option("--restart", is_flag=True, help="Discard an unfinished crawl in the folder.")
@click.option("--endpoint", help="Hub URL (default HF_ENDPOINT, else https://huggingface.co).")
@click.option("--timeout", type=click.FloatRange(0.1), default=30.0, show_default=True,
              help="Seconds to wait for one Hub answer before retrying.")
@click.option("--retries", type=click.IntRange(0), default=5, show_default=True,
              help="Retries of a failing request (with backoff) before the crawl stops.")
@rejects_option("rejects.jsonl in the crawl folder")
@batch_size_option
@progress_option
@pass_app
def load_hub_cmd(  # noqa: PLR0913 (click passes each option as an argument)
        app: AppContext, author: str | None, search: str | None, limit: int | None,
        family: str | None, depth: int, relations: list[str] | None, with_commits: bool,
        since: str | None, refresh: bool, snapshot_out: Path | None, restart: bool,
        endpoint: str | None, timeout: float, retries: int, rejects: Path | None,
        batch_size: int | None, progress: bool) -> None:
    """Crawl the live Hub and load the models (and commits) it returns.

    Only the stored fields are requested (expand), 1,000 models a page. huggingface_hub
    backs off on 429/5xx and timeouts; a truncated page is fetched again. When the Hub
    keeps failing, the crawl stops at its checkpoint: the same command resumes it
    without fetching again what was written. HF_TOKEN is sent, never printed.

    \b
    Examples:
      hflineage load hub --author mistralai --with-commits
      hflineage load hub --family meta-llama/Llama-3.1-8B --depth 2 --snapshot-out crawl/
      hflineage load hub --author mistralai --since last
      hflineage load hub --refresh --author mistralai
    """
    spec = CrawlSpec(author=author, search=search, limit=limit, family=family, depth=depth,
                     relations=tuple(relations or ()), with_commits=with_commits, refresh=refresh)
    token = app.settings.hf_token.get_secret_value() if app.settings.hf_token else None
    client = HubClient(endpoint or app.settings.hf_endpoint, token, timeout=timeout,
                       retries=retries)
    done = load_hub(app.driver, spec, client, database=app.database, since=since,
                    folder=snapshot_out, crawl_dir=app.settings.crawl_dir, restart=restart,
                    rejects=rejects, batch_size=batch_size or app.settings.hflineage_batch_size,
                    progress=progress, notify=click.echo, lock=app.conn.load_lock)
    if done.crawl.models:
        report(done.summary)
    else:  # nothing new (--since) or only deletions (--refresh) is not a failure
        click.echo(done.summary.line())
