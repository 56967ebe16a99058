// Most-used training datasets, in all models and in derivatives.
// $limit: int = 25 -- rows to return
// returns: dataset, models, derivatives, organizations
// Deleted models are left out.
MATCH (m:Model)-[:TRAINED_ON]->(d:Dataset)
WHERE NOT coalesce(m.deleted, false)
RETURN d.id AS dataset, count(DISTINCT m) AS models,
       count(DISTINCT CASE WHEN (m)-[:DERIVED_FROM]->() THEN m END) AS derivatives,
       size(collect(DISTINCT head([(m)<-[:PUBLISHED]-(o:Organization) | o.key]))) AS organizations
ORDER BY models DESC, dataset
LIMIT $limit
