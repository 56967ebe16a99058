// Size along derivation edges: the child-to-parent parameter ratio per hop, by relation and architecture.
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- one relation type, or null for all
// returns: relation, architecture, pairs, medianRatio, p25Ratio, p75Ratio, meanRatio, shareSmaller
// Only pairs where both parameter counts are known and positive; architecture is the child's, else
// the parent's. shareSmaller is the share of children with fewer parameters than their parent.
MATCH (c:Model)-[e:DERIVED_FROM]->(p:Model)
WHERE c.parameters > 0 AND p.parameters > 0
  AND ($relation IS NULL OR e.relation = $relation)
  AND NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
WITH e.relation AS relation, toFloat(c.parameters) / p.parameters AS ratio,
     coalesce(head([(c)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name]),
              head([(p)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name])) AS architecture
RETURN relation, architecture, count(*) AS pairs,
       percentileCont(ratio, 0.5) AS medianRatio, percentileCont(ratio, 0.25) AS p25Ratio,
       percentileCont(ratio, 0.75) AS p75Ratio, avg(ratio) AS meanRatio,
       avg(CASE WHEN ratio < 1 THEN 1.0 ELSE 0.0 END) AS shareSmaller
ORDER BY relation, architecture
