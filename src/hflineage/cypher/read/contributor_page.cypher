// One contributor's page: its name, kind and bot flag, and the models it committed to.
// $kind: enum(hub|git) -- hub (a Hub account) or git (a git author name)
// $name: str -- the contributor's name (case-insensitive)
// returns: name, kind, isBot, models
// models list {id, organization, commits, firstCommit, lastCommit, stub, deleted}, most commits
// first; the commit times are ISO datetimes (UTC).
MATCH (c:Contributor {key: $kind + ':' + toLower($name)})
RETURN c.name AS name, c.kind AS kind, coalesce(c.isBot, false) AS isBot,
       COLLECT { MATCH (c)-[k:COMMITTED_TO]->(m:Model)
                 RETURN {id: coalesce(m.id, m.key),
                         organization: head(COLLECT { MATCH (o:Organization)-[:PUBLISHED]->(m)
                                                      RETURN coalesce(o.name, o.key) AS org
                                                      ORDER BY org }),
                         commits: k.commits, firstCommit: toString(k.firstCommit),
                         lastCommit: toString(k.lastCommit), stub: coalesce(m.stub, false),
                         deleted: coalesce(m.deleted, false)} AS model
                 ORDER BY model.commits DESC, model.id } AS models
