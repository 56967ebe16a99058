// The paper's "increasing maximum": the best score in a family, month by month.
// $model: str -- the family's root, case-insensitive
// $benchmark: enum(Average|ARC|HellaSwag|MMLU|TruthfulQA|Winogrande|GSM8K|IFEval|BBH|MATH Lvl 5|GPQA|MUSR|MMLU-PRO) = 'Average' -- a benchmark name
// $leaderboard: enum(v1|v2) = null -- one board; null: each board separately, never pooled
// $maxDepth: int = 10 -- generations to follow (at most 32)
// returns: leaderboard, month, scoredModels, monthBest, familyBest, bestModel
// familyBest is the best score of any family member created up to that month, on the row's board.
MATCH (r:Model {key: toLower($model)})
CALL (r) {
  RETURN r AS member
  UNION
  MATCH p = ANY SHORTEST (r)<-[:DERIVED_FROM]-{1,32}(d)
  WHERE length(p) <= $maxDepth AND NOT coalesce(d.deleted, false)
  RETURN d AS member
}
MATCH (member)-[s:SCORED]->(b:Benchmark {name: $benchmark})
WHERE member.createdAt IS NOT NULL AND ($leaderboard IS NULL OR b.leaderboard = $leaderboard)
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
