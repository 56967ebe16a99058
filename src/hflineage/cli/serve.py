"""``hflineage serve``: the explorer, a live web app over the graph that works offline."""

from __future__ import annotations

import webbrowser
from urllib.parse import urlencode

import click

from hflineage import explore
from hflineage.cli.context import AppContext, pass_app
from hflineage.cli.options import timeout_option
from hflineage.explore.server import explorer_driver


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback needs --token.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--token", metavar="TOKEN",
              help="Require this token: open the address with ?token=TOKEN once, or send "
                   "Authorization: Bearer TOKEN.")
@click.option("--open", "open_browser", is_flag=True, help="Open the explorer in a browser.")
@click.option("--max-concurrent", type=click.IntRange(1), metavar="N",
              help="Requests reading the graph at once; one more waits a few seconds, then "
                   "gets 503 busy (default HFLINEAGE_MAX_CONCURRENT = 8).")
@timeout_option()
@pass_app
def serve(app: AppContext, host: str, port: int, token: str | None, open_browser: bool,
          max_concurrent: int | None, timeout: float | None) -> None:
    """Serve the explorer: the named queries as forms, tables and CSV/JSON downloads.

    Pages load nothing from other sites, so it works offline. It listens on this machine
    only unless --host says otherwise, which needs --token. While Neo4j is unreachable,
    pages say so (503) within seconds and work again once it is back. Stop it with Ctrl-C.

    \b
    Examples:
      hflineage serve --open
      hflineage serve --host 0.0.0.0 --port 8080 --token "$(openssl rand -hex 16)"
    """
    explore.check_exposure(host, token)  # before connecting to Neo4j

    def ready(url: str) -> None:
        click.echo(f"serving on {url}")
        if open_browser:
            webbrowser.open(f"{url}/?{urlencode({'token': token})}" if token else url)

    limit = max_concurrent or app.settings.hflineage_max_concurrent
    with explorer_driver(app.conn, limit, retry_time=app.settings.hflineage_retry_time) as drv:
        explore.serve(drv, app.database, host=host, port=port, token=token,
                      timeout=timeout or app.settings.hflineage_query_timeout, on_ready=ready,
                      uri=app.conn.uri, max_concurrent=limit)
