// Size along derivation edges: the child-to-parent parameter ratio per relation (or per relation and architecture), with medians over pairs.
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: pairs whose edge has it; null: every relation
// $byArchitecture: bool = false -- one row per relation and architecture instead of per relation
// $tolerance: float = 0.05 -- a child is smaller when its ratio is below 1 - tolerance
// $architecture: str = null -- only pairs with this architecture (the child's, else the parent's, as in size_ratio_pairs; exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only derivatives (the pair's child) of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the derivative (the pair's child), YYYY-MM; null: no lower bound (when set, derivatives without createdAt are left out)
// $until: month = null -- last creation month of the derivative (the pair's child), YYYY-MM; null: no upper bound (when set, derivatives without createdAt are left out)
// returns: relation, architecture, pairs, derivatives, minRatio, p25Ratio, medianRatio, p75Ratio, maxRatio, meanRatio, smallerPairs, smallerDerivatives, excludedPairs
// Pairs are the edges size_ratio_pairs lists; the statistics are over its comparable pairs (the
// quantized storage and suspect counts it names are only counted, in excludedPairs). architecture is null
// unless $byArchitecture. derivatives are distinct children; a derivative is smaller when every
// comparable pair of it in the row is smaller. The filters choose the pairs, as in size_ratio_pairs.
MATCH (c:Model)-[e:DERIVED_FROM]->(p:Model)
WHERE c.parameters > 0 AND p.parameters > 0
  AND ($relation IS NULL OR e.relation = $relation)
  AND NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
  AND ($licenseCategory IS NULL OR coalesce(head([(c)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(c.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(c.createdAt), 0, 7) <= $until)
WITH c, e, toFloat(c.parameters) / p.parameters AS ratio,
     c.parametersFlag IS NOT NULL OR p.parametersFlag IS NOT NULL AS suspect,
     CASE WHEN $byArchitecture OR $architecture IS NOT NULL
          THEN coalesce(head([(c)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name]),
                        head([(p)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name])) END
       AS architecture
WHERE $architecture IS NULL OR architecture = $architecture
WITH e.relation AS relation, CASE WHEN $byArchitecture THEN architecture END AS architecture,
     c, ratio,
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
