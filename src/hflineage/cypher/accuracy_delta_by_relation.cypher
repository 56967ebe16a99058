// Leaderboard score of a derivative minus its parent's, per benchmark, relation and architecture.
// $benchmark: enum(Average|ARC|HellaSwag|MMLU|TruthfulQA|Winogrande|GSM8K|IFEval|BBH|MATH Lvl 5|GPQA|MUSR|MMLU-PRO) = null -- a benchmark name (Average, ARC, IFEval, ...); null for every benchmark
// $leaderboard: enum(v1|v2) = null -- one board; null: each board separately, never pooled
// $architecture: str = null -- only pairs with this architecture (the architecture column: the child's, else the parent's; exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only derivatives (the pair's child) of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the derivative (the pair's child), YYYY-MM; null: no lower bound (when set, derivatives without createdAt are left out)
// $until: month = null -- last creation month of the derivative (the pair's child), YYYY-MM; null: no upper bound (when set, derivatives without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: pairs whose edge has it; null: every relation
// returns: benchmark, leaderboard, relation, architecture, pairs, medianDelta, meanDelta, shareImproved
// A pair counts when child and parent are scored on the same benchmark of the same leaderboard.
MATCH (c:Model)-[e:DERIVED_FROM]->(p:Model),
      (c)-[cs:SCORED]->(b:Benchmark)<-[ps:SCORED]-(p)
WHERE ($benchmark IS NULL OR b.name = $benchmark)
  AND ($leaderboard IS NULL OR b.leaderboard = $leaderboard)
  AND NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
  AND ($relation IS NULL OR e.relation = $relation)
  AND ($licenseCategory IS NULL OR coalesce(head([(c)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(c.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(c.createdAt), 0, 7) <= $until)
WITH b, e.relation AS relation, cs.score - ps.score AS delta,
     coalesce(head([(c)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name]),
              head([(p)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name])) AS architecture
WHERE $architecture IS NULL OR architecture = $architecture
RETURN b.name AS benchmark, b.leaderboard AS leaderboard, relation, architecture,
       count(*) AS pairs, percentileCont(delta, 0.5) AS medianDelta, avg(delta) AS meanDelta,
       avg(CASE WHEN delta > 0 THEN 1.0 ELSE 0.0 END) AS shareImproved
ORDER BY benchmark, leaderboard, relation, architecture
