// One organization's page: its name and kind, its most downloaded models and its top contributors, with their totals.
// $org: str -- an organization or user name (case-insensitive)
// $modelLimit: int = 500 -- rows of the models list
// $contributorLimit: int = 200 -- rows of the contributors list
// returns: name, kind, models, modelCount, withParameters, withDownloads, contributors, contributorCount
// models list {id, architecture, parameters, quantized, downloads, stub, deleted}, most downloads
// first (unknown downloads last), then by id: the top $modelLimit of modelCount (withParameters and
// withDownloads of all of them have the count). quantized: a quantized DERIVED_FROM edge or the
// loader's quantizedStorage mark (the parameter count is of packed storage). contributors
// {name, kind, isBot, commits, models} summed over the organization's models, most commits first:
// the top $contributorLimit of contributorCount.
MATCH (o:Organization {key: toLower($org)})
CALL (o) {
  MATCH (o)-[:PUBLISHED]->(m:Model)
  RETURN count(m) AS modelCount, count(m.parameters) AS withParameters,
         count(m.downloads) AS withDownloads
}
CALL (o) {
  MATCH (o)-[:PUBLISHED]->(m:Model)<-[k:COMMITTED_TO]-(c:Contributor)
  WITH c, sum(k.commits) AS commits, count(DISTINCT m) AS models
  ORDER BY commits DESC, c.kind, c.name
  RETURN count(c) AS contributorCount,
         collect({name: c.name, kind: c.kind, isBot: coalesce(c.isBot, false), commits: commits,
                  models: models})[..$contributorLimit] AS contributors
}
RETURN coalesce(o.name, o.key) AS name, o.kind AS kind,
       COLLECT { MATCH (o)-[:PUBLISHED]->(m:Model)
                 WITH m ORDER BY m.downloads IS NULL, m.downloads DESC, coalesce(m.id, m.key)
                 LIMIT $modelLimit
                 RETURN {id: coalesce(m.id, m.key),
                         architecture: head(COLLECT { MATCH (m)-[:HAS_ARCHITECTURE]->(a:Architecture)
                                                      RETURN a.name ORDER BY a.name }),
                         parameters: m.parameters,
                         quantized: EXISTS { (m)-[:DERIVED_FROM {relation: 'quantized'}]->(:Model) }
                                    OR coalesce(m.quantizedStorage, false),
                         downloads: m.downloads,
                         stub: coalesce(m.stub, false), deleted: coalesce(m.deleted, false)} AS model
               } AS models,
       modelCount, withParameters, withDownloads, contributors, contributorCount
