// The predicted parents of one model (LIKELY_DERIVED_FROM, written by hflineage infer), best first.
// $model: str -- a Hub model id (case-insensitive)
// returns: id, relation, confidence, rank, method, evidence, stub
// Predictions, not declared by the model; a model with a declared parent has none.
MATCH (m:Model {key: toLower($model)})-[r:LIKELY_DERIVED_FROM]->(p:Model)
RETURN coalesce(p.id, p.key) AS id, r.relation AS relation, r.confidence AS confidence,
       r.rank AS rank, r.method AS method, coalesce(r.evidence, []) AS evidence,
       coalesce(p.stub, false) AS stub
ORDER BY rank, confidence DESC, id
