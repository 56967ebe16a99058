// Size–accuracy frontier: parameters against score for every scored model, with the Pareto front marked overall, per architecture and as it stood when the model was released.
// $benchmark: enum(Average|ARC|HellaSwag|MMLU|TruthfulQA|Winogrande|GSM8K|IFEval|BBH|MATH Lvl 5|GPQA|MUSR|MMLU-PRO) = 'Average' -- a benchmark name
// $leaderboard: enum(v1|v2) = null -- one board; null: each board separately, never pooled
// $architecture: str = null -- only scored models with this architecture (the architecture column: the model's own, else its parent's; exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only scored models of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the scored model, YYYY-MM; null: no lower bound (when set, models without createdAt are left out)
// $until: month = null -- last creation month of the scored model, YYYY-MM; null: no upper bound (when set, models without createdAt are left out)
// returns: leaderboard, model, architecture, parameters, score, month, onFront, onArchitectureFront, onFrontWhenReleased
// A model is on a front when every other model there with at most as many parameters scores lower
// (of models equal in both, the first by id). onFront compares all scored models;
// onArchitectureFront those of the same architecture; onFrontWhenReleased those created in the
// model's month or earlier (null when its creation date is unknown; undated models are nobody's
// rivals there). Architecture is the model's own, else its parent's. Every front is per board:
// a model's rivals are the models scored on the same leaderboard. Models whose parameter count is
// flagged (parametersFlag) are left out: they are not real points. Every front is recomputed among
// the models the filters keep: a model left out is nobody's rival, so a filtered front is the
// front of that subset, not the overall front cut down.
MATCH (b:Benchmark {name: $benchmark})
WHERE $leaderboard IS NULL OR b.leaderboard = $leaderboard
// One board at a time (grouping the points by board in one pipeline ran out of transaction memory).
CALL (b) {
  MATCH (m:Model)-[s:SCORED]->(b)
  WHERE m.parameters > 0 AND m.parametersFlag IS NULL AND NOT coalesce(m.deleted, false)
    AND ($licenseCategory IS NULL OR coalesce(head([(m)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
    AND ($since IS NULL OR substring(toString(m.createdAt), 0, 7) >= $since)
    AND ($until IS NULL OR substring(toString(m.createdAt), 0, 7) <= $until)
  WITH m, max(s.score) AS score
  WITH m, score,
       coalesce(head([(m)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name]),
                head([(m)-[:DERIVED_FROM]->()-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name]))
         AS architecture,
       substring(toString(m.createdAt), 0, 7) AS month
  WHERE $architecture IS NULL OR architecture = $architecture
  WITH m, score, architecture, month
  ORDER BY m.parameters, score DESC, m.id
  WITH collect({m: m, score: score, architecture: architecture, month: month}) AS points,
       collect(DISTINCT month) AS months
  // Every front is one pass over its models in size order. A model takes part in the fronts at
  // the end of its release month and of every later month, but is judged only in its own. A pass
  // keeps only the indexes of the models it puts on the front, so it is linear in its models.
  CALL (points, months) {
    UNWIND range(0, size(points) - 1) AS i
    WITH i, points[i] AS pt
    UNWIND [{front: ['all', ''], judged: true},
            {front: ['architecture', coalesce(pt.architecture, '')], judged: true}]
           + [mo IN months WHERE mo >= pt.month | {front: ['month', mo], judged: mo = pt.month}]
           AS entry
    WITH entry.front AS front, i, pt.score AS score, entry.judged AS judged
    ORDER BY i
    WITH front, collect({i: i, score: score, judged: judged}) AS rivals
    WITH front, reduce(acc = {best: null, on: []}, r IN rivals |
           CASE WHEN acc.best IS NULL OR r.score > acc.best
                THEN {best: r.score, on: CASE WHEN r.judged THEN acc.on + [r.i] ELSE acc.on END}
                ELSE acc END).on AS on
    RETURN collect({kind: front[0], key: front[1], on: on}) AS fronts
  }
  UNWIND range(0, size(points) - 1) AS i
  WITH i, points[i] AS pt, fronts
  RETURN pt.m.id AS model, pt.architecture AS architecture, pt.m.parameters AS parameters,
         pt.score AS score, pt.month AS month,
         i IN [f IN fronts WHERE f.kind = 'all'][0].on AS onFront,
         i IN [f IN fronts WHERE f.kind = 'architecture'
                                 AND f.key = coalesce(pt.architecture, '')][0].on
           AS onArchitectureFront,
         CASE WHEN pt.month IS NULL THEN null
              ELSE i IN [f IN fronts WHERE f.kind = 'month' AND f.key = pt.month][0].on END
           AS onFrontWhenReleased
}
RETURN b.leaderboard AS leaderboard, model, architecture, parameters, score, month, onFront,
       onArchitectureFront, onFrontWhenReleased
ORDER BY leaderboard, parameters, score DESC, model
