// Write predicted parents (hflineage infer) as LIKELY_DERIVED_FROM edges, never DERIVED_FROM.
// A model that declares a parent by now gets none.
// $rows: list -- {child, parent (model keys), relation, confidence (0..1), method,
//   evidence (list of strings), rank (1 = most likely)}
// returns: written
UNWIND $rows AS row
MATCH (c:Model {key: row.child})
WHERE NOT (c)-[:DERIVED_FROM]->()
MATCH (p:Model {key: row.parent})
CREATE (c)-[:LIKELY_DERIVED_FROM {relation: row.relation, confidence: row.confidence,
                                  method: row.method, evidence: row.evidence,
                                  rank: row.rank}]->(p)
RETURN count(*) AS written
