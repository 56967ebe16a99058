// Score delta against the parent by the number of training datasets the derivative declares (as in the paper).
// $benchmark: enum(Average|ARC|HellaSwag|MMLU|TruthfulQA|Winogrande|GSM8K|IFEval|BBH|MATH Lvl 5|GPQA|MUSR|MMLU-PRO) = 'Average' -- a benchmark name
// $leaderboard: enum(v1|v2) = null -- one board; null: each board separately, never pooled
// returns: leaderboard, datasets, pairs, medianDelta, meanDelta, shareImproved
// Deleted models are left out.
MATCH (c:Model)-[:DERIVED_FROM]->(p:Model),
      (c)-[cs:SCORED]->(b:Benchmark {name: $benchmark})<-[ps:SCORED]-(p)
WHERE ($leaderboard IS NULL OR b.leaderboard = $leaderboard)
  AND NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
WITH b.leaderboard AS leaderboard, COUNT { (c)-[:TRAINED_ON]->(:Dataset) } AS datasets,
     cs.score - ps.score AS delta
RETURN leaderboard, datasets, count(*) AS pairs, percentileCont(delta, 0.5) AS medianDelta,
       avg(delta) AS meanDelta, avg(CASE WHEN delta > 0 THEN 1.0 ELSE 0.0 END) AS shareImproved
ORDER BY leaderboard, datasets
