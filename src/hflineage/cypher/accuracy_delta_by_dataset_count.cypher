// Score delta against the parent by the number of training datasets the derivative declares (as in the paper).
// $benchmark: str = 'Average' -- a benchmark name
// $leaderboard: str = null -- v1 or v2; null for both
// returns: datasets, pairs, medianDelta, meanDelta, shareImproved
// Deleted models are left out.
MATCH (c:Model)-[:DERIVED_FROM]->(p:Model),
      (c)-[cs:SCORED]->(b:Benchmark {name: $benchmark})<-[ps:SCORED]-(p)
WHERE ($leaderboard IS NULL OR b.leaderboard = $leaderboard)
  AND NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
WITH COUNT { (c)-[:TRAINED_ON]->(:Dataset) } AS datasets, cs.score - ps.score AS delta
RETURN datasets, count(*) AS pairs, percentileCont(delta, 0.5) AS medianDelta,
       avg(delta) AS meanDelta, avg(CASE WHEN delta > 0 THEN 1.0 ELSE 0.0 END) AS shareImproved
ORDER BY datasets
