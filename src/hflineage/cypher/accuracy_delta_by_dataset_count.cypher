// Score delta against the parent by the number of training datasets the derivative declares (as in the paper).
// $benchmark: enum(Average|ARC|HellaSwag|MMLU|TruthfulQA|Winogrande|GSM8K|IFEval|BBH|MATH Lvl 5|GPQA|MUSR|MMLU-PRO) = 'Average' -- a benchmark name
// $leaderboard: enum(v1|v2) = null -- one board; null: each board separately, never pooled
// $architecture: str = null -- only derivatives (the pair's child) with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only derivatives (the pair's child) of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the derivative (the pair's child), YYYY-MM; null: no lower bound (when set, derivatives without createdAt are left out)
// $until: month = null -- last creation month of the derivative (the pair's child), YYYY-MM; null: no upper bound (when set, derivatives without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: pairs whose edge has it; null: every relation
// returns: leaderboard, datasets, pairs, medianDelta, meanDelta, shareImproved
// Deleted models are left out.
MATCH (c:Model)-[e:DERIVED_FROM]->(p:Model),
      (c)-[cs:SCORED]->(b:Benchmark {name: $benchmark})<-[ps:SCORED]-(p)
WHERE ($leaderboard IS NULL OR b.leaderboard = $leaderboard)
  AND NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
  AND ($relation IS NULL OR e.relation = $relation)
  AND ($architecture IS NULL OR EXISTS { (c)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(c)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(c.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(c.createdAt), 0, 7) <= $until)
WITH b.leaderboard AS leaderboard, COUNT { (c)-[:TRAINED_ON]->(:Dataset) } AS datasets,
     cs.score - ps.score AS delta
RETURN leaderboard, datasets, count(*) AS pairs, percentileCont(delta, 0.5) AS medianDelta,
       avg(delta) AS meanDelta, avg(CASE WHEN delta > 0 THEN 1.0 ELSE 0.0 END) AS shareImproved
ORDER BY leaderboard, datasets
