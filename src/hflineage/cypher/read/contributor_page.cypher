// One contributor's page: its name, kind and bot flag, the models it committed to and their organizations, and its commits in all.
// $kind: enum(hub|git) -- hub (a Hub account) or git (a git author name)
// $name: str -- the contributor's name (case-insensitive)
// $limit: int = 500 -- rows of each list (models, organizations)
// returns: name, kind, isBot, modelCount, commits, firstCommit, lastCommit, models, organizations, organizationCount, withoutOrganization
// Over every model committed to, deleted ones included. models {id, organization, commits,
// firstCommit, lastCommit, stub, deleted} most commits first; organizations {name, models,
// commits} most models first; times are ISO datetimes (UTC), null when not known.
MATCH (c:Contributor {key: $kind + ':' + toLower($name)})
CALL (c) {
  OPTIONAL MATCH (c)-[k:COMMITTED_TO]->(m:Model)
  RETURN count(m) AS modelCount, coalesce(sum(k.commits), 0) AS commits,
         toString(min(k.firstCommit)) AS firstCommit, toString(max(k.lastCommit)) AS lastCommit
}
CALL (c) {
  OPTIONAL MATCH (c)-[k:COMMITTED_TO]->(m:Model)
  WITH k, head(COLLECT { MATCH (o:Organization)-[:PUBLISHED]->(m)
                         RETURN coalesce(o.name, o.key) AS org ORDER BY org }) AS org
  WITH org, count(k) AS models, sum(k.commits) AS commits
  ORDER BY models DESC, commits DESC, org
  RETURN collect({name: org, models: models, commits: commits}) AS orgs
}
RETURN c.name AS name, c.kind AS kind, coalesce(c.isBot, false) AS isBot,
       modelCount, commits, firstCommit, lastCommit,
       COLLECT { MATCH (c)-[k:COMMITTED_TO]->(m:Model)
                 WITH m, k ORDER BY k.commits DESC, coalesce(m.id, m.key) LIMIT $limit
                 RETURN {id: coalesce(m.id, m.key),
                         organization: head(COLLECT { MATCH (o:Organization)-[:PUBLISHED]->(m)
                                                      RETURN coalesce(o.name, o.key) AS org
                                                      ORDER BY org }),
                         commits: k.commits, firstCommit: toString(k.firstCommit),
                         lastCommit: toString(k.lastCommit), stub: coalesce(m.stub, false),
                         deleted: coalesce(m.deleted, false)} AS model } AS models,
       [o IN orgs WHERE o.name IS NOT NULL][..$limit] AS organizations,
       size([o IN orgs WHERE o.name IS NOT NULL]) AS organizationCount,
       coalesce(head([o IN orgs WHERE o.name IS NULL AND o.models > 0 | o.models]), 0)
         AS withoutOrganization
