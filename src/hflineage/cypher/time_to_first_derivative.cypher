// Time from a base model's release to its first derivative, leaving out children created before their parent (listed as anomalies).
// $limit: int = 25 -- rows to return (most-derived bases first)
// $architecture: str = null -- only base models with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only base models of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the base models, YYYY-MM; null: no lower bound (when set, base models without createdAt are left out)
// $until: month = null -- last creation month of the base models, YYYY-MM; null: no upper bound (when set, base models without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: children by an edge of this relation to the base model (derivatives and anomalies alike); null: every relation
// returns: model, createdAt, firstDerivative, firstDerivativeAt, daysToFirstDerivative, derivatives, anomalies, anomalousChildren
// Bases and derivatives need a createdAt; deleted models are left out. A child created before its
// parent (a re-upload, or a parent renamed or re-created) is an anomaly: it is left out of
// firstDerivative, daysToFirstDerivative and derivatives, counted in anomalies and listed in
// anomalousChildren (earliest first). A base whose dated children are all anomalies has a null
// daysToFirstDerivative.
MATCH (b:Model)<-[e:DERIVED_FROM WHERE $relation IS NULL OR e.relation = $relation]-(d:Model)
WHERE b.createdAt IS NOT NULL AND d.createdAt IS NOT NULL
  AND NOT coalesce(b.deleted, false) AND NOT coalesce(d.deleted, false)
  AND ($architecture IS NULL OR EXISTS { (b)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(b)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(b.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(b.createdAt), 0, 7) <= $until)
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
