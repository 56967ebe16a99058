// Distinct models behind the report's headline figures: base models and derivatives, how many have an architecture, and derivatives per relation type.
// $maxDepth: int = 10 -- deepest generation counted as a derivative (at most 32), as in top_architectures
// $architecture: str = null -- only base models with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only base models of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the base models, YYYY-MM; null: no lower bound (when set, base models without createdAt are left out)
// $until: month = null -- last creation month of the base models, YYYY-MM; null: no upper bound (when set, base models without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: derivatives reached from a base model through chains whose every edge has it, counted by their edges of this relation only; null: every relation
// returns: baseModels, baseModelsWithArchitecture, derivatives, derivativesWithArchitecture, finetunes, adapters, quantized, merges, unknownRelation
// Base models and derivatives as top_architectures defines them; a derivative has an architecture
// when one of its roots has one. Every figure counts distinct models, so a merge whose parents
// have different architectures counts once. finetunes to unknownRelation: derivatives with an
// edge of that relation to a parent.
MATCH (r:Model)
WHERE NOT (r)-[:DERIVED_FROM]->() AND NOT coalesce(r.deleted, false)
  AND ($architecture IS NULL OR EXISTS { (r)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(r)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(r.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(r.createdAt), 0, 7) <= $until)
WITH r, EXISTS { (r)-[:HAS_ARCHITECTURE]->(:Architecture) } AS hasArchitecture
CALL (r) {
  WITH r WHERE EXISTS { (r)<-[:DERIVED_FROM]-() }
  MATCH p = ANY SHORTEST (r)<-[e:DERIVED_FROM WHERE $relation IS NULL OR e.relation = $relation]-{1,32}(d)
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
  WITH d, [(d)-[e:DERIVED_FROM]->() WHERE $relation IS NULL OR e.relation = $relation | e.relation]
          AS relations
  RETURN count(CASE WHEN 'finetune' IN relations THEN d END) AS finetunes,
         count(CASE WHEN 'adapter' IN relations THEN d END) AS adapters,
         count(CASE WHEN 'quantized' IN relations THEN d END) AS quantized,
         count(CASE WHEN 'merge' IN relations THEN d END) AS merges,
         count(CASE WHEN 'unknown' IN relations THEN d END) AS unknownRelation
}
RETURN baseModels, baseModelsWithArchitecture, size(derivatives) AS derivatives,
       derivativesWithArchitecture, finetunes, adapters, quantized, merges, unknownRelation
