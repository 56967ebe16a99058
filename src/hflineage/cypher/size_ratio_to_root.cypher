// Size along multi-hop chains: each derivative's parameter ratio to its root, by generation.
// $maxDepth: int = 10 -- deepest generation (at most 32)
// returns: generation, pairs, medianRatio, meanRatio, shareSmaller
// A root is a model without a parent; a derivative's generation is its shortest distance to it.
MATCH (r:Model)
WHERE r.parameters > 0 AND NOT (r)-[:DERIVED_FROM]->() AND NOT coalesce(r.deleted, false)
MATCH p = ANY SHORTEST (r)<-[:DERIVED_FROM]-{1,32}(d)
WHERE length(p) <= $maxDepth AND d.parameters > 0 AND NOT coalesce(d.deleted, false)
WITH length(p) AS generation, toFloat(d.parameters) / r.parameters AS ratio
RETURN generation, count(*) AS pairs, percentileCont(ratio, 0.5) AS medianRatio,
       avg(ratio) AS meanRatio, avg(CASE WHEN ratio < 1 THEN 1.0 ELSE 0.0 END) AS shareSmaller
ORDER BY generation
