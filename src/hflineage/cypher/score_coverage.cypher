// Score coverage per leaderboard: how many models have a score on the benchmark, out of all models.
// $benchmark: enum(Average|ARC|HellaSwag|MMLU|TruthfulQA|Winogrande|GSM8K|IFEval|BBH|MATH Lvl 5|GPQA|MUSR|MMLU-PRO) = 'Average' -- a benchmark name
// $leaderboard: enum(v1|v2) = null -- one board; null: each board separately, never pooled
// $architecture: str = null -- only models (scored ones and the denominator alike) with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only models (scored ones and the denominator alike) of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the model (scored ones and the denominator alike), YYYY-MM; null: no lower bound (when set, models without createdAt are left out)
// $until: month = null -- last creation month of the model (scored ones and the denominator alike), YYYY-MM; null: no upper bound (when set, models without createdAt are left out)
// returns: leaderboard, benchmark, scoredModels, models
// models counts every model that is not deleted (stubs too: a model known only from a leaderboard is one).
// The filters apply to both counts alike: the row is the coverage of the filtered set.
MATCH (b:Benchmark {name: $benchmark})
WHERE $leaderboard IS NULL OR b.leaderboard = $leaderboard
WITH b, COUNT {
  (m:Model)-[:SCORED]->(b)
  WHERE NOT coalesce(m.deleted, false)
    AND ($architecture IS NULL OR EXISTS { (m)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
    AND ($licenseCategory IS NULL OR coalesce(head([(m)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
    AND ($since IS NULL OR substring(toString(m.createdAt), 0, 7) >= $since)
    AND ($until IS NULL OR substring(toString(m.createdAt), 0, 7) <= $until)
} AS scoredModels
CALL () {
  MATCH (m:Model)
  WHERE NOT coalesce(m.deleted, false)
    AND ($architecture IS NULL OR EXISTS { (m)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
    AND ($licenseCategory IS NULL OR coalesce(head([(m)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
    AND ($since IS NULL OR substring(toString(m.createdAt), 0, 7) >= $since)
    AND ($until IS NULL OR substring(toString(m.createdAt), 0, 7) <= $until)
  RETURN count(m) AS models
}
RETURN b.leaderboard AS leaderboard, b.name AS benchmark, scoredModels, models
ORDER BY leaderboard
