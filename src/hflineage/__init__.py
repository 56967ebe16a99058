"""hflineage: the open-model ecosystem of the Hugging Face Hub as a lineage graph in Neo4j."""

__version__ = "0.1.0"
SCHEMA_VERSION = 2
#: Bumped whenever a normalization rule changes, so reloading a snapshot re-describes its models.
RULES_VERSION = 2
