// Openness spectrum: licence category and gating of base models against derivative activity and contributors.
// $maxDepth: int = 10 -- deepest generation counted as a transitive derivative (at most 32)
// $byGating: bool = true -- one row per licence category and gating state; false: per licence category
// $architecture: str = null -- only base models with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only base models of this licence category (no licence: unknown), so only that category's rows; null: every category
// $since: month = null -- first creation month of the base models, YYYY-MM; null: no lower bound (when set, base models without createdAt are left out)
// $until: month = null -- last creation month of the base models, YYYY-MM; null: no upper bound (when set, base models without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: derivatives reached from a base model through chains whose every edge has it (direct ones by such an edge); null: every relation
// returns: licenseCategory, gated, baseModels, basesWithDerivatives, directDerivatives, transitiveDerivatives, derivativesPerBase, derivativesPerDerivedBase, meanBaseContributors, derivativeContributors
// Base models are models without a parent (deleted ones left out; stubs count). A base without a
// licence is 'unknown'; gated is false, auto, manual or unknown (no source said), and null when
// not $byGating. Each rate is over the bases of its own row: derivativesPerBase divides the
// row's direct derivatives by its baseModels, derivativesPerDerivedBase by its
// basesWithDerivatives. Contributors exclude bots.
MATCH (r:Model)
WHERE NOT (r)-[:DERIVED_FROM]->() AND NOT coalesce(r.deleted, false)
  AND ($architecture IS NULL OR EXISTS { (r)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(r)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(r.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(r.createdAt), 0, 7) <= $until)
WITH r, coalesce(head([(r)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown')
          AS licenseCategory,
     CASE WHEN $byGating THEN toString(coalesce(r.gated, 'unknown')) END AS gated,
     COUNT { MATCH (r)<-[:COMMITTED_TO]-(c:Contributor) WHERE NOT coalesce(c.isBot, false)
             RETURN DISTINCT c } AS baseContributors
CALL (r) {
  WITH r WHERE EXISTS { (r)<-[:DERIVED_FROM]-() }
  MATCH p = ANY SHORTEST (r)<-[e:DERIVED_FROM WHERE $relation IS NULL OR e.relation = $relation]-{1,32}(d)
  WHERE length(p) <= $maxDepth AND NOT coalesce(d.deleted, false)
  RETURN count(CASE WHEN length(p) = 1 THEN d END) AS direct, count(d) AS transitive,
         collect(CASE WHEN length(p) = 1 THEN d END) AS children
}
WITH licenseCategory, gated, count(r) AS baseModels,
     count(CASE WHEN direct > 0 THEN r END) AS basesWithDerivatives,
     sum(direct) AS directDerivatives, sum(transitive) AS transitiveDerivatives,
     avg(baseContributors) AS meanBaseContributors, collect(children) AS childLists
CALL (childLists) {
  UNWIND childLists AS children
  UNWIND children AS d
  MATCH (d)<-[:COMMITTED_TO]-(c:Contributor)
  WHERE NOT coalesce(c.isBot, false)
  RETURN count(DISTINCT c) AS derivativeContributors
}
RETURN licenseCategory, gated, baseModels, basesWithDerivatives, directDerivatives,
       transitiveDerivatives, toFloat(directDerivatives) / baseModels AS derivativesPerBase,
       toFloat(directDerivatives) / nullIf(basesWithDerivatives, 0) AS derivativesPerDerivedBase,
       meanBaseContributors, derivativeContributors
ORDER BY licenseCategory, gated
