// Size along multi-hop chains: each derivative's parameter ratio to its root, by generation, with medians over pairs.
// $maxDepth: int = 10 -- deepest generation (at most 32)
// $tolerance: float = 0.05 -- a derivative is smaller when its ratio is below 1 - tolerance
// $architecture: str = null -- only derivatives with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only derivatives of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the derivative, YYYY-MM; null: no lower bound (when set, derivatives without createdAt are left out)
// $until: month = null -- last creation month of the derivative, YYYY-MM; null: no upper bound (when set, derivatives without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: only chains from the root whose every edge has it (the generation is then the shortest such chain); null: every relation
// returns: generation, pairs, derivatives, p25Ratio, medianRatio, p75Ratio, meanRatio, smallerPairs, excludedPairs
// A root is a model without a parent; a derivative's generation is its shortest distance to it,
// and a derivative with several roots makes one pair per root. A derivative stored quantized (its
// own edge on the path is quantized, or it is marked quantizedStorage, as in size_ratio_pairs)
// has a storage count, and a flagged count (parametersFlag) is suspect: their
// pairs are only counted, in excludedPairs. The root is never filtered (it is a model without
// any parent, whatever the relation).
MATCH (r:Model)
WHERE r.parameters > 0 AND NOT (r)-[:DERIVED_FROM]->() AND NOT coalesce(r.deleted, false)
MATCH p = ANY SHORTEST
  (r)<-[e:DERIVED_FROM WHERE $relation IS NULL OR e.relation = $relation]-{1,32}(d)
WHERE length(p) <= $maxDepth AND d.parameters > 0 AND NOT coalesce(d.deleted, false)
  AND ($architecture IS NULL OR EXISTS { (d)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(d)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(d.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(d.createdAt), 0, 7) <= $until)
WITH length(p) AS generation, d, last(relationships(p)).relation AS relation,
     toFloat(d.parameters) / r.parameters AS ratio,
     d.parametersFlag IS NOT NULL OR r.parametersFlag IS NOT NULL AS suspect
WITH generation, d, CASE WHEN NOT (suspect OR relation = 'quantized'
                                   OR coalesce(d.quantizedStorage, false))
                         THEN ratio END AS ratio
RETURN generation, count(ratio) AS pairs, count(DISTINCT CASE WHEN ratio IS NOT NULL THEN d END)
         AS derivatives,
       percentileCont(ratio, 0.25) AS p25Ratio, percentileCont(ratio, 0.5) AS medianRatio,
       percentileCont(ratio, 0.75) AS p75Ratio, avg(ratio) AS meanRatio,
       count(CASE WHEN ratio < 1 - $tolerance THEN 1 END) AS smallerPairs,
       count(*) - count(ratio) AS excludedPairs
ORDER BY generation
