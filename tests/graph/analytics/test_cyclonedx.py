"""``hflineage export --format cyclonedx`` against the real Neo4j: the ML-BOM validates and its
pedigree is the lineage recomputed by hand from the fixture's records."""

from __future__ import annotations

import json
import os
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner
from cyclonedx.model.license import DisjunctiveLicense
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from hflineage.analytics.cyclonedx import bom_json, model_bom, write_bom
from hflineage.cli import cli
from hflineage.errors import BomValidationError, ModelNotFoundError
from hflineage.loader import load_snapshot

FIXTURE = Path(__file__).parents[2] / "fixtures" / "cyclonedx" / "models.jsonl"
RECORDS = {r["id"]: r for r in map(json.loads, FIXTURE.read_text(encoding="utf-8").splitlines())}
MODEL = "carol/merge-7b-gguf"
#: The fixture's Hub licence ids that are SPDX ids, by hand (the current SPDX id: GPL-3.0 is
#: deprecated for GPL-3.0-only); ``unknown`` is no licence; the others are named licences.
SPDX = {"apache-2.0": "Apache-2.0", "mit": "MIT", "cc-by-nc-4.0": "CC-BY-NC-4.0",
        "gpl-3.0": "GPL-3.0-only"}
CATEGORY = {"apache-2.0": "permissive", "mit": "permissive", "cc-by-nc-4.0": "non-commercial",
            "gpl-3.0": "copyleft", "llama2": "custom/restricted", "other": "custom/restricted",
            "unknown": "unknown"}
NO_PREDICTIONS = "no predicted parents in the graph (hflineage infer has not run)"
#: Predicted edges the tests write: child, parent, relation, confidence, evidence.
ERIN = ("acme/base-7b", "erin/older-7b", "finetune", 0.6, ["name: older-7b is a 7b llama"])
SHORTCUT = ("bob/merge-7b", "acme/base-7b", "merge", 0.9, ["config: same architecture"])
DAVE = ("dave/chat-7b-lora", "alice/chat-7b", "adapter", 0.7,
        ["file: adapter_config.json", "author: none"])


@pytest.fixture
def loaded(graph: neo4j.Driver, database: str) -> neo4j.Driver:
    load_snapshot(graph, FIXTURE, database=database)
    return graph


def predict(driver: neo4j.Driver, database: str,
            *edges: tuple[str, str, str, float | None, list[str]]) -> None:
    """Test-only: predicted parents as hflineage infer writes them."""
    driver.execute_query(
        "UNWIND $rows AS row MATCH (c:Model {key: row.child}), (p:Model {key: row.parent}) "
        "CREATE (c)-[:LIKELY_DERIVED_FROM {relation: row.relation, confidence: row.confidence, "
        "method: 'test', evidence: row.evidence, rank: 1}]->(p)",
        {"rows": [{"child": c, "parent": p, "relation": r, "confidence": conf, "evidence": ev}
                  for c, p, r, conf, ev in edges]}, database_=database)


# -- expected values, from the records by hand -------------------------------------------------

def parents(model_id: str) -> dict[str, str]:
    """A record's typed ``base_model:<relation>:<id>`` tags; a stub has no record."""
    tags = RECORDS.get(model_id, {}).get("tags", [])
    return {t.split(":")[2]: t.split(":")[1] for t in tags
            if t.startswith("base_model:") and t.count(":") == 2}


def lineage(model_id: str, depth: int = 10,
            extra: tuple[tuple[str, str, str, float | None, list[str]], ...] = ()
            ) -> dict[str, dict[str, Any]]:
    """Breadth-first up the declared edges (and ``extra`` predicted ones): each ancestor's
    generation, relation into it, relations and path on a shortest path, and the confidences
    of its predicted edges (those that have one)."""
    def up(child: str) -> list[tuple[str, str, float | None]]:
        edges: list[tuple[str, str, float | None]] = [
            (p, r, None) for p, r in parents(child).items()]
        return edges + [(p, r, conf) for c, p, r, conf, _ in extra if c == child]

    found: dict[str, dict[str, Any]] = {model_id: {"path": [model_id], "relations": [],
                                                   "guesses": []}}
    frontier = [model_id]
    for generation in range(1, depth + 1):
        nxt = []
        for child in sorted(frontier):
            for parent, relation, conf in sorted(up(child), key=lambda e: e[0]):
                if parent not in found:
                    found[parent] = {"generation": generation, "relation": relation,
                                     "relations": [*found[child]["relations"], relation],
                                     "path": [*found[child]["path"], parent],
                                     "guesses": found[child]["guesses"]
                                     + ([conf] if conf is not None else [])}
                    nxt.append(parent)
        frontier = nxt
    del found[model_id]
    return found


