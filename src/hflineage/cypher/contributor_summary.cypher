// Contributors per model in one row: models with contributors, mean, median, maximum and the single-contributor share.
// $includeStubs: bool = false -- also count models known only from commits
// returns: models, meanContributors, medianContributors, maxContributors, singleContributorShare
// Bots are excluded; models without any human contributor are left out; deleted models too.
MATCH (m:Model)<-[:COMMITTED_TO]-(c:Contributor)
WHERE NOT coalesce(c.isBot, false) AND NOT coalesce(m.deleted, false)
  AND ($includeStubs OR NOT coalesce(m.stub, false))
WITH m, count(DISTINCT c) AS contributors
RETURN count(m) AS models, avg(contributors) AS meanContributors,
       percentileCont(contributors, 0.5) AS medianContributors,
       max(contributors) AS maxContributors,
       avg(CASE WHEN contributors = 1 THEN 1.0 ELSE 0.0 END) AS singleContributorShare
