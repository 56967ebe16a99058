"""Where the tests find the project, its fixtures and the third-party snapshots."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "src" / "hflineage" / "data" / "sample"
ARTIFACTS = ROOT / "test-artifacts"
