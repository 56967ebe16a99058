"""The licence drift flag on the explorer's model page, over tests/fixtures/drift: the drifting
declared ancestors with hops, path, licences, categories and gating; conflicts (looser, ungated)
set apart from stricter; a truthful sentence with the coverage when nothing drifts or nothing
can be judged. Expected values worked out by hand from the fixture README."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import neo4j
import pytest
from starlette.testclient import TestClient

from tests.support.drift import EVIL, EVIL_CHILD, EVIL_LICENCE, drift_graph
from tests.support.server import TestServer


@pytest.fixture(scope="module")
def small(driver: neo4j.Driver, neo4j_server: TestServer) -> neo4j.Driver:
    return drift_graph(driver, neo4j_server.database)


def flag(client: TestClient, model: str) -> str:
    r = client.get("/model/" + quote(model, safe="/"))
    assert r.status_code == 200, r.text
    found = re.search(r'<tr id="licence-drift"><th>Licence drift</th><td>(.*?)</td></tr>',
                      r.text, re.S)
    assert found, "no licence drift row in the facts"
    return found.group(1)


def items(html: str) -> list[tuple[str, str]]:
    """(class, text without tags) of each listed ancestor."""
    return [(cls, " ".join(re.sub(r"<[^>]+>", "", body).split()))
            for cls, body in re.findall(r'<li class="(\w+)">(.*?)</li>', html, re.S)]


def test_ivan_lists_both_drifting_ancestors_as_conflicts(client: TestClient) -> None:
    html = flag(client, "ivan/llama-ft-apache")
    # hank: llama2 → apache-2.0, 1 hop; Meta: 2 hops through hank, and ungated below its
    # manual gating. Same category gap, so fewer hops first.
    assert items(html) == [
        ("conflict", "Conflict: looser licence against hank/llama-ft, 1 hop up (finetune): "
                     "its llama2 (custom/restricted) → this model's apache-2.0 (permissive)"),
        ("conflict", "Conflict: looser licence, ungated against meta-llama/Llama-2-7b-hf, 2 hops "
                     "up (finetune → finetune, via hank/llama-ft): its llama2 (custom/restricted)"
                     " → this model's apache-2.0 (permissive); its gating manual → this model "
                     "not gated")]
    assert '<a href="/model/meta-llama/Llama-2-7b-hf">meta-llama/Llama-2-7b-hf</a>' in html
    assert '<a href="/model/hank/llama-ft">hank/llama-ft</a>' in html
    assert "Checked against its 2 declared ancestors (2 with a known licence category)." in html
    assert 'href="/queries/licence_drift?model=ivan%2Fllama-ft-apache&amp;maxDepth=32"' in html


def test_stricter_is_information_not_a_conflict(client: TestClient) -> None:
    html = flag(client, "gina/apache-nc")
    assert items(html) == [
        ("stricter", "stricter licence against apache/base, 1 hop up (finetune): its apache-2.0 "
                     "(permissive) → this model's cc-by-nc-sa-4.0 (non-commercial)")]
    assert "Conflict:" not in html and "class=\"conflict\"" not in html
    assert "Checked against its 1 declared ancestor (1 with a known licence category)." in html


def test_two_hop_drift_through_an_unknown_licence(client: TestClient) -> None:
    # dave (mit) ← carol (mit) ← bob (no licence) ← nclab (cc-by-nc-4.0): only nclab drifts,
    # 3 hops up; carol and nclab have a known category.
    html = flag(client, "dave/nc-ft-mit-gguf")
    assert [cls for cls, _ in items(html)] == ["conflict"]
    assert "against nclab/base-nc, 3 hops up (quantized → finetune → finetune, via " \
           "carol/nc-ft-mit → bob/nc-ft)" in items(html)[0][1]
    assert "Checked against its 3 declared ancestors (2 with a known licence category)." in html


@pytest.mark.parametrize(("model", "sentence"), [
    # erin (apache-2.0, no gating stated) ← apache/base (apache-2.0)
    ("erin/apache-ft", "No drift against its 1 declared ancestor (1 with a known licence "
                       "category). Its gating is not known, so ungating is not judged."),
    # frank (mit) ← erin (apache-2.0) ← apache/base (apache-2.0)
    ("frank/apache-ft-lora", "No drift against its 2 declared ancestors (2 with a known licence "
                             "category). Its gating is not known, so ungating is not judged."),
    # jane (llama2, no gating) ← Meta (llama2, gated manual)
    ("jane/llama-gguf", "No drift against its 1 declared ancestor (1 with a known licence "
                        "category). Its gating is not known, so ungating is not judged."),
    # quinn's closed adapter (apache-2.0, no gating) ← pat (apache-2.0, gated auto)
    ("quinn/gated-auto-ft", "No drift against its 1 declared ancestor (1 with a known licence "
                            "category). Its gating is not known, so ungating is not judged."),
    # bob: no licence, below nclab
    ("bob/nc-ft", "This model's licence category is unknown, so licence drift cannot be judged "
                  "against its 1 declared ancestor."),
    # mike: foo-licence-1.0 (outside the lists) below apache/base
    ("mike/weird-licence", "This model's licence category is unknown, so licence drift cannot be "
                           "judged against its 1 declared ancestor."),
    # leo (mit) ← kate (no licence)
    ("leo/unknown-ft", "Licence drift cannot be judged: its declared ancestor has no known "
                       "licence category."),
    # a stub parent: declared, never described
    ("stub-parent-child/ft", "Licence drift cannot be judged: its declared ancestor has no known "
                             "licence category."),
    ("nclab/base-nc", "No declared ancestors, so nothing to drift from."),
])
def test_nothing_drifts_says_why_with_the_coverage(client: TestClient, model: str,
                                                  sentence: str) -> None:
    html = flag(client, model)
    assert items(html) == []
    assert unescape(html.strip()) == f'<span class="note">{sentence}</span>'


def test_hub_strings_are_escaped(client: TestClient) -> None:
    html = flag(client, EVIL_CHILD)
    assert "<img" not in html and "<script>" not in html
    assert "evil/&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt; (custom/restricted)" in html
    assert f'href="/model/{quote(EVIL, safe="/")}"' in html
    assert [cls for cls, _ in items(html)] == ["conflict"]
    assert "<img" not in client.get("/model/" + quote(EVIL, safe="/")).text.split("<main")[1]
    assert EVIL_LICENCE not in client.get("/model/" + quote(EVIL, safe="/")).text


def test_the_family_drawing_carries_the_drift_line(client: TestClient) -> None:
    r = client.get("/family/meta-llama/Llama-2-7b-hf")
    assert r.status_code == 200, r.text
    page = unescape(unescape(r.text))
    # hank and ivan drift below Meta's gated llama2 base; jane (no gating stated) does not
    assert page.count("licence drift (declared ancestors)") == 2
    assert "looser than hank/llama-ft (llama2, custom/restricted" in page, page[
        page.find("licence drift (declared"):][:600]


def test_a_gated_child_of_an_ungated_base_is_stricter_information(client: TestClient) -> None:
    # tom/gated-child (apache-2.0, gated manual) is an adapter of sam/open-base (apache-2.0,
    # gated false): same category, the reverse of ungated, no conflict.
    assert items(flag(client, "tom/gated-child")) == [
        ("stricter", "gated against sam/open-base, 1 hop up (adapter): its apache-2.0 "
                     "(permissive) → this model's apache-2.0 (permissive); not gated → this "
                     "model gated manual")]
