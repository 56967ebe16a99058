// The paper's "increasing maximum": the best score in a family, month by month.
// $model: str -- the family's root, case-insensitive
// $benchmark: enum(Average|ARC|HellaSwag|MMLU|TruthfulQA|Winogrande|GSM8K|IFEval|BBH|MATH Lvl 5|GPQA|MUSR|MMLU-PRO) = 'Average' -- a benchmark name
// $leaderboard: enum(v1|v2) = null -- one board; null: each board separately, never pooled
// $maxDepth: int = 10 -- generations to follow (at most 32)
// $architecture: str = null -- only family members (the root too) with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only family members (the root too) of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the family member, YYYY-MM; null: no lower bound (when set, members without createdAt are left out)
// $until: month = null -- last creation month of the family member, YYYY-MM; null: no upper bound (when set, members without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: members reached from the root by a chain whose every edge has it (the root itself always is one); null: every relation
// returns: leaderboard, month, scoredModels, monthBest, familyBest, bestModel
// familyBest is the best score of any family member created up to that month, on the row's board.
// The filters choose the members (undated members never count: a month is a creation month).
MATCH (r:Model {key: toLower($model)})
CALL (r) {
  RETURN r AS member
  UNION
  MATCH p = ANY SHORTEST
    (r)<-[e:DERIVED_FROM WHERE $relation IS NULL OR e.relation = $relation]-{1,32}(d)
  WHERE length(p) <= $maxDepth AND NOT coalesce(d.deleted, false)
  RETURN d AS member
}
MATCH (member)-[s:SCORED]->(b:Benchmark {name: $benchmark})
WHERE member.createdAt IS NOT NULL AND ($leaderboard IS NULL OR b.leaderboard = $leaderboard)
  AND ($architecture IS NULL OR EXISTS { (member)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(member)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(member.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(member.createdAt), 0, 7) <= $until)
WITH b.leaderboard AS leaderboard, substring(toString(member.createdAt), 0, 7) AS month,
     member.id AS model, s.score AS score
ORDER BY leaderboard, month, score DESC, model
WITH leaderboard, month, count(*) AS scoredModels, collect({model: model, score: score})[0] AS top
ORDER BY leaderboard, month
WITH leaderboard, collect({month: month, scoredModels: scoredModels, top: top}) AS months
UNWIND range(0, size(months) - 1) AS i
WITH leaderboard, months[i] AS row,
     reduce(best = null, x IN months[0..i + 1] |
            CASE WHEN best IS NULL OR x.top.score > best.score THEN x.top ELSE best END) AS best
RETURN leaderboard, row.month AS month, row.scoredModels AS scoredModels,
       row.top.score AS monthBest, best.score AS familyBest, best.model AS bestModel
ORDER BY leaderboard, month
