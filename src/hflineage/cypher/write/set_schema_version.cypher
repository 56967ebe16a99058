// Record the graph's schema version: the one Schema node holds $version.
// $version: int -- hflineage.SCHEMA_VERSION
OPTIONAL MATCH (old:Schema)
WHERE old.version <> $version
DELETE old
WITH count(*) AS _
MERGE (s:Schema {version: $version})
ON CREATE SET s.createdAt = datetime()
