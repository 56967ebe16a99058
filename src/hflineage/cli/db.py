"""``hflineage db``: run and inspect the Neo4j server."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from hflineage.cli.context import AppContext, Group, pass_app
from hflineage.cli.options import default_rejects_dir
from hflineage.db import admin, schema
from hflineage.db.connection import ensure_restored
from hflineage.errors import ConfirmationRequiredError, HFLineageError
from hflineage.loader.write import run as load_runs


@click.group(cls=Group)
def db() -> None:
    """Run and inspect the Neo4j server.

    \b
    Examples:
      hflineage db start
      hflineage db status
      eval "$(hflineage db env)"
      hflineage db dump graph.tar && hflineage db restore graph.tar
      hflineage db reset
      hflineage db stop
    """


@db.command("start")
@click.option("--timeout", default=300.0, show_default=True, help="Seconds to wait for Bolt.")
@pass_app
def db_start(app: AppContext, timeout: float) -> None:
    """Provision (once) and start the managed local Neo4j 5.26 server.

    Downloads Neo4j Community from Maven Central into the cache on first use,
    sets a random password (stored with mode 0600) and waits until Bolt answers.
    Starting twice is harmless.

    \b
    Example:
      hflineage db start
    """
    inst = app.instance()
    t0 = time.monotonic()
    was = inst.status().state
    status = inst.start(timeout=timeout)
    took = time.monotonic() - t0
    verb = "already running" if was == "running" else f"started in {took:.1f}s"
    click.echo(f"Neo4j {status.version} {verb} at {status.uri} (home {status.home})")
    ensure_restored(inst)
    with inst.driver(app.settings.hflineage_retry_time) as driver:
        schema.init_schema(driver)


@db.command("stop")
@pass_app
def db_stop(app: AppContext) -> None:
    """Stop the managed Neo4j server.

    \b
    Example:
      hflineage db stop
    """
    stopped = app.instance().stop()
    click.echo("Neo4j stopped" if stopped else "Neo4j was not running")


@db.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_app
def db_status(app: AppContext, as_json: bool) -> None:
    """Print the managed server's state and Bolt URI.

    \b
    Example:
      hflineage db status --json
    """
    status = app.instance().status()
    if as_json:
        click.echo(json.dumps(status.as_dict()))
        return
    click.echo(f"state:   {status.state}")
    click.echo(f"uri:     {status.uri or '-'}")
    click.echo(f"pid:     {status.pid or '-'}")
    click.echo(f"version: {status.version}")
    click.echo(f"home:    {status.home}")
    if app.settings.neo4j_uri:
        click.echo(f"note:    NEO4J_URI is set, so commands use {app.settings.neo4j_uri}")


@db.command("env")
@pass_app
def db_env(app: AppContext) -> None:
    """Print shell export lines for NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD.

    \b
    Example:
      eval "$(hflineage db env)"
    """
    inst = app.instance()
    if inst.status().state != "running":
        raise HFLineageError("the managed Neo4j is not running: run `hflineage db start`")
    click.echo("\n".join(inst.env_lines()))


@db.command("init")
@pass_app
def db_init(app: AppContext) -> None:
    """Create constraints and indexes (idempotent; loads do this too).

    \b
    Example:
      hflineage db init
    """
    schema.init_schema(app.driver, app.database)
    click.echo(f"schema ready on {app.conn.uri} ({app.database})")


def confirmer(yes: bool) -> admin.Confirm:
    """Ask on the terminal; ``--yes`` answers for the user; no terminal and no ``--yes``: refuse."""
    def ask(question: str) -> bool:
        if yes:
            return True
        if not sys.stdin.isatty():
            raise ConfirmationRequiredError(
                f"{question} There is no terminal to ask, so nothing was changed: pass --yes")
        return click.confirm(question, default=False)
    return ask


yes_option = click.option("--yes", is_flag=True,
                          help="Do not ask first (required when there is no terminal).")


@db.command("reset")
@yes_option
@click.option("--database", help="Database to empty (required with NEO4J_URI, unless "
                                 "NEO4J_DATABASE names it).")
@pass_app
def db_reset(app: AppContext, yes: bool, database: str | None) -> None:
    """Empty the graph: every node, LoadRuns included, then `db init`.

    Also removes the crawl checkpoints kept in the state folder; rejects files are listed,
    never deleted. Shows the node count and asks first.

    \b
    Examples:
      hflineage db reset
      NEO4J_URI=bolt://host:7687 hflineage db reset --database scratch --yes
    """
    name = admin.database_to_reset(app.settings, database)
    app.repairing = True
    result = admin.reset_graph(
        app.driver, name,
        crawl_dir=app.settings.crawl_dir,
        rejects_dirs=[default_rejects_dir(), load_runs.default_rejects_dir()],
        confirm=confirmer(yes), instance=app.instance() if app.conn.managed else None)
    click.echo("\n".join(result.lines()))


@db.command("dump")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@pass_app
def db_dump(app: AppContext, file: Path, force: bool) -> None:
    """Save the managed graph in FILE: Neo4j's dump plus a manifest.json.

    Stops the server for `neo4j-admin database dump` and starts it again; refused
    while a load runs. For a NEO4J_URI server use its own tools (neo4j-admin, Aura).

    \b
    Example:
      hflineage db dump paper-2024.tar
    """
    result = admin.dump_graph(admin.managed_instance(app.settings, "dump"), file,
                              database=app.settings.neo4j_database, force=force)
    click.echo("\n".join(result.lines()))


@db.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@yes_option
@pass_app
def db_restore(app: AppContext, file: Path, yes: bool) -> None:
    """Replace the managed graph with the one saved in FILE by `db dump`.

    Asks first when the graph holds data; stops the server for `neo4j-admin database
    load` and starts it again. FILE is only read.

    \b
    Example:
      hflineage db restore paper-2024.tar --yes
    """
    result = admin.restore_graph(admin.managed_instance(app.settings, "restore"), file,
                                 database=app.settings.neo4j_database, confirm=confirmer(yes))
    click.echo("\n".join(result.lines()))
