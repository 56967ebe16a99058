// Time from a base model's release to its first derivative, leaving out children created before their parent (listed as anomalies).
// $limit: int = 25 -- rows to return (most-derived bases first)
// returns: model, createdAt, firstDerivative, firstDerivativeAt, daysToFirstDerivative, derivatives, anomalies, anomalousChildren
// Bases and derivatives need a createdAt; deleted models are left out. A child created before its
// parent (a re-upload, or a parent renamed or re-created) is an anomaly: it is left out of
// firstDerivative, daysToFirstDerivative and derivatives, counted in anomalies and listed in
// anomalousChildren (earliest first). A base whose dated children are all anomalies has a null
// daysToFirstDerivative.
MATCH (b:Model)<-[:DERIVED_FROM]-(d:Model)
WHERE b.createdAt IS NOT NULL AND d.createdAt IS NOT NULL
  AND NOT coalesce(b.deleted, false) AND NOT coalesce(d.deleted, false)
WITH b, d ORDER BY d.createdAt, d.id
WITH b, collect(d) AS children
WITH b, [d IN children WHERE d.createdAt >= b.createdAt] AS after,
     [d IN children WHERE d.createdAt < b.createdAt] AS before
RETURN b.id AS model, b.createdAt AS createdAt, after[0].id AS firstDerivative,
       after[0].createdAt AS firstDerivativeAt,
       duration.inDays(b.createdAt, after[0].createdAt).days AS daysToFirstDerivative,
       size(after) AS derivatives, size(before) AS anomalies,
       [d IN before | d.id] AS anomalousChildren
ORDER BY derivatives DESC, model
LIMIT $limit
