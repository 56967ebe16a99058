"""The app context (settings, one driver) and clean one-line error output."""

from __future__ import annotations

import sys
from typing import Any

import click
import neo4j

from hflineage.config import Settings
from hflineage.db import connection, runtime
from hflineage.errors import HFLineageError


class AppContext:
    """Settings and the one driver of this process, opened on first use."""

    def __init__(self, settings: Settings, debug: bool) -> None:
        self.settings = settings
        self.debug = debug
        self._driver: neo4j.Driver | None = None
        self._conn: connection.Connection | None = None
        #: Set by commands that mend an interrupted restore (``db reset``, ``db restore``).
        self.repairing = False

    @property
    def conn(self) -> connection.Connection:
        if self._conn is None:
            self._conn = connection.resolve_connection(self.settings, repairing=self.repairing)
        return self._conn

    @property
    def database(self) -> str:
        return self.conn.database

    @property
    def driver(self) -> neo4j.Driver:
        if self._driver is None:
            self._driver = connection.open_driver(self.conn,
                                                  self.settings.hflineage_retry_time)
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
        return runtime.user_instance(self.settings)


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
            if app.debug if app is not None else ctx.params.get("debug", False):
                raise
            if app is None and not isinstance(e, HFLineageError):
                raise  # before the settings exist nothing can be redacted
            msg = redact(f"{type(e).__name__}: {e}" if not isinstance(e, HFLineageError)
                         else str(e), app.secrets() if app is not None else [])
            click.secho(f"Error: {msg}", fg="red", err=True)
            sys.exit(1)


pass_app = click.make_pass_decorator(AppContext)
