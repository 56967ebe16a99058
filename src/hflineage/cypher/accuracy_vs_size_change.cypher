// Is the accuracy loss manageable where size drops? Score deltas against the parent by relation and size change.
// $benchmark: enum(Average|ARC|HellaSwag|MMLU|TruthfulQA|Winogrande|GSM8K|IFEval|BBH|MATH Lvl 5|GPQA|MUSR|MMLU-PRO) = 'Average' -- a benchmark name
// $leaderboard: enum(v1|v2) = null -- one board; null: each board separately, never pooled
// $tolerance: float = 0.05 -- ratios within 1 ± tolerance count as the same size
// $architecture: str = null -- only derivatives (the pair's child) with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only derivatives (the pair's child) of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the derivative (the pair's child), YYYY-MM; null: no lower bound (when set, derivatives without createdAt are left out)
// $until: month = null -- last creation month of the derivative (the pair's child), YYYY-MM; null: no upper bound (when set, derivatives without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: pairs whose edge has it (quantized pairs are always left out, so quantized gives no rows); null: every relation
// returns: leaderboard, relation, sizeChange, pairs, medianSizeRatio, medianDelta, meanDelta, shareImproved
// sizeChange is smaller, same or larger (child parameters against the parent's). Pairs with a
// flagged count (parametersFlag) are left out, and so are quantized children: their counts are of
// packed storage, not weights (see size_ratio_pairs).
MATCH (c:Model)-[e:DERIVED_FROM]->(p:Model),
      (c)-[cs:SCORED]->(b:Benchmark {name: $benchmark})<-[ps:SCORED]-(p)
WHERE c.parameters > 0 AND p.parameters > 0
  AND c.parametersFlag IS NULL AND p.parametersFlag IS NULL
  AND ($leaderboard IS NULL OR b.leaderboard = $leaderboard)
  AND NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
  AND ($relation IS NULL OR e.relation = $relation)
  AND ($architecture IS NULL OR EXISTS { (c)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(c)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(c.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(c.createdAt), 0, 7) <= $until)
WITH b, e, cs, ps, c, p
WHERE NOT (e.relation = 'quantized' OR coalesce(c.quantizedStorage, false))
WITH b.leaderboard AS leaderboard, e.relation AS relation,
     toFloat(c.parameters) / p.parameters AS ratio, cs.score - ps.score AS delta
WITH leaderboard, relation, ratio, delta,
     CASE WHEN ratio < 1 - $tolerance THEN 'smaller'
          WHEN ratio > 1 + $tolerance THEN 'larger' ELSE 'same' END AS sizeChange
RETURN leaderboard, relation, sizeChange, count(*) AS pairs,
       percentileCont(ratio, 0.5) AS medianSizeRatio,
       percentileCont(delta, 0.5) AS medianDelta, avg(delta) AS meanDelta,
       avg(CASE WHEN delta > 0 THEN 1.0 ELSE 0.0 END) AS shareImproved
ORDER BY leaderboard, relation, sizeChange
