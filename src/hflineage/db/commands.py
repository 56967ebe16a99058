"""``hflineage db``: run and inspect the Neo4j server."""

from __future__ import annotations

import json
import time

import click

from hflineage.cliutil import AppContext, Group, pass_app
from hflineage.db import schema
from hflineage.errors import HFLineageError


@click.group(cls=Group)
def db() -> None:
    """Run and inspect the Neo4j server.

    \b
    Examples:
      hflineage db start
      hflineage db status
      eval "$(hflineage db env)"
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
    schema.init_schema_at(inst)


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
