// Top contributors by models committed to, with commits, organizations and active period.
// $limit: int = 25 -- rows to return
// $includeBots: bool = false -- also list bots
// returns: contributor, kind, isBot, models, commits, organizations, firstCommit, lastCommit
// Deleted models are not counted.
MATCH (c:Contributor)-[r:COMMITTED_TO]->(m:Model)
WHERE ($includeBots OR NOT coalesce(c.isBot, false)) AND NOT coalesce(m.deleted, false)
WITH c, count(DISTINCT m) AS models, sum(r.commits) AS commits,
     min(r.firstCommit) AS firstCommit, max(r.lastCommit) AS lastCommit,
     collect(DISTINCT head([(m)<-[:PUBLISHED]-(o:Organization) | o.key])) AS orgs
RETURN c.name AS contributor, c.kind AS kind, coalesce(c.isBot, false) AS isBot, models, commits,
       size(orgs) AS organizations, firstCommit, lastCommit
ORDER BY models DESC, commits DESC, contributor
LIMIT $limit
