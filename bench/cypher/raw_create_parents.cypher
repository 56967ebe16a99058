// Baseline (a): create the parent edges of already-normalized rows between existing models.
// $rows: list -- {childKey, parentKey, relation}
UNWIND $rows AS row
MATCH (c:Model {key: row.childKey})
MATCH (p:Model {key: row.parentKey})
CREATE (c)-[:DERIVED_FROM {relation: row.relation}]->(p)
