// New derivatives per month, by relation type and architecture.
// $since: str = null -- first month to include, as YYYY-MM
// returns: month, relation, architecture, derivatives
// Architecture is the derivative's own, else its parent's. A merge counts once per relation.
MATCH (d:Model)-[e:DERIVED_FROM]->(p:Model)
WHERE d.createdAt IS NOT NULL AND NOT coalesce(d.deleted, false)
WITH d, substring(toString(d.createdAt), 0, 7) AS month, e.relation AS relation,
     coalesce(head([(d)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name]),
              head([(p)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name])) AS architecture
WHERE $since IS NULL OR month >= $since
RETURN month, relation, architecture, count(DISTINCT d) AS derivatives
ORDER BY month, relation, architecture
