// Size along derivation edges: the child-to-parent parameter ratio per relation (or per relation and architecture), with medians over pairs.
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- one relation type, or null for all
// $byArchitecture: bool = false -- one row per relation and architecture instead of per relation
// $tolerance: float = 0.05 -- a child is smaller when its ratio is below 1 - tolerance
// returns: relation, architecture, pairs, derivatives, minRatio, p25Ratio, medianRatio, p75Ratio, maxRatio, meanRatio, smallerPairs, smallerDerivatives, excludedPairs
// Pairs are the edges size_ratio_pairs lists; the statistics are over its comparable pairs (the
// quantized storage and suspect counts it names are only counted, in excludedPairs). architecture is null
// unless $byArchitecture. derivatives are distinct children; a derivative is smaller when every
// comparable pair of it in the row is smaller.
MATCH (c:Model)-[e:DERIVED_FROM]->(p:Model)
WHERE c.parameters > 0 AND p.parameters > 0
  AND ($relation IS NULL OR e.relation = $relation)
  AND NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
WITH c, e, toFloat(c.parameters) / p.parameters AS ratio,
     c.parametersFlag IS NOT NULL OR p.parametersFlag IS NOT NULL AS suspect,
     CASE WHEN $byArchitecture
          THEN coalesce(head([(c)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name]),
                        head([(p)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name])) END
       AS architecture
WITH e.relation AS relation, architecture, c, ratio,
     NOT (suspect OR e.relation = 'quantized' OR coalesce(c.quantizedStorage, false))
       AS comparable
WITH relation, architecture, CASE WHEN comparable THEN ratio END AS ratio,
     CASE WHEN comparable THEN {child: c.key, smaller: ratio < 1 - $tolerance} END AS pair
WITH relation, architecture, count(pair) AS pairs, min(ratio) AS minRatio,
     percentileCont(ratio, 0.25) AS p25Ratio, percentileCont(ratio, 0.5) AS medianRatio,
     percentileCont(ratio, 0.75) AS p75Ratio, max(ratio) AS maxRatio, avg(ratio) AS meanRatio,
     count(CASE WHEN pair.smaller THEN 1 END) AS smallerPairs,
     count(*) - count(pair) AS excludedPairs, collect(pair) AS pairList
CALL (pairList) {
  UNWIND pairList AS pair
  WITH pair.child AS child, collect(pair.smaller) AS smaller
  RETURN count(child) AS derivatives,
         count(CASE WHEN all(s IN smaller WHERE s) THEN 1 END) AS smallerDerivatives
}
RETURN relation, architecture, pairs, derivatives, minRatio, p25Ratio, medianRatio, p75Ratio,
       maxRatio, meanRatio, smallerPairs, smallerDerivatives, excludedPairs
ORDER BY relation, architecture
