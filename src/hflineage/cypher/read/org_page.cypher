// One organization's page: its name and kind, its models and its contributors.
// $org: str -- an organization or user name (case-insensitive)
// returns: name, kind, models, contributors
// models list {id, architecture, parameters, downloads, stub, deleted} by id; contributors
// {name, kind, isBot, commits, models} summed over the organization's models, most commits first.
MATCH (o:Organization {key: toLower($org)})
RETURN coalesce(o.name, o.key) AS name, o.kind AS kind,
       COLLECT { MATCH (o)-[:PUBLISHED]->(m:Model)
                 RETURN {id: coalesce(m.id, m.key),
                         architecture: head(COLLECT { MATCH (m)-[:HAS_ARCHITECTURE]->(a:Architecture)
                                                      RETURN a.name ORDER BY a.name }),
                         parameters: m.parameters, downloads: m.downloads,
                         stub: coalesce(m.stub, false), deleted: coalesce(m.deleted, false)} AS model
                 ORDER BY model.id } AS models,
       COLLECT { MATCH (o)-[:PUBLISHED]->(m:Model)<-[k:COMMITTED_TO]-(c:Contributor)
                 WITH c, sum(k.commits) AS commits, count(DISTINCT m) AS models
                 RETURN {name: c.name, kind: c.kind, isBot: coalesce(c.isBot, false),
                         commits: commits, models: models} AS contributor
                 ORDER BY contributor.commits DESC, contributor.kind, contributor.name } AS contributors
