// Distribution of human contributors per model: how many models have 1, 2, 3, ... contributors.
// $includeStubs: bool = false -- also count stubs (models known only as a parent, from commits or from a leaderboard)
// $architecture: str = null -- only models with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only models of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the model, YYYY-MM; null: no lower bound (when set, models without createdAt are left out)
// $until: month = null -- last creation month of the model, YYYY-MM; null: no upper bound (when set, models without createdAt are left out)
// returns: contributors, models, share
// Bots are excluded; models without any human contributor are left out; deleted models too.
// The filters apply to the model committed to; share is over the models left in.
MATCH (m:Model)<-[:COMMITTED_TO]-(c:Contributor)
WHERE NOT coalesce(c.isBot, false) AND NOT coalesce(m.deleted, false)
  AND ($includeStubs OR NOT coalesce(m.stub, false))
  AND ($architecture IS NULL OR EXISTS { (m)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(m)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(m.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(m.createdAt), 0, 7) <= $until)
WITH m, count(DISTINCT c) AS contributors
WITH contributors, count(m) AS models
WITH collect({contributors: contributors, models: models}) AS rows, sum(models) AS total
UNWIND rows AS row
RETURN row.contributors AS contributors, row.models AS models,
       toFloat(row.models) / total AS share
ORDER BY contributors
