"""One model's provenance as a CycloneDX 1.6 ML-BOM (``hflineage export --format cyclonedx``).

``metadata.component`` is the model (type machine-learning-model, bom-ref and name its Hub id,
purl ``pkg:huggingface/<namespace>/<name>`` without a version: the graph holds no commit sha).
Its declared ancestors (DERIVED_FROM, up to ``max_depth`` generations, each once on a shortest
path) are ``pedigree.ancestors``; with ``include_likely`` the ancestors reached only through a
predicted edge (hflineage infer) are added, marked ``hflineage:likely`` = true with their
confidence and evidence; the pedigree notes say when the graph holds no predicted edge at all.
Every model carries its organization as supplier, its Hub licence (an SPDX id where the Hub id
is one, the current ``-only`` form for the GNU licences; ``other`` a named licence pointing at
the model card; none for ``unknown``) and ``hflineage:*`` properties for what CycloneDX has no
field for. cyclonedx-python-lib 11 has no modelCard yet, so the model's own datasets are ``data``
components (bom-ref ``dataset:<id>``) that it depends on; ancestors name theirs only in
``hflineage:dataset`` properties. The JSON is checked against the 1.6 schema before use.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType, Pedigree
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.license import DisjunctiveLicense, License, LicenseAcknowledgement
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion
from cyclonedx.serialization import PackageUrl
from cyclonedx.spdx import fixup_id, is_supported_id
from cyclonedx.validation.json import JsonStrictValidator

from hflineage import SCHEMA_VERSION, __version__
from hflineage.analytics.output import write_text_atomically
from hflineage.analytics.queries import read_records, require_anchors
from hflineage.db.schema import ensure_current, schema_versions
from hflineage.errors import BomValidationError, QueryParameterError
from hflineage.loader.normalize.vocab import license_category

HUB = "https://huggingface.co/"
NS = "hflineage:"
MAX_DEPTH = 32
NO_PREDICTIONS = "no predicted parents in the graph (hflineage infer has not run)"
#: Hub ids that are no licence: no CycloneDX licence, only ``hflineage:license``.
_NO_LICENCE = {"unknown"}
#: The facts copied as ``hflineage:<name>`` properties when the graph holds them.
_FACTS = ("gated", "parameters", "parametersSource", "parametersFlag", "modelType",
          "pipelineTag", "libraryName", "createdAt", "lastModified", "deletedAt")


@dataclass(frozen=True)
class BomSummary:
    """What an export wrote: the model, its ancestors (declared, likely) and datasets (its
    own, and the others its ancestors name). ``predictions``: whether the graph holds any
    predicted edge; None when ``--include-likely`` was not asked for."""

    path: str
    model: str
    ancestors_declared: int
    ancestors_likely: int
    datasets: int
    ancestor_datasets: int = 0
    predictions: bool | None = None
    schema_version: int = SCHEMA_VERSION

    def line(self) -> str:
        """The CLI's one-line summary."""
        if self.predictions is None:
            likely = ""
        elif not self.predictions:
            likely = f" ({NO_PREDICTIONS})"
        elif self.ancestors_likely:
            likely = f" and {self.ancestors_likely:,} likely"
        else:
            likely = " and no likely ones (hflineage infer predicted none in this lineage)"
        return (f"wrote a CycloneDX 1.6 ML-BOM of {self.model}: {self.ancestors_declared:,} "
                f"declared ancestors{likely}, {self.datasets:,} datasets of its own, "
                f"{self.ancestor_datasets:,} more named by ancestors (schema version "
                f"{self.schema_version}) to {self.path}")


def _prop(name: str, value: Any) -> Property:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return Property(name=NS + name, value=text)


def _spdx(hub_id: str) -> str | None:
    """The SPDX id of a Hub licence id, the current ``-only`` form where SPDX deprecated the bare
    one (``gpl-3.0`` → ``GPL-3.0-only``: the Hub id does not say "or later"); None if not SPDX."""
    spdx = fixup_id(hub_id)
    if spdx and is_supported_id(spdx + "-only"):
        return spdx + "-only"
    return spdx


