"""hflineage: the open-model ecosystem of the Hugging Face Hub as a lineage graph in Neo4j.

``hflineage.connect()`` opens the driver that every library call takes."""

__version__ = "0.1.0"
SCHEMA_VERSION = 3
#: Bumped whenever a normalization rule changes, so reloading a snapshot re-describes its models.
RULES_VERSION = 4
#: How the rules version is written into record versions and leaderboard ranks (sortable as text).
RULES_TAG = f"r{RULES_VERSION:03d}"

# Imported after the constants, which the db package reads while it loads.
from hflineage.db.connection import connect  # noqa: E402

__all__ = ["RULES_TAG", "RULES_VERSION", "SCHEMA_VERSION", "__version__", "connect"]
