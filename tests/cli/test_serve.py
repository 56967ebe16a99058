"""``hflineage serve`` through the real entry point: the startup line, a taken port, an exposed
host without a token."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request

from click.testing import CliRunner

from hflineage.cli import cli


def hflineage(*args: str) -> list[str]:
    return [sys.executable, "-m", "hflineage", *args]


def test_serve_prints_its_address_and_answers(cli_env: dict[str, str]) -> None:
    proc = subprocess.Popen(hflineage("serve", "--port", "0"), env=os.environ | cli_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("serving on http://127.0.0.1:"), proc.stderr
        url = line.removeprefix("serving on ")
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as r:
            assert (r.status, r.read()) == (200, b"ok")
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        _, err = proc.communicate(timeout=20)
    assert (proc.returncode, err) == (0, "")


def test_a_taken_port_is_one_line(cli_env: dict[str, str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        out = subprocess.run(hflineage("serve", "--port", str(port)), env=os.environ | cli_env,
                             capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 1
    assert out.stderr.strip() == (f"Error: port {port} is in use on 127.0.0.1: stop what holds "
                                  "it or choose another with --port")
    assert out.stdout == ""


def test_an_exposed_host_needs_a_token() -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: --host 0.0.0.0 serves the graph beyond this machine: give --token TOKEN too, "
        "or keep the default 127.0.0.1"]
