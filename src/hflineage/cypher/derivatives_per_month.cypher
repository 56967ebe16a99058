// New derivatives per month, by relation type and architecture.
// $since: month = null -- first creation month of the derivatives, YYYY-MM; null: no lower bound (when set, derivatives without createdAt are left out)
// $until: month = null -- last creation month of the derivatives, YYYY-MM; null: no upper bound (when set, derivatives without createdAt are left out)
// $architecture: str = null -- only derivatives with this architecture (exact name), as the architecture column gives it; null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only derivatives of this licence category (no licence: unknown); null: every category
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: derivatives with an edge of this relation to a parent, in that relation's rows only; null: every relation
// returns: month, relation, architecture, derivatives
// Architecture is the derivative's own, else its parents' (the first by name), so a derivative
// is in one architecture: a merge of parents with different architectures counts once. A model
// with edges of two relations counts once per relation. Derivatives without createdAt are
// always left out (they have no month).
MATCH (d:Model)-[e:DERIVED_FROM]->(:Model)
WHERE d.createdAt IS NOT NULL AND NOT coalesce(d.deleted, false)
  AND ($relation IS NULL OR e.relation = $relation)
WITH DISTINCT d, substring(toString(d.createdAt), 0, 7) AS month, e.relation AS relation
WHERE ($since IS NULL OR month >= $since) AND ($until IS NULL OR month <= $until)
  AND ($licenseCategory IS NULL OR coalesce(head([(d)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
WITH d, month, relation,
     coalesce(head(COLLECT { MATCH (d)-[:HAS_ARCHITECTURE]->(a:Architecture)
                             RETURN a.name ORDER BY a.name LIMIT 1 }),
              head(COLLECT { MATCH (d)-[:DERIVED_FROM]->(:Model)-[:HAS_ARCHITECTURE]->(a:Architecture)
                             RETURN a.name ORDER BY a.name LIMIT 1 })) AS architecture
WHERE $architecture IS NULL OR architecture = $architecture
RETURN month, relation, architecture, count(d) AS derivatives
ORDER BY month, relation, architecture
