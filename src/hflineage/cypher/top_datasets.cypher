// Most-used training datasets, in all models and in derivatives.
// $limit: int = 25 -- rows to return
// $architecture: str = null -- only models with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only models of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the model, YYYY-MM; null: no lower bound (when set, models without createdAt are left out)
// $until: month = null -- last creation month of the model, YYYY-MM; null: no upper bound (when set, models without createdAt are left out)
// returns: dataset, models, derivatives, organizations
// models: distinct models declaring the dataset; derivatives: those of them with a parent;
// organizations: distinct publishers of those models. Deleted models are left out. The filters
// apply to the model declaring the dataset; a dataset no such model declares is left out.
MATCH (m:Model)-[:TRAINED_ON]->(d:Dataset)
WHERE NOT coalesce(m.deleted, false)
  AND ($architecture IS NULL OR EXISTS { (m)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(m)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(m.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(m.createdAt), 0, 7) <= $until)
RETURN d.id AS dataset, count(DISTINCT m) AS models,
       count(DISTINCT CASE WHEN (m)-[:DERIVED_FROM]->() THEN m END) AS derivatives,
       size(collect(DISTINCT head([(m)<-[:PUBLISHED]-(o:Organization) | o.key]))) AS organizations
ORDER BY models DESC, dataset
LIMIT $limit
