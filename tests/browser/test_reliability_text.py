"""Text never runs: hostile strings in every loadable field are stored verbatim, change no query,
and are inert in every HTML output (lineage pages and the report) opened in headless Chromium.

End to end: a snapshot and a leaderboard file written here go through the real CLI.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner, Result

from hflineage.cli import cli
from hflineage.db.fingerprint import fingerprint
from hflineage.synth import LEADERBOARD_COLUMNS
from tests.support.browser import Browser

CYPHER = "'}) DETACH DELETE n //"
CYPHER2 = '"}) MATCH (x) DETACH DELETE x RETURN 1 //'
BACKTICK = "`Model`) DETACH DELETE n //`"
SCRIPT = "<script>window.__pwned=1;alert(1)</script>"
IMG = '<img src=x onerror="window.__pwned=2;alert(2)">'
CLOSE = "</script><script>window.__pwned=3</script>"
ATTR = "\"'><svg onload=\"window.__pwned=4\">"
TEMPLATE = "{{constructor.constructor('window.__pwned=5')()}} ${window.__pwned=6}"
QUOTES = "it's \"quoted\" \\' \\\" `tick`"
PAYLOADS = [CYPHER, CYPHER2, BACKTICK, SCRIPT, IMG, CLOSE, ATTR, TEMPLATE, QUOTES]

BASE = "base-org/base-model"
OWNERLESS = "evil-model"
BAD_IDS = [CYPHER, SCRIPT, f"org/{BACKTICK}"]


def write_hostile(folder: Path) -> dict[str, Any]:
    """A snapshot and a leaderboard whose every free-text field carries a payload."""
    folder.mkdir(parents=True, exist_ok=True)
    models = [
        {"id": BASE, "tags": [*PAYLOADS, "license:apache-2.0"], "pipeline_tag": CYPHER,
         "config": {"architectures": [SCRIPT], "model_type": BACKTICK},
         "cardData": {"license": IMG}, "gated": TEMPLATE,
         "createdAt": "2024-01-01T00:00:00Z", "lastModified": "2024-02-01T00:00:00Z"},
        {"id": OWNERLESS, "author": CLOSE, "pipeline_tag": ATTR,
         "config": {"architectures": [IMG], "model_type": QUOTES},
         "cardData": {"base_model": BASE, "license": SCRIPT},
         "createdAt": "2024-03-01T00:00:00Z", "lastModified": "2024-03-02T00:00:00Z"},
        {"id": "kid/child-model", "cardData": {"base_model": [BASE, CYPHER, SCRIPT]},
         "createdAt": "2024-04-01T00:00:00Z", "lastModified": "2024-04-02T00:00:00Z"},
        *({"id": bad} for bad in BAD_IDS),
    ]
    lines = [json.dumps(m, ensure_ascii=False) for m in models]
    (folder / "models.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    commits = [{"model": BASE, "commit_id": f"c{i}", "authors": [p],
                "created_at": f"2024-01-{i + 1:02d}T00:00:00Z", "title": p}
               for i, p in enumerate(PAYLOADS)]
    (folder / "commits.jsonl").write_text(
        "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in commits), encoding="utf-8")
    row = dict.fromkeys(LEADERBOARD_COLUMNS, "")
    row.update({"fullname": BASE, "Average ⬆️": "50.5", "IFEval": "40", "BBH": "41",
                "MATH Lvl 5": "10", "GPQA": "5", "MUSR": "7", "MMLU-PRO": "30",
                "Precision": ATTR, "Type": SCRIPT, "Architecture": CLOSE,
                "Base Model": BASE, "#Params (B)": "7.2", "Submission Date": "2024-05-01"})
    with (folder / "leaderboard.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=LEADERBOARD_COLUMNS)
        writer.writeheader()
        writer.writerow(row)
    return {"models": lines}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def hostile(graph: neo4j.Driver, cli_env: dict[str, str], tmp_path: Path
            ) -> Iterator[dict[str, Any]]:
    """The hostile snapshot and leaderboard, loaded through the CLI."""
    written = write_hostile(tmp_path / "in")
    rejects = tmp_path / "rejects.jsonl"
    result = invoke("load", "snapshot", str(tmp_path / "in"), "--no-progress",
                    "--rejects", str(rejects))
    assert result.exit_code == 0, result.output
    board = invoke("load", "leaderboard", str(tmp_path / "in" / "leaderboard.csv"),
                   "--no-progress", "--rejects", str(tmp_path / "lb-rejects.jsonl"))
    assert board.exit_code == 0, board.output
    yield written | {"rejects": rejects}


def one(driver: neo4j.Driver, database: str, query: str, **params: Any) -> Any:
    records, _, _ = driver.execute_query(query, params, database_=database)
    return records[0][0]


def test_hostile_text_is_stored_verbatim(hostile: dict[str, Any], graph: neo4j.Driver,
                                         database: str) -> None:
    base = one(graph, database, "MATCH (m:Model {key: $k}) RETURN properties(m)", k=BASE)
    assert base["tags"] == [*PAYLOADS, "license:apache-2.0"]
    assert base["pipelineTag"] == CYPHER
    assert base["modelType"] == BACKTICK
    assert base["gated"] == TEMPLATE
    evil = one(graph, database, "MATCH (m:Model {key: $k}) RETURN properties(m)", k=OWNERLESS)
    assert evil["author"] == CLOSE and evil["pipelineTag"] == ATTR and evil["modelType"] == QUOTES
    assert set(one(graph, database, "MATCH (a:Architecture) RETURN collect(a.name)")) == {
        SCRIPT, IMG}
    # licence ids are case-folded by design (README); otherwise verbatim
    assert set(one(graph, database, "MATCH (l:License) RETURN collect(l.id)")) == {
        IMG.lower(), SCRIPT.lower()}
    assert sorted(one(graph, database, "MATCH (c:Contributor) RETURN collect(c.name)")) == sorted(
        PAYLOADS)
    assert one(graph, database, "MATCH ()-[s:SCORED]->() RETURN collect(DISTINCT s.precision)"
               ) == [ATTR]
    assert one(graph, database, "MATCH (m:Model {key: $k}) RETURN m.leaderboardArchitecture",
               k=BASE) == CLOSE

    fp = fingerprint(graph, database)
    assert fp.nodes["Model"] == 3
    assert fp.relationships["DERIVED_FROM"] == 2
    assert fp.relationships["COMMITTED_TO"] == len(PAYLOADS)

    entries = [json.loads(x) for x in hostile["rejects"].read_text(encoding="utf-8").split("\n")
               if x]
    raws = {e["raw"] for e in entries if e["kind"] == "record"}
    assert raws == {line for line in hostile["models"] if json.loads(line)["id"] in BAD_IDS}
    dropped = {e["value"] for e in entries if e["kind"] == "value"}
    assert {CYPHER, SCRIPT} <= dropped


def test_hostile_parameters_change_no_query(hostile: dict[str, Any], graph: neo4j.Driver,
                                            database: str, tmp_path: Path) -> None:
    before = fingerprint(graph, database)
    for payload in PAYLOADS:
        result = invoke("query", "run", "model_lineage", "-p", f"model={payload}", "-f", "json")
        assert result.exit_code in (0, 1) and "Traceback" not in result.output
        result = invoke("query", "cypher", "MATCH (m:Model) WHERE m.pipelineTag = $t "
                        "RETURN m.id AS id", "-p", f"t={payload}", "-f", "json")
        assert result.exit_code == 0, result.output
        tagged = {CYPHER: [{"id": BASE}], ATTR: [{"id": OWNERLESS}]}
        assert json.loads(result.output) == tagged.get(payload, [])
        result = invoke("viz", "lineage", payload, "--out", str(tmp_path / "x.html"))
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert not (tmp_path / "x.html").exists()
        result = invoke("query", "run", "org_neighbourhood", "-p", f"org={payload}", "-f", "json")
        assert "Traceback" not in result.output
    assert fingerprint(graph, database) == before


def inert(browser: Browser, page_path: Path) -> dict[str, Any]:
    """Open any page (the report has no graph to wait for); report what ran."""
    page = browser.context.new_page()
    seen: dict[str, Any] = {"dialogs": [], "errors": []}
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.goto(page_path.resolve().as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    seen["pwned"] = page.evaluate("() => window.__pwned === undefined ? null : window.__pwned")
    seen["text"] = page.evaluate("() => document.body.innerText")
    page.close()
    return seen


@pytest.mark.browser
def test_hostile_text_is_inert_in_every_html_output(hostile: dict[str, Any],
                                                    browser: Browser, tmp_path: Path) -> None:
    pages: list[Path] = []
    for args in (["lineage", BASE], ["family", BASE], ["lineage", OWNERLESS]):
        out = tmp_path / f"{args[0]}-{len(pages)}.html"
        result = invoke("viz", *args, "--out", str(out))
        assert result.exit_code == 0, result.output
        pages.append(out)
        visit = browser.visit(out, hover=args[1].lower())
        assert visit.injected is None and visit.dialogs == [] and visit.errors == []
        html = out.read_text(encoding="utf-8")
        for payload in (SCRIPT, IMG, CLOSE, ATTR):
            assert payload not in html
    result = invoke("report", "--out", str(tmp_path / "report"), "--families", "2")
    assert result.exit_code == 0, result.output
    report_pages = sorted((tmp_path / "report").rglob("*.html"))
    assert report_pages
    shown = ""
    for page in report_pages:
        seen = inert(browser, page)
        assert seen["pwned"] is None and seen["dialogs"] == [], page
        shown += seen["text"]
        html = page.read_text(encoding="utf-8")
        for payload in (SCRIPT, IMG, CLOSE, ATTR):
            assert payload not in html, (page, payload)
    # escaped, not dropped: the payloads are visible as text
    assert SCRIPT.lower() in shown or SCRIPT in shown
