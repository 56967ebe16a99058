// Baseline (b): what a typical script sends, one record per transaction.
// $model: map -- flat model properties (dates as ISO text, as the loader sends them); $org: str; $parents, $licenses, $architectures: list[str]
MERGE (m:Model {key: $model.key})
SET m += $model, m.createdAt = datetime($model.createdAt),
    m.lastModified = datetime($model.lastModified)
FOREACH (o IN CASE WHEN $org IS NULL THEN [] ELSE [$org] END |
  MERGE (x:Organization {key: o}) MERGE (x)-[:PUBLISHED]->(m))
FOREACH (pk IN $parents | MERGE (p:Model {key: pk}) MERGE (m)-[:DERIVED_FROM]->(p))
FOREACH (l IN $licenses | MERGE (x:License {id: l}) MERGE (m)-[:LICENSED_UNDER]->(x))
FOREACH (a IN $architectures | MERGE (x:Architecture {name: a}) MERGE (m)-[:HAS_ARCHITECTURE]->(x))
