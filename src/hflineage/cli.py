"""The ``hflineage`` command line: a thin layer over the library functions."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import neo4j

from hflineage.config import Settings, get_settings
from hflineage.db import connection, runtime, schema
from hflineage.errors import HFLineageError

F = TypeVar("F", bound=Callable[..., Any])


class AppContext:
    """Settings and the one driver of this process, opened on first use."""

    def __init__(self, settings: Settings, debug: bool) -> None:
        self.settings = settings
        self.debug = debug
        self._driver: neo4j.Driver | None = None
        self._conn: connection.Connection | None = None

    @property
    def conn(self) -> connection.Connection:
        if self._conn is None:
            self._conn = connection.resolve_connection(self.settings)
        return self._conn

    @property
    def database(self) -> str:
        return self.conn.database

    @property
    def driver(self) -> neo4j.Driver:
        if self._driver is None:
            self._driver = connection.open_driver(self.conn)
        return self._driver

    def secrets(self) -> list[str]:
        values = [s.get_secret_value() for s in (self.settings.neo4j_password,
                                                 self.settings.hf_token) if s]
        if self._conn is not None:
            values.append(self._conn.password)
        return [v for v in values if v]

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    def instance(self) -> runtime.ManagedNeo4j:
        s = self.settings
        return runtime.user_instance(s.state_dir, s.cache_dir, s.hflineage_neo4j_version)


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class Group(click.Group):
    """Turns hflineage and driver errors into one clean line, unless ``--debug``."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (HFLineageError, neo4j.exceptions.Neo4jError,
                neo4j.exceptions.DriverError, OSError) as e:
            app = ctx.find_object(AppContext)
            if app is None or app.debug:
                raise
            msg = redact(f"{type(e).__name__}: {e}" if not isinstance(e, HFLineageError)
                         else str(e), app.secrets())
            click.secho(f"Error: {msg}", fg="red", err=True)
            sys.exit(1)


pass_app = click.make_pass_decorator(AppContext)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks.")
@click.option("--uri", envvar=None, help="Neo4j URI (overrides NEO4J_URI).")
@click.option("--database", help="Neo4j database (overrides NEO4J_DATABASE).")
@click.version_option(package_name="hflineage")
@click.pass_context
def cli(ctx: click.Context, debug: bool, uri: str | None, database: str | None) -> None:
    """Map the Hugging Face Hub's open-model ecosystem as a lineage graph in Neo4j.

    \b
    Examples:
      hflineage db start && eval "$(hflineage db env)"
      hflineage load snapshot data/models.jsonl
      hflineage query run top_architectures --format table
    """
    app = AppContext(get_settings(neo4j_uri=uri, neo4j_database=database), debug)
    ctx.obj = app
    ctx.call_on_close(app.close)


# ---------------------------------------------------------------- db


@cli.group(cls=Group)
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
@click.option("--timeout", default=180.0, show_default=True, help="Seconds to wait for Bolt.")
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


def main() -> None:
    cli(prog_name="hflineage")


def _path(p: str) -> Path:
    return Path(p).expanduser()
