// Size–accuracy frontier: parameters against score for every scored model, with the Pareto front marked overall, per architecture and as it stood when the model was released.
// $benchmark: str = 'Average' -- a benchmark name
// $leaderboard: str = null -- v1 or v2; null for both (a model's best score counts)
// returns: model, architecture, parameters, score, month, onFront, onArchitectureFront, onFrontWhenReleased
// A model is on a front when every other model there with at most as many parameters scores lower
// (of models equal in both, the first by id). onFront compares all scored models;
// onArchitectureFront those of the same architecture; onFrontWhenReleased those created in the
// model's month or earlier (null when its creation date is unknown; undated models are nobody's
// rivals there). Architecture is the model's own, else its parent's.
MATCH (m:Model)-[s:SCORED]->(b:Benchmark {name: $benchmark})
WHERE m.parameters > 0 AND NOT coalesce(m.deleted, false)
  AND ($leaderboard IS NULL OR b.leaderboard = $leaderboard)
WITH m, max(s.score) AS score
WITH m, score,
     coalesce(head([(m)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name]),
              head([(m)-[:DERIVED_FROM]->()-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name]))
       AS architecture,
     substring(toString(m.createdAt), 0, 7) AS month
ORDER BY m.parameters, score DESC, m.id
WITH collect({m: m, score: score, architecture: architecture, month: month}) AS points,
     collect(DISTINCT month) AS months
UNWIND range(0, size(points) - 1) AS i
WITH i, points[i] AS pt, months
// Every front is one pass over its models in size order, so the cost is linear in the number of
// fronts: one overall, one per architecture and one per month. A model takes part in the fronts at
// the end of its release month and of every later month, but is judged only in its own.
UNWIND [{front: ['all'], judged: true}, {front: ['architecture', pt.architecture], judged: true}]
       + [mo IN months WHERE mo >= pt.month | {front: ['month', mo], judged: mo = pt.month}]
       AS entry
WITH entry.front AS front, i, pt, entry.judged AS judged
ORDER BY i
WITH front, collect({i: i, pt: pt, judged: judged}) AS rivals
WITH front, reduce(acc = {best: null, verdicts: []}, r IN rivals |
       {best: CASE WHEN acc.best IS NULL OR r.pt.score > acc.best THEN r.pt.score ELSE acc.best END,
        verdicts: acc.verdicts + CASE WHEN r.judged
          THEN [{i: r.i, pt: r.pt, on: acc.best IS NULL OR r.pt.score > acc.best}] ELSE [] END})
       AS pass
UNWIND pass.verdicts AS v
WITH v.i AS i, v.pt AS pt, collect({front: front[0], on: v.on}) AS verdicts
RETURN pt.m.id AS model, pt.architecture AS architecture, pt.m.parameters AS parameters,
       pt.score AS score, pt.month AS month,
       [x IN verdicts WHERE x.front = 'all' | x.on][0] AS onFront,
       [x IN verdicts WHERE x.front = 'architecture' | x.on][0] AS onArchitectureFront,
       [x IN verdicts WHERE x.front = 'month' | x.on][0] AS onFrontWhenReleased
ORDER BY parameters, score DESC, model
