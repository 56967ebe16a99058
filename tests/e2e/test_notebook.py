"""``examples/explore.ipynb`` runs top to bottom against the test server, as a user's would."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.support.paths import ROOT

NOTEBOOK = ROOT / "examples" / "explore.ipynb"


def _outputs(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def test_the_notebook_is_stored_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert not _outputs(nb), "strip the outputs before committing (Kernel > Clear Outputs)"
    assert all(c.execution_count is None for c in nb.cells if c.cell_type == "code")


@pytest.mark.usefixtures("graph", "cli_env")  # cli_env: NEO4J_* of the test server, inherited
def test_the_notebook_answers_on_the_sample(tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = _outputs(nb)
    stderr = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, "".join(stderr)
    html = "\n".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "mistralai/Mistral-7B-v0.1" in html  # the top base models table
    assert "HuggingFaceH4/mistral-7b-sft-beta" in html  # zephyr's lineage
    assert "<iframe" in html and "Mistral-7B" in html  # the family page, inline
    plots = [o for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(plots) == 2
