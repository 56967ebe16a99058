// Every derivative–parent pair scored on the same benchmark: both scores, the delta and the size ratio.
// $benchmark: enum(Average|ARC|HellaSwag|MMLU|TruthfulQA|Winogrande|GSM8K|IFEval|BBH|MATH Lvl 5|GPQA|MUSR|MMLU-PRO) = 'Average' -- a benchmark name; null for every benchmark
// $leaderboard: enum(v1|v2) = null -- one board; null: each board separately, never pooled
// $architecture: str = null -- only pairs with this architecture (the architecture column: the child's, else the parent's; exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only derivatives (the pair's child) of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the derivative (the pair's child), YYYY-MM; null: no lower bound (when set, derivatives without createdAt are left out)
// $until: month = null -- last creation month of the derivative (the pair's child), YYYY-MM; null: no upper bound (when set, derivatives without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: pairs whose edge has it; null: every relation
// returns: child, parent, relation, architecture, benchmark, leaderboard, childScore, parentScore, delta, sizeRatio, parents
// sizeRatio is null unless both parameter counts are known and unflagged (parametersFlag), and
// for quantized children (storage counts, as in size_ratio_pairs). parents is the number of
// parents the child declares (1: a single-parent derivative). Deleted models are left out.
MATCH (c:Model)-[e:DERIVED_FROM]->(p:Model),
      (c)-[cs:SCORED]->(b:Benchmark)<-[ps:SCORED]-(p)
WHERE ($benchmark IS NULL OR b.name = $benchmark)
  AND ($leaderboard IS NULL OR b.leaderboard = $leaderboard)
  AND NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
  AND ($relation IS NULL OR e.relation = $relation)
  AND ($licenseCategory IS NULL OR coalesce(head([(c)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(c.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(c.createdAt), 0, 7) <= $until)
WITH c, p, e, b, cs, ps,
     coalesce(head([(c)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name]),
              head([(p)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name])) AS architecture
WHERE $architecture IS NULL OR architecture = $architecture
RETURN c.id AS child, p.id AS parent, e.relation AS relation, architecture,
       b.name AS benchmark, b.leaderboard AS leaderboard, cs.score AS childScore,
       ps.score AS parentScore, cs.score - ps.score AS delta,
       CASE WHEN c.parameters > 0 AND p.parameters > 0
                 AND c.parametersFlag IS NULL AND p.parametersFlag IS NULL
                 AND NOT (e.relation = 'quantized' OR coalesce(c.quantizedStorage, false))
            THEN toFloat(c.parameters) / p.parameters END AS sizeRatio,
       COUNT { (c)-[:DERIVED_FROM]->() } AS parents
ORDER BY benchmark, leaderboard, child, parent