def props(component: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for p in component.get("properties", []):
        out[p["name"]].append(p["value"])
    return dict(out)


def licences(hub_id: str | None, model_id: str) -> list[dict[str, Any]]:
    if hub_id in (None, "unknown"):
        return []
    key = ({"id": SPDX[hub_id]} if hub_id in SPDX
           else {"name": "other (terms in the model card)",
                 "url": f"https://huggingface.co/{model_id}"} if hub_id == "other"
           else {"name": hub_id})
    return [{"license": key | {"acknowledgement": "declared"}}]


def check_model(component: dict[str, Any], model_id: str) -> None:
    """Type, purl, supplier, licence, datasets and facts of one model, against its record."""
    record = RECORDS.get(model_id)
    namespace = model_id.split("/")[0]
    p = props(component)
    assert component["type"] == "machine-learning-model"
    assert component["bom-ref"] == component["name"] == model_id
    assert component["purl"] == f"pkg:huggingface/{model_id}"
    assert component["supplier"] == {"name": namespace, "url": [f"https://huggingface.co/{namespace}"]}
    assert component["externalReferences"] == [{"type": "website",
                                                "url": f"https://huggingface.co/{model_id}"}]
    if record is None:  # a stub: nothing known but its id
        assert p["hflineage:stub"] == ["true"]
        assert "licenses" not in component
        assert p["hflineage:license"] == p["hflineage:licenseCategory"] == ["unknown"]
        assert "hflineage:dataset" not in p and "hflineage:gated" not in p
        assert "never described" in component["description"]
        return
    hub_licence = record["cardData"].get("license")
    assert p["hflineage:stub"] == ["false"]
    assert component.get("licenses", []) == licences(hub_licence, model_id)
    assert p["hflineage:license"] == [hub_licence]
    assert p["hflineage:licenseCategory"] == [CATEGORY[hub_licence]]
    assert sorted(p.get("hflineage:dataset", [])) == sorted(record["cardData"].get("datasets", []))
    assert p["hflineage:gated"] == [str(record["gated"]).lower()]
    assert p["hflineage:createdAt"][0].startswith(record["createdAt"][:19])
    parameters = record.get("safetensors", {}).get("total")
    assert p.get("hflineage:parameters") == ([str(parameters)] if parameters else None)
    architectures = record.get("config", {}).get("architectures", [])
    assert p.get("hflineage:architecture", []) == architectures
    assert p.get("hflineage:pipelineTag") == (
        [record["pipeline_tag"]] if "pipeline_tag" in record else None)


def document(driver: neo4j.Driver, database: str, model: str = MODEL, **options: Any
             ) -> dict[str, Any]:
    text = bom_json(model_bom(driver, model, database=database, **options))
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    doc: dict[str, Any] = json.loads(text)
    return doc


def ancestors(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    pedigree = doc["metadata"]["component"].get("pedigree", {})
    return {a["name"]: a for a in pedigree.get("ancestors", [])}


# -- tests --------------------------------------------------------------------------------------

def test_the_bom_validates_and_describes_the_model(loaded: neo4j.Driver, database: str) -> None:
    doc = document(loaded, database)
    assert doc["bomFormat"] == "CycloneDX" and doc["specVersion"] == "1.6"
    component = doc["metadata"]["component"]
    check_model(component, MODEL)
    assert "pedigree" in component and "description" not in component
    own = set(RECORDS[MODEL]["cardData"]["datasets"])
    assert {c["name"] for c in doc["components"]} == own  # not the ancestors' datasets
    assert all(c["type"] == "data" and c["bom-ref"] == f"dataset:{c['name']}"
               and c["externalReferences"][0]["url"] == f"https://huggingface.co/datasets/{c['name']}"
               for c in doc["components"])
    depends = {d["ref"]: set(d.get("dependsOn", [])) for d in doc["dependencies"]}
    assert depends[MODEL] == {f"dataset:{d}" for d in own}
    meta = props(doc["metadata"])
    assert meta["hflineage:includeLikely"] == ["false"] and meta["hflineage:maxDepth"] == ["10"]
    assert meta["hflineage:ancestorsDeclared"] == [str(len(lineage(MODEL)))]
    assert meta["hflineage:ancestorsLikely"] == ["0"]
    assert {t["name"] for t in doc["metadata"]["tools"]["components"]} >= {"hflineage"}


def test_the_pedigree_is_the_declared_lineage(loaded: neo4j.Driver, database: str) -> None:
    found = ancestors(document(loaded, database))
    expected = lineage(MODEL)
    assert set(found) == set(expected) == {"bob/merge-7b", "alice/chat-7b", "meta/llama-like-7b",
                                           "acme/base-7b", "ghost/proto-7b"}
    for model_id, want in expected.items():
        component = found[model_id]
        check_model(component, model_id)
        p = props(component)
        assert p["hflineage:relation"] == [want["relation"]], model_id
        assert p["hflineage:relations"] == [" → ".join(want["relations"])], model_id
        assert component["description"].startswith(
            f"declared ancestor, generation {want['generation']}, reached by "
            f"{' → '.join(want['relations'])}"), model_id
        assert p["hflineage:generation"] == [str(want["generation"])], model_id
        assert p["hflineage:path"] == [" -> ".join(want["path"])], model_id
        assert p["hflineage:likely"] == ["false"] and "hflineage:confidence" not in p
        assert "pedigree" not in component


def test_a_far_ancestor_names_the_whole_chain(loaded: neo4j.Driver, database: str) -> None:
    """From the fixture README's tree: carol -quantized-> bob -merge-> alice -finetune-> acme."""
    acme = ancestors(document(loaded, database))["acme/base-7b"]
    p = props(acme)
    assert p["hflineage:relation"] == ["finetune"]  # the edge into acme, nearest it
    assert p["hflineage:relations"] == ["quantized → merge → finetune"]
    assert p["hflineage:generation"] == ["3"]
    assert acme["description"] == ("declared ancestor, generation 3, reached by "
                                   "quantized → merge → finetune")


def test_licences_unknown_other_and_gpl(loaded: neo4j.Driver, database: str) -> None:
    doc = document(loaded, database, "frank/mystery-7b")
    frank = doc["metadata"]["component"]
    assert RECORDS["frank/mystery-7b"]["cardData"]["license"] == "unknown"
    assert "licenses" not in frank
    assert props(frank)["hflineage:license"] == ["unknown"]
    erin = ancestors(doc)["erin/older-7b"]
    assert erin["licenses"] == [{"license": {"id": "GPL-3.0-only", "acknowledgement": "declared"}}]
    bob = ancestors(document(loaded, database))["bob/merge-7b"]
    assert bob["licenses"] == [{"license": {
        "name": "other (terms in the model card)", "url": "https://huggingface.co/bob/merge-7b",
        "acknowledgement": "declared"}}]
    assert props(bob)["hflineage:license"] == ["other"]


def test_a_cycle_yields_no_self_ancestor(loaded: neo4j.Driver, database: str) -> None:
    loaded.execute_query(
        "MATCH (m:Model {key: 'dave/chat-7b-lora'}), (a:Model {key: 'frank/mystery-7b'}) "
        "CREATE (m)-[:DERIVED_FROM {relation: 'finetune'}]->(a), "
        "(a)-[:DERIVED_FROM {relation: 'merge'}]->(m)", database_=database)
    predict(loaded, database, ("erin/older-7b", "dave/chat-7b-lora", "finetune", 0.5, ["x"]))
    # dave -> frank -> erin (declared) and frank -> dave; erin -?-> dave closes a predicted loop
    for likely in (False, True):
        found = ancestors(document(loaded, database, "dave/chat-7b-lora", include_likely=likely))
        assert set(found) == {"frank/mystery-7b", "erin/older-7b"}
        found = ancestors(document(loaded, database, "frank/mystery-7b", include_likely=likely))
        assert set(found) == {"dave/chat-7b-lora", "erin/older-7b"}


def test_depth_bounds_the_pedigree(loaded: neo4j.Driver, database: str) -> None:
    assert set(ancestors(document(loaded, database, max_depth=1))) == set(lineage(MODEL, 1))
    assert set(ancestors(document(loaded, database, max_depth=2))) == set(lineage(MODEL, 2))
    root = document(loaded, database, "acme/base-7b")
    assert ancestors(root) == {} and props(root["metadata"])["hflineage:ancestorsDeclared"] == ["0"]


def ancestor_datasets(model_id: str) -> set[str]:
    """The datasets the model's declared ancestors name, from their records."""
    return {d for a in lineage(model_id)
            for d in RECORDS.get(a, {}).get("cardData", {}).get("datasets", [])}


def test_a_model_without_datasets_leaves_its_ancestors_datasets_in_their_properties(
        loaded: neo4j.Driver, database: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        doc = document(loaded, database, "bob/merge-7b")
    assert "datasets" not in RECORDS["bob/merge-7b"]["cardData"]
    assert ancestor_datasets("bob/merge-7b") == {"alice/chat-data", "acme/web-corpus"}
    assert doc.get("components", []) == []
    assert {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}["bob/merge-7b"] == []
    named = {d for a in ancestors(doc).values() for d in props(a).get("hflineage:dataset", [])}
    assert named == ancestor_datasets("bob/merge-7b")


def test_a_deleted_ancestor_is_marked(loaded: neo4j.Driver, database: str) -> None:
    loaded.execute_query("MATCH (m:Model {key: $key}) SET m.deleted = true, "
                         "m.deletedAt = datetime($at)",
                         {"key": "alice/chat-7b", "at": "2024-06-01T00:00:00Z"},
                         database_=database)
    alice = ancestors(document(loaded, database))["alice/chat-7b"]
    p = props(alice)
    assert p["hflineage:deleted"] == ["true"]
    assert p["hflineage:deletedAt"][0].startswith("2024-06-01")
    assert "deleted from the Hub" in alice["description"]
    assert props(ancestors(document(loaded, database))["bob/merge-7b"])["hflineage:deleted"] == [
        "false"]


def test_likely_parents_only_with_the_flag_and_marked(loaded: neo4j.Driver,
                                                      database: str) -> None:
    predict(loaded, database, ERIN, SHORTCUT)
    declared = lineage(MODEL)
    plain = ancestors(document(loaded, database))
    assert set(plain) == set(declared)
    assert all(props(a)["hflineage:likely"] == ["false"] for a in plain.values())

    doc = document(loaded, database, include_likely=True)
    found = ancestors(doc)
    mixed = lineage(MODEL, extra=(ERIN, SHORTCUT))
    likely = {k: v for k, v in mixed.items() if k not in declared}
    assert set(likely) == {"erin/older-7b"}
    assert set(found) == set(declared) | set(likely)
    for model_id, want in declared.items():  # a declared ancestor keeps its declared path
        p = props(found[model_id])
        assert p["hflineage:likely"] == ["false"]
        assert p["hflineage:generation"] == [str(want["generation"])]
        assert p["hflineage:path"] == [" -> ".join(want["path"])]
    erin, want = found["erin/older-7b"], likely["erin/older-7b"]
    check_model(erin, "erin/older-7b")
    p = props(erin)
    assert p["hflineage:likely"] == ["true"]
    assert p["hflineage:confidence"] == [f"{min(want['guesses']):.3f}"]
    assert p["hflineage:generation"] == [str(want["generation"])]
    assert p["hflineage:path"] == [" -> ".join(want["path"])]
    assert p["hflineage:relation"] == [want["relation"]]
    assert sorted(p["hflineage:evidence"]) == sorted(
        [f"{c} -> {par}: {line}" for c, par, _, _, ev in (SHORTCUT, ERIN) for line in ev])
    assert erin["description"] == (
        f"PREDICTED ancestor (hflineage infer, confidence {min(want['guesses']):.2f}), "
        f"generation {want['generation']}, reached by {' → '.join(want['relations'])}, "
        "not declared on the Hub")
    meta = props(doc["metadata"])
    assert meta["hflineage:ancestorsLikely"] == ["1"]
    assert meta["hflineage:ancestorsDeclared"] == [str(len(declared))]


def test_a_model_without_declared_parents_gets_only_likely_ones(loaded: neo4j.Driver,
                                                                database: str) -> None:
    predict(loaded, database, DAVE)
    assert ancestors(document(loaded, database, DAVE[0])) == {}
    found = ancestors(document(loaded, database, DAVE[0], include_likely=True))
    expected = lineage(DAVE[0], extra=(DAVE,))
    assert set(found) == set(expected) == {"alice/chat-7b", "acme/base-7b"}
    for model_id, want in expected.items():
        p = props(found[model_id])
        assert p["hflineage:likely"] == ["true"]
        assert p["hflineage:confidence"] == [f"{DAVE[3]:.3f}"]
        assert p["hflineage:relation"] == [want["relation"]]
        assert p["hflineage:generation"] == [str(want["generation"])]
        assert sorted(p["hflineage:evidence"]) == sorted(DAVE[4])  # one predicted edge: no prefix


def test_a_predicted_edge_without_confidence_has_none(loaded: neo4j.Driver,
                                                     database: str) -> None:
    predict(loaded, database, (*DAVE[:3], None, DAVE[4]))
    found = ancestors(document(loaded, database, DAVE[0], include_likely=True))
    assert set(found) == {"alice/chat-7b", "acme/base-7b"}
    for component in found.values():
        assert "hflineage:confidence" not in props(component)
        assert "confidence unknown" in component["description"]


def test_the_lowest_confidence_skips_edges_without_one(loaded: neo4j.Driver,
                                                       database: str) -> None:
    predict(loaded, database, (*SHORTCUT[:3], None, SHORTCUT[4]), ERIN)
    erin = ancestors(document(loaded, database, include_likely=True))["erin/older-7b"]
    assert props(erin)["hflineage:confidence"] == [f"{ERIN[3]:.3f}"]


def test_include_likely_says_when_infer_has_not_run(loaded: neo4j.Driver, database: str) -> None:
    doc = document(loaded, database, include_likely=True)
    assert NO_PREDICTIONS in doc["metadata"]["component"]["pedigree"]["notes"]
    assert props(doc["metadata"])["hflineage:predictionsInGraph"] == ["false"]
    predict(loaded, database, DAVE)  # infer ran, but predicted nothing in carol's lineage
    doc = document(loaded, database, include_likely=True)
    notes = doc["metadata"]["component"]["pedigree"]["notes"]
    assert NO_PREDICTIONS not in notes and "0 more predicted by hflineage infer" in notes
    assert props(doc["metadata"])["hflineage:predictionsInGraph"] == ["true"]
    assert "hflineage:predictionsInGraph" not in props(document(loaded, database)["metadata"])


def test_an_unknown_model_names_close_matches(loaded: neo4j.Driver, database: str) -> None:
    with pytest.raises(ModelNotFoundError, match="did you mean carol/merge-7b-gguf"):
        model_bom(loaded, "carol/merge-7b-ggfu", database=database)


def test_an_invalid_bom_is_refused_and_nothing_is_written(loaded: neo4j.Driver, database: str,
                                                          tmp_path: Path) -> None:
    bom = model_bom(loaded, MODEL, database=database)
    assert bom.metadata.component is not None
    bom.metadata.component.licenses = [DisjunctiveLicense(id="not-an-spdx-id")]
    out = tmp_path / "out.cdx.json"
    with pytest.raises(BomValidationError, match=r"fails the 1\.6 schema"):
        write_bom(bom, out)
    assert list(tmp_path.iterdir()) == []


# -- the command line -----------------------------------------------------------------------------

def test_the_cli_writes_a_valid_bom_file(loaded: neo4j.Driver, cli_env: dict[str, str],
                                         tmp_path: Path) -> None:
    out = tmp_path / "deep" / "carol.cdx.json"
    result = CliRunner().invoke(cli, ["export", "--format", "cyclonedx", "--model",
                                      MODEL.upper(), str(out)])
    assert result.exit_code == 0, result.output
    declared = len(lineage(MODEL))
    own = set(RECORDS[MODEL]["cardData"]["datasets"])
    assert (len(own), len(ancestor_datasets(MODEL) - own)) == (2, 1)
    assert result.output.strip().splitlines() == [
        f"wrote a CycloneDX 1.6 ML-BOM of {MODEL}: {declared} declared ancestors, 2 datasets of "
        f"its own, 1 more named by ancestors (schema version 3) to {out}"]
    text = out.read_text(encoding="utf-8")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    assert set(ancestors(json.loads(text))) == set(lineage(MODEL))
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in out.parent.iterdir()] == ["carol.cdx.json"]


def test_the_cli_writes_to_stdout_and_includes_likely(loaded: neo4j.Driver, database: str,
                                                      cli_env: dict[str, str]) -> None:
    predict(loaded, database, ERIN)
    result = CliRunner().invoke(cli, ["export", "--format", "cyclonedx", "--model", MODEL,
                                      "--include-likely", "--depth", "4", "-"])
    assert result.exit_code == 0, result.output
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(result.stdout) is None
    found = ancestors(json.loads(result.stdout))
    assert props(found["erin/older-7b"])["hflineage:likely"] == ["true"]
    assert "and 1 likely" in result.stderr and "to stdout" in result.stderr


def test_the_cli_summary_of_a_model_with_only_ancestors_datasets(
        loaded: neo4j.Driver, cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "cyclonedx", "--model",
                                      "bob/merge-7b", "--include-likely", "-"])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        f"wrote a CycloneDX 1.6 ML-BOM of bob/merge-7b: {len(lineage('bob/merge-7b'))} declared "
        f"ancestors ({NO_PREDICTIONS}), 0 datasets of its own, 2 more named by ancestors "
        "(schema version 3) to stdout")