def _licence(hub_id: str, model_id: str) -> License | None:
    declared = LicenseAcknowledgement.DECLARED
    if hub_id in _NO_LICENCE:
        return None
    if hub_id == "other":
        return DisjunctiveLicense(name="other (terms in the model card)",
                                  url=XsUri(HUB + model_id), acknowledgement=declared)
    spdx = _spdx(hub_id)
    return DisjunctiveLicense(id=spdx, acknowledgement=declared) if spdx else DisjunctiveLicense(
        name=hub_id, acknowledgement=declared)


def _licences(row: dict[str, Any]) -> tuple[list[License], list[Property]]:
    """The Hub licences as CycloneDX ones, and their ids and categories as properties."""
    licences: list[License] = []
    props: list[Property] = []
    for lic in row["licenses"]:
        licence = _licence(lic["id"], row["id"])
        licences += [licence] if licence else []
        props += [_prop("license", lic["id"]),
                  _prop("licenseCategory", lic["category"] or license_category(lic["id"]))]
    if not licences:
        props += [_prop("license", "unknown"), _prop("licenseCategory", "unknown")]
    return licences, props


def _purl(model_id: str) -> Any:
    namespace, _, name = model_id.rpartition("/")
    return PackageUrl.deserialize(f"pkg:huggingface/{namespace}/{name}" if namespace
                                  else f"pkg:huggingface/{name}")


def _ancestry(row: dict[str, Any]) -> list[Property]:
    props = [_prop("relation", row["relation"]), _prop("relations", " → ".join(row["relations"])),
             _prop("generation", row["generation"]), _prop("path", " -> ".join(row["path"])),
             _prop("likely", row["likely"])]
    if not row["likely"]:
        return props
    if row["confidence"] is not None:
        props.append(_prop("confidence", f"{row['confidence']:.3f}"))
    several = len(row["predicted"]) > 1
    for edge in row["predicted"]:
        head = f"{edge['child']} -> {edge['parent']}: " if several else ""
        props += [_prop("method", head + str(edge["method"])),
                  _prop("rank", head + str(edge["rank"])),
                  *(_prop("evidence", head + line) for line in edge["evidence"])]
    return props


def _description(row: dict[str, Any]) -> str | None:
    notes = []
    reached = f"generation {row['generation']}, reached by {' → '.join(row['relations'])}"
    if row["likely"]:
        confidence = ("confidence unknown" if row["confidence"] is None
                      else f"confidence {row['confidence']:.2f}")
        notes.append(f"PREDICTED ancestor (hflineage infer, {confidence}), {reached}, "
                     "not declared on the Hub")
    elif row["generation"]:
        notes.append(f"declared ancestor, {reached}")
    if row["stub"]:
        notes.append("named as a base model but never described: licence unknown")
    if row["deleted"]:
        notes.append("deleted from the Hub")
    return "; ".join(notes) or None


def _component(row: dict[str, Any]) -> Component:
    """One model (the subject or an ancestor) as a machine-learning-model component."""
    licences, props = _licences(row)
    props += [_prop("stub", row["stub"]), _prop("deleted", row["deleted"])]
    props += [_prop(name, row[name]) for name in _FACTS if row[name] is not None]
    props += [_prop("architecture", a) for a in row["architectures"]]
    props += [_prop("dataset", d) for d in row["datasets"]]
    if row["generation"]:
        props += _ancestry(row)
    org = row["organization"]
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL, bom_ref=row["id"], name=row["id"],
        purl=_purl(row["id"]), description=_description(row),
        supplier=OrganizationalEntity(name=org, urls=[XsUri(HUB + org)]) if org else None,
        licenses=licences, properties=props,
        external_references=[ExternalReference(type=ExternalReferenceType.WEBSITE,
                                                url=XsUri(HUB + row["id"]))])


def _dataset(dataset_id: str) -> Component:
    return Component(type=ComponentType.DATA, bom_ref=f"dataset:{dataset_id}", name=dataset_id,
                     external_references=[ExternalReference(
                         type=ExternalReferenceType.WEBSITE,
                         url=XsUri(f"{HUB}datasets/{dataset_id}"))])


