// New derivatives per month, by relation type and architecture.
// $since: str = null -- first month to include, as YYYY-MM
// returns: month, relation, architecture, derivatives
// Architecture is the derivative's own, else its parents' (the first by name), so a derivative
// is in one architecture: a merge of parents with different architectures counts once. A model
// with edges of two relations counts once per relation.
MATCH (d:Model)-[e:DERIVED_FROM]->(:Model)
WHERE d.createdAt IS NOT NULL AND NOT coalesce(d.deleted, false)
WITH DISTINCT d, substring(toString(d.createdAt), 0, 7) AS month, e.relation AS relation
WHERE $since IS NULL OR month >= $since
WITH d, month, relation,
     coalesce(head(COLLECT { MATCH (d)-[:HAS_ARCHITECTURE]->(a:Architecture)
                             RETURN a.name ORDER BY a.name LIMIT 1 }),
              head(COLLECT { MATCH (d)-[:DERIVED_FROM]->(:Model)-[:HAS_ARCHITECTURE]->(a:Architecture)
                             RETURN a.name ORDER BY a.name LIMIT 1 })) AS architecture
RETURN month, relation, architecture, count(d) AS derivatives
ORDER BY month, relation, architecture
