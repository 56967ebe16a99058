// Size–accuracy frontier: parameters against score for every scored model, with the Pareto front marked.
// $benchmark: str = 'Average' -- a benchmark name
// $leaderboard: str = null -- v1 or v2; null for both (a model's best score counts)
// returns: model, architecture, parameters, score, month, onFront
// A model is on the front when no model with at most as many parameters scores higher.
// Architecture is the model's own, else its parent's.
MATCH (m:Model)-[s:SCORED]->(b:Benchmark {name: $benchmark})
WHERE m.parameters > 0 AND NOT coalesce(m.deleted, false)
  AND ($leaderboard IS NULL OR b.leaderboard = $leaderboard)
WITH m, max(s.score) AS score
WITH m, score ORDER BY m.parameters, score DESC, m.id
WITH collect({m: m, score: score}) AS points
WITH points, reduce(acc = {best: null, flags: []}, pt IN points |
       {best: CASE WHEN acc.best IS NULL OR pt.score > acc.best THEN pt.score ELSE acc.best END,
        flags: acc.flags + [acc.best IS NULL OR pt.score > acc.best]}) AS front
UNWIND range(0, size(points) - 1) AS i
WITH points[i].m AS m, points[i].score AS score, front.flags[i] AS onFront
RETURN m.id AS model,
       coalesce(head([(m)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name]),
                head([(m)-[:DERIVED_FROM]->()-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name]))
         AS architecture,
       m.parameters AS parameters, score, substring(toString(m.createdAt), 0, 7) AS month, onFront
ORDER BY parameters, score DESC, model