def _rows(driver: neo4j.Driver, model: str, database: str, max_depth: int,
          include_likely: bool) -> list[dict[str, Any]]:
    if not 1 <= max_depth <= MAX_DEPTH:
        raise QueryParameterError(f"max_depth must be 1 to {MAX_DEPTH}, got {max_depth}")
    ensure_current(driver, database)
    require_anchors(driver, {"model": model}, database)
    return [r.data() for r in read_records(
        driver, "read/cyclonedx_model",
        {"model": model, "maxDepth": max_depth, "includeLikely": include_likely}, database)]


def _predictions(driver: neo4j.Driver, database: str) -> bool:
    """Whether the graph holds any predicted parent (whether hflineage infer has run)."""
    return bool(read_records(driver, "read/likely_edges_exist", {}, database)[0]["present"])


def model_bom(driver: neo4j.Driver, model: str, *, database: str = "neo4j",
              max_depth: int = 10, include_likely: bool = False) -> Bom:
    """The CycloneDX ML-BOM of ``model``: the model, its ancestors in its pedigree (declared;
    with ``include_likely`` also the predicted ones, marked), licences, suppliers, datasets.

    A model not in the graph raises ModelNotFoundError naming close matches."""
    rows = _rows(driver, model, database, max_depth, include_likely)
    subject, ancestors = rows[0], rows[1:]
    datasets = [_dataset(d) for d in subject["datasets"]]
    likely = sum(r["likely"] for r in ancestors)
    predictions = _predictions(driver, database) if include_likely else None
    if predictions is None:
        predicted = "; predicted parents not included"
    elif not predictions:
        predicted = f"; {NO_PREDICTIONS}"
    else:
        predicted = f"; {likely} more predicted by hflineage infer, marked hflineage:likely=true"
    component = _component(subject)
    component.pedigree = Pedigree(
        ancestors=[_component(r) for r in ancestors],
        notes=f"Ancestors declared on the Hub (base_model), up to {max_depth} generations"
              + predicted)
    bom = Bom(components=datasets)
    bom.metadata.component = component
    bom.metadata.tools.components.add(Component(type=ComponentType.APPLICATION,
                                                name="hflineage", version=__version__))
    version = max(schema_versions(driver, database), default=SCHEMA_VERSION)
    bom.metadata.properties.update([
        _prop("schemaVersion", version), _prop("maxDepth", max_depth),
        _prop("includeLikely", include_likely),
        _prop("ancestorsDeclared", len(ancestors) - likely), _prop("ancestorsLikely", likely),
        *([] if predictions is None else [_prop("predictionsInGraph", predictions)])])
    bom.register_dependency(component, datasets)
    return bom


def bom_json(bom: Bom) -> str:
    """The BOM as CycloneDX 1.6 JSON, checked against the schema (BomValidationError if not)."""
    text = JsonV1Dot6(bom).output_as_string(indent=2)
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        name = bom.metadata.component.name if bom.metadata.component else "?"
        raise BomValidationError(f"the CycloneDX BOM of {name} fails the 1.6 schema, nothing "
                                 f"was written: {error.data.message}")
    return text


def summarize(bom: Bom, path: str) -> BomSummary:
    """What a BOM of :func:`model_bom` holds, for the one-line summary."""
    props = {p.name.removeprefix(NS): p.value for p in bom.metadata.properties}
    subject = bom.metadata.component
    own = {c.name for c in bom.components}
    named = {p.value for a in (subject.pedigree.ancestors if subject and subject.pedigree else [])
             for p in a.properties if p.name == NS + "dataset"}
    predictions = props.get("predictionsInGraph")
    return BomSummary(path=path, model=subject.name if subject else "?",
                      ancestors_declared=int(props["ancestorsDeclared"]),
                      ancestors_likely=int(props["ancestorsLikely"]), datasets=len(own),
                      ancestor_datasets=len(named - own),
                      predictions=None if predictions is None else predictions == "true",
                      schema_version=int(props["schemaVersion"]))


def write_bom(bom: Bom, path: Path | str) -> BomSummary:
    """Validate the BOM and write it all or nothing (a temporary file renamed over ``path``,
    with an ordinary file's permissions); ``-`` is not a path here (the CLI prints it)."""
    path = Path(path)
    write_text_atomically(path, bom_json(bom) + "\n")
    return summarize(bom, str(path))