def test_the_cli_says_when_infer_predicted_none_in_the_lineage(
        loaded: neo4j.Driver, database: str, cli_env: dict[str, str]) -> None:
    predict(loaded, database, DAVE)
    result = CliRunner().invoke(cli, ["export", "--format", "cyclonedx", "--model", MODEL,
                                      "--include-likely", "-"])
    assert result.exit_code == 0, result.output
    assert "and no likely ones (hflineage infer predicted none in this lineage)" in result.stderr
    assert NO_PREDICTIONS not in result.stderr


@pytest.mark.parametrize("where", ["directory", "/proc/x.json"])
def test_the_cli_refuses_an_unwritable_out_in_one_line(
        loaded: neo4j.Driver, cli_env: dict[str, str], tmp_path: Path, where: str) -> None:
    out = tmp_path if where == "directory" else Path(where)
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", "--format", "cyclonedx", "--model", MODEL,
                                      str(out)])
    lines = result.output.strip().splitlines()
    assert result.exit_code != 0 and len(lines) == 1, result.output
    assert f"cannot write {out}" in lines[0] and "Traceback" not in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"] and tmp_path.is_dir()


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "cyclonedx"], "--format cyclonedx needs --model ID"),
    (["--format", "cyclonedx", "--model", MODEL, "--family", MODEL], "do not go with"),
    (["--format", "cyclonedx", "--model", MODEL, "--query", "model_lineage"], "do not go with"),
    (["--format", "cyclonedx", "--model", MODEL, "--param", "model=x"], "do not go with"),
    (["--format", "graphml", "--model", MODEL], "--model goes with --format cyclonedx"),
    (["--format", "csv", "--include-likely"], "--include-likely goes with --format cyclonedx"),
])
def test_the_cli_refuses_options_that_do_not_go_together(
        cli_env: dict[str, str], tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["export", *args, str(tmp_path / "x")])
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output and not list(tmp_path.iterdir())


def test_the_cli_names_close_matches_of_a_typo(loaded: neo4j.Driver, cli_env: dict[str, str],
                                               tmp_path: Path) -> None:
    out = tmp_path / "x.cdx.json"
    result = CliRunner().invoke(cli, ["export", "--format", "cyclonedx", "--model",
                                      "carol/merge-7b-ggfu", str(out)])
    assert result.exit_code == 1 and not out.exists()
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "no model 'carol/merge-7b-ggfu'" in lines[0], result.output
    assert "did you mean carol/merge-7b-gguf" in lines[0]
