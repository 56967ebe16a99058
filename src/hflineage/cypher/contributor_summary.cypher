// Contributors per model in one row: models with contributors, mean, median, maximum and the single-contributor share.
// $includeStubs: bool = false -- also count stubs (models known only as a parent, from commits or from a leaderboard)
// $architecture: str = null -- only models with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only models of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the model, YYYY-MM; null: no lower bound (when set, models without createdAt are left out)
// $until: month = null -- last creation month of the model, YYYY-MM; null: no upper bound (when set, models without createdAt are left out)
// returns: models, meanContributors, medianContributors, maxContributors, singleContributorShare
// Bots are excluded; models without any human contributor are left out; deleted models too.
// The filters apply to the model committed to; with no model left, models is 0 and the rest null.
MATCH (m:Model)<-[:COMMITTED_TO]-(c:Contributor)
WHERE NOT coalesce(c.isBot, false) AND NOT coalesce(m.deleted, false)
  AND ($includeStubs OR NOT coalesce(m.stub, false))
  AND ($architecture IS NULL OR EXISTS { (m)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(m)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(m.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(m.createdAt), 0, 7) <= $until)
WITH m, count(DISTINCT c) AS contributors
RETURN count(m) AS models, avg(contributors) AS meanContributors,
       percentileCont(contributors, 0.5) AS medianContributors,
       max(contributors) AS maxContributors,
       avg(CASE WHEN contributors = 1 THEN 1.0 ELSE 0.0 END) AS singleContributorShare
