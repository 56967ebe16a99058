// Distinct models behind the report's headline figures: base models and derivatives, how many have an architecture, and derivatives per relation type.
// $maxDepth: int = 10 -- deepest generation counted as a derivative (at most 32), as in top_architectures
// returns: baseModels, baseModelsWithArchitecture, derivatives, derivativesWithArchitecture, finetunes, adapters, quantized, merges, unknownRelation
// Base models and derivatives as top_architectures defines them; a derivative has an architecture
// when one of its roots has one. Every figure counts distinct models, so a merge whose parents
// have different architectures counts once. finetunes to unknownRelation: derivatives with an
// edge of that relation to a parent.
MATCH (r:Model)
WHERE NOT (r)-[:DERIVED_FROM]->() AND NOT coalesce(r.deleted, false)
WITH r, EXISTS { (r)-[:HAS_ARCHITECTURE]->(:Architecture) } AS hasArchitecture
CALL (r) {
  WITH r WHERE EXISTS { (r)<-[:DERIVED_FROM]-() }
  MATCH p = ANY SHORTEST (r)<-[:DERIVED_FROM]-{1,32}(d)
  WHERE length(p) <= $maxDepth AND NOT coalesce(d.deleted, false)
  RETURN d
  UNION
  RETURN null AS d
}
WITH count(DISTINCT r) AS baseModels,
     count(DISTINCT CASE WHEN hasArchitecture THEN r END) AS baseModelsWithArchitecture,
     collect(DISTINCT d) AS derivatives,
     count(DISTINCT CASE WHEN hasArchitecture THEN d END) AS derivativesWithArchitecture
CALL (derivatives) {
  UNWIND derivatives AS d
  WITH d, [(d)-[e:DERIVED_FROM]->() | e.relation] AS relations
  RETURN count(CASE WHEN 'finetune' IN relations THEN d END) AS finetunes,
         count(CASE WHEN 'adapter' IN relations THEN d END) AS adapters,
         count(CASE WHEN 'quantized' IN relations THEN d END) AS quantized,
         count(CASE WHEN 'merge' IN relations THEN d END) AS merges,
         count(CASE WHEN 'unknown' IN relations THEN d END) AS unknownRelation
}
RETURN baseModels, baseModelsWithArchitecture, size(derivatives) AS derivatives,
       derivativesWithArchitecture, finetunes, adapters, quantized, merges, unknownRelation
