// Time from a base model's release to its first derivative.
// $limit: int = 25 -- rows to return (most-derived bases first)
// returns: model, createdAt, firstDerivative, firstDerivativeAt, daysToFirstDerivative, derivatives
// Bases and derivatives need a createdAt; deleted models are left out.
MATCH (b:Model)<-[:DERIVED_FROM]-(d:Model)
WHERE b.createdAt IS NOT NULL AND d.createdAt IS NOT NULL
  AND NOT coalesce(b.deleted, false) AND NOT coalesce(d.deleted, false)
WITH b, d ORDER BY d.createdAt, d.id
WITH b, count(DISTINCT d) AS derivatives, head(collect(d)) AS first
RETURN b.id AS model, b.createdAt AS createdAt, first.id AS firstDerivative,
       first.createdAt AS firstDerivativeAt,
       duration.inDays(b.createdAt, first.createdAt).days AS daysToFirstDerivative, derivatives
ORDER BY derivatives DESC, model
LIMIT $limit
