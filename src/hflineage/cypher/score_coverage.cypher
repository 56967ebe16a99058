// Score coverage per leaderboard: how many models have a score on the benchmark, out of all models.
// $benchmark: enum(Average|ARC|HellaSwag|MMLU|TruthfulQA|Winogrande|GSM8K|IFEval|BBH|MATH Lvl 5|GPQA|MUSR|MMLU-PRO) = 'Average' -- a benchmark name
// $leaderboard: enum(v1|v2) = null -- one board; null: each board separately, never pooled
// returns: leaderboard, benchmark, scoredModels, models
// models counts every model that is not deleted (stubs too: a model known only from a leaderboard is one).
MATCH (b:Benchmark {name: $benchmark})
WHERE $leaderboard IS NULL OR b.leaderboard = $leaderboard
WITH b, COUNT { (m:Model)-[:SCORED]->(b) WHERE NOT coalesce(m.deleted, false) } AS scoredModels
CALL () {
  MATCH (m:Model) WHERE NOT coalesce(m.deleted, false)
  RETURN count(m) AS models
}
RETURN b.leaderboard AS leaderboard, b.name AS benchmark, scoredModels, models
ORDER BY leaderboard
