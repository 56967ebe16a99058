// Leaderboard score of a derivative minus its root's, per benchmark and generation.
// $benchmark: enum(Average|ARC|HellaSwag|MMLU|TruthfulQA|Winogrande|GSM8K|IFEval|BBH|MATH Lvl 5|GPQA|MUSR|MMLU-PRO) = null -- a benchmark name; null for every benchmark
// $leaderboard: enum(v1|v2) = null -- one board; null: each board separately, never pooled
// $maxDepth: int = 10 -- deepest generation (at most 32)
// returns: benchmark, leaderboard, generation, pairs, medianDelta, meanDelta, shareImproved
// A root is a model without a parent; generation is the shortest distance to it.
MATCH (r:Model)-[rs:SCORED]->(b:Benchmark)
WHERE ($benchmark IS NULL OR b.name = $benchmark)
  AND ($leaderboard IS NULL OR b.leaderboard = $leaderboard)
  AND NOT (r)-[:DERIVED_FROM]->() AND NOT coalesce(r.deleted, false)
MATCH p = ANY SHORTEST (r)<-[:DERIVED_FROM]-{1,32}(d)
WHERE length(p) <= $maxDepth AND NOT coalesce(d.deleted, false)
MATCH (d)-[ds:SCORED]->(b)
WITH b, length(p) AS generation, ds.score - rs.score AS delta
RETURN b.name AS benchmark, b.leaderboard AS leaderboard, generation, count(*) AS pairs,
       percentileCont(delta, 0.5) AS medianDelta, avg(delta) AS meanDelta,
       avg(CASE WHEN delta > 0 THEN 1.0 ELSE 0.0 END) AS shareImproved
ORDER BY benchmark, leaderboard, generation
