"""Open generated pages in Debian's headless Chromium through Playwright, and report what
was drawn, what ran and what the page tried to fetch."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--no-first-run", "--disable-quic", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


@dataclass
class Visit:
    """What one page did in the browser."""

    nodes: int
    edges: int
    drawn_ms: float
    injected: Any
    dialogs: list[str] = field(default_factory=list)
    off_machine: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dom: dict[str, int] = field(default_factory=dict)


def _local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in {"file", "data", "blob", "about"}:
        return True
    return parsed.scheme in {"http", "https", "ws", "wss"} and parsed.hostname in LOCAL_HOSTS


class Browser:
    """One Chromium with a fresh profile; ``visit`` opens a page and reports on it."""

    def __init__(self, context: Any) -> None:
        self.context = context

    def visit(self, path: Path, *, screenshot: Path | None = None, timeout_ms: int = 120_000,
              hover: str | None = None) -> Visit:
        page = self.context.new_page()
        off_machine: list[str] = []
        dialogs: list[str] = []
        errors: list[str] = []

        def route(r: Any) -> None:
            if _local(r.request.url):
                r.continue_()
            else:
                off_machine.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(path.resolve().as_uri())
        # A selector, not wait_for_function: the page's CSP forbids the eval that polling needs.
        page.wait_for_selector("body[data-drawn='1']", state="attached", timeout=timeout_ms)
        if hover is not None:
            box = page.evaluate(
                "(id) => { const p = network.canvasToDOM(network.getPositions([id])[id]);"
                " const r = document.getElementById('graph').getBoundingClientRect();"
                " return {x: r.left + p.x, y: r.top + p.y}; }", hover)
            page.mouse.move(box["x"], box["y"])
            page.wait_for_selector("div.vis-tooltip .hfl-tip", state="attached", timeout=5_000)
        found = page.evaluate(
            "() => ({nodes: nodes.length, edges: edges.length, drawn: window.hflineageDrawnMs,"
            " injected: window.__pwned === undefined ? null : window.__pwned,"
            " dom: {img: document.querySelectorAll('img').length,"
            "       script: document.querySelectorAll('script').length,"
            "       iframe: document.querySelectorAll('iframe').length,"
            "       tips: document.querySelectorAll('.hfl-tip').length}})")
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        page.close()
        return Visit(found["nodes"], found["edges"], found["drawn"], found["injected"], dialogs,
                     off_machine, errors, found["dom"])


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium with a new user-data-dir; skips the test when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; install it with "
                    "`apt-get update && apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="hflineage-chromium-")
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile, executable_path=str(CHROMIUM), args=ARGS, headless=True,
                viewport={"width": 1400, "height": 900}, service_workers="block")
            try:
                yield Browser(context)
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
