// Top contributors by models committed to, with commits, organizations and active period.
// $limit: int = 25 -- rows to return
// $includeBots: bool = false -- also list bots
// $architecture: str = null -- only models committed to with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only models committed to of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the model committed to, YYYY-MM; null: no lower bound (when set, models without createdAt are left out)
// $until: month = null -- last creation month of the model committed to, YYYY-MM; null: no upper bound (when set, models without createdAt are left out)
// returns: contributor, kind, isBot, models, commits, organizations, firstCommit, lastCommit, organizationNames
// models: distinct models committed to; commits: commits to them; organizations: distinct
// organizations (publishers) of those models, a count, and organizationNames their names (sorted);
// firstCommit, lastCommit: the earliest and latest commit to them. Deleted models are not counted; stubs known from commits are. The
// filters apply to the model committed to: every column counts only the models left in, and a
// contributor with none of them is left out.
MATCH (c:Contributor)-[r:COMMITTED_TO]->(m:Model)
WHERE ($includeBots OR NOT coalesce(c.isBot, false)) AND NOT coalesce(m.deleted, false)
  AND ($architecture IS NULL OR EXISTS { (m)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(m)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(m.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(m.createdAt), 0, 7) <= $until)
WITH c, count(DISTINCT m) AS models, sum(r.commits) AS commits,
     min(r.firstCommit) AS firstCommit, max(r.lastCommit) AS lastCommit,
     collect(DISTINCT head([(m)<-[:PUBLISHED]-(o:Organization) | o.name])) AS orgs
RETURN c.name AS contributor, c.kind AS kind, coalesce(c.isBot, false) AS isBot, models, commits,
       size(orgs) AS organizations, firstCommit, lastCommit,
       COLLECT { UNWIND orgs AS o RETURN o ORDER BY o } AS organizationNames
ORDER BY models DESC, commits DESC, contributor
LIMIT $limit
