// One generation up: the models the given models derive from (DERIVED_FROM, child → parent).
// $keys: list[str] -- Hub model ids (case-insensitive)
// $relations: list[enum(finetune|adapter|quantized|merge|unknown)] = null -- follow only these relations (finetune, adapter, quantized, merge, unknown); null follows all
// $includeLikely: bool = false -- also follow predicted LIKELY_DERIVED_FROM edges (hflineage infer); declared only by default
// returns: child, parent, relation, source, relationSource, likely, confidence, rank, method, evidence
// likely: a predicted edge, with its confidence, rank, method and evidence (null for a declared one).
UNWIND $keys AS k
MATCH (c:Model {key: toLower(k)})
CALL (c) {
  MATCH (c)-[r:DERIVED_FROM]->(p:Model)
  WHERE $relations IS NULL OR r.relation IN $relations
  RETURN p, r.relation AS relation, r.source AS source, r.relationSource AS relationSource,
         false AS likely, null AS confidence, null AS rank, null AS method, null AS evidence
  UNION ALL
  WITH c WHERE $includeLikely
  MATCH (c)-[r:LIKELY_DERIVED_FROM]->(p:Model)
  WHERE $relations IS NULL OR r.relation IN $relations
  RETURN p, r.relation AS relation, null AS source, null AS relationSource,
         true AS likely, r.confidence AS confidence, r.rank AS rank, r.method AS method,
         r.evidence AS evidence
}
RETURN c.key AS child, p.key AS parent, relation, source, relationSource, likely, confidence,
       rank, method, evidence
