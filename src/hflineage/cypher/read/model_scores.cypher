// Leaderboard scores of one model, its direct parents and its roots (ancestors without parents), for the model page's deltas.
// $model: str -- a Hub model id (case-insensitive)
// returns: role, model, leaderboard, benchmark, score
// role is self, parent or root (a model both parent and root appears under each); one row per
// stored SCORED edge, so a missing score is a missing row, never 0.
MATCH (m:Model {key: toLower($model)})
CALL (m) {
  RETURN 'self' AS role, m AS other
  UNION
  MATCH (m)-[:DERIVED_FROM]->(p:Model)
  RETURN 'parent' AS role, p AS other
  UNION
  MATCH (m)-[:DERIVED_FROM]->{1,32}(r:Model) WHERE NOT (r)-[:DERIVED_FROM]->()
  RETURN 'root' AS role, r AS other
}
MATCH (other)-[s:SCORED]->(b:Benchmark)
RETURN role, coalesce(other.id, other.key) AS model, b.leaderboard AS leaderboard,
       b.name AS benchmark, s.score AS score
ORDER BY leaderboard, benchmark <> 'Average', benchmark, role, model
