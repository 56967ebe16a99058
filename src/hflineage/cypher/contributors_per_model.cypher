// Distribution of human contributors per model: how many models have 1, 2, 3, ... contributors.
// $includeStubs: bool = false -- also count models known only from commits
// returns: contributors, models, share
// Bots are excluded; models without any human contributor are left out; deleted models too.
MATCH (m:Model)<-[:COMMITTED_TO]-(c:Contributor)
WHERE NOT coalesce(c.isBot, false) AND NOT coalesce(m.deleted, false)
  AND ($includeStubs OR NOT coalesce(m.stub, false))
WITH m, count(DISTINCT c) AS contributors
WITH contributors, count(m) AS models
WITH collect({contributors: contributors, models: models}) AS rows, sum(models) AS total
UNWIND rows AS row
RETURN row.contributors AS contributors, row.models AS models,
       toFloat(row.models) / total AS share
ORDER BY contributors
