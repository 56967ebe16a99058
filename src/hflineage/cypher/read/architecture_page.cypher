// One architecture's page: its models, organizations, most downloaded models, derivatives by relation, parameter sizes, contributors and leaderboard coverage.
// $name: str -- an architecture name (case-insensitive; the exact spelling first, else the one with most models)
// $limit: int = 50 -- rows of each top list (organizations, models, contributors)
// returns: name, spellings, described, stubs, deleted, organizations, organizationCount, withoutOrganization, models, withDownloads, derivatives, withParameters, quantizedParameters, medianParameters, minParameters, maxParameters, contributors, contributorCount, bots, boards
// Every figure but stubs and deleted is over the described models (neither reference-only
// stubs nor deleted). organizations {name, models} most models first; models {id, organization,
// parameters, downloads, quantized} most downloads first (unknown downloads last); derivatives {relation,
// edges, children}: the DERIVED_FROM edges whose child is such a model, per relation;
// contributors {name, kind, isBot, commits, models} most commits first; boards {leaderboard,
// models} per leaderboard of the graph, the models with a score on it. spellings: other
// architectures whose names differ from this one's only in case. withParameters counts the
// models with a parameter count, quantizedParameters those of them that are quantized (a
// quantized DERIVED_FROM edge or quantizedStorage: a count of packed storage); median, min and
// max leave those out. models' quantized says the same per model.
MATCH (x:Architecture) WHERE toLower(x.name) = toLower($name)
WITH x ORDER BY CASE WHEN x.name = $name THEN 0 ELSE 1 END,
                COUNT { (x)<-[:HAS_ARCHITECTURE]-(:Model) } DESC, x.name
WITH collect(x) AS found WHERE size(found) > 0
WITH found[0] AS a, [x IN found[1..] | x.name] AS spellings
CALL (a) {
  MATCH (a)<-[:HAS_ARCHITECTURE]-(m:Model)
  RETURN collect(CASE WHEN NOT coalesce(m.stub, false) AND NOT coalesce(m.deleted, false)
                      THEN m END) AS ms,
         count(CASE WHEN coalesce(m.stub, false) AND NOT coalesce(m.deleted, false) THEN m END)
           AS stubs,
         count(CASE WHEN coalesce(m.deleted, false) THEN m END) AS deleted
}
CALL (ms) {
  UNWIND ms AS m
  WITH head(COLLECT { MATCH (o:Organization)-[:PUBLISHED]->(m)
                      RETURN coalesce(o.name, o.key) AS org ORDER BY org }) AS org
  WITH org, count(*) AS models ORDER BY models DESC, org
  RETURN collect({name: org, models: models}) AS orgs
}
CALL (ms) {
  UNWIND ms AS m
  WITH m.parameters AS p,
       EXISTS { (m)-[:DERIVED_FROM {relation: 'quantized'}]->(:Model) }
         OR coalesce(m.quantizedStorage, false) AS quantized
  WHERE p IS NOT NULL
  WITH p, quantized, CASE WHEN NOT quantized THEN p END AS unpacked
  RETURN count(p) AS withParameters, count(CASE WHEN quantized THEN p END) AS quantizedParameters,
         percentileCont(unpacked, 0.5) AS medianParameters, min(unpacked) AS minParameters,
         max(unpacked) AS maxParameters
}
CALL (ms) {
  UNWIND ms AS m
  MATCH (m)<-[k:COMMITTED_TO]-(c:Contributor)
  WITH c, sum(k.commits) AS commits, count(DISTINCT m) AS models
  ORDER BY commits DESC, c.kind, c.name
  RETURN count(c) AS contributorCount, count(CASE WHEN coalesce(c.isBot, false) THEN c END) AS bots,
         collect({name: c.name, kind: c.kind, isBot: coalesce(c.isBot, false), commits: commits,
                  models: models})[..$limit] AS contributors
}
RETURN a.name AS name, spellings, size(ms) AS described, stubs, deleted,
       [o IN orgs WHERE o.name IS NOT NULL][..$limit] AS organizations,
       size([o IN orgs WHERE o.name IS NOT NULL]) AS organizationCount,
       coalesce(head([o IN orgs WHERE o.name IS NULL | o.models]), 0) AS withoutOrganization,
       COLLECT { UNWIND ms AS m
                 WITH m ORDER BY m.downloads IS NULL, m.downloads DESC, coalesce(m.id, m.key)
                 LIMIT $limit
                 RETURN {id: coalesce(m.id, m.key),
                         organization: head(COLLECT { MATCH (o:Organization)-[:PUBLISHED]->(m)
                                                      RETURN coalesce(o.name, o.key) AS org
                                                      ORDER BY org }),
                         parameters: m.parameters, downloads: m.downloads,
                         quantized: EXISTS { (m)-[:DERIVED_FROM {relation: 'quantized'}]->(:Model) }
                                    OR coalesce(m.quantizedStorage, false)} AS model } AS models,
       size([m IN ms WHERE m.downloads IS NOT NULL]) AS withDownloads,
       COLLECT { UNWIND ms AS m
                 MATCH (m)-[r:DERIVED_FROM]->(:Model)
                 WITH coalesce(r.relation, 'unknown') AS relation, count(r) AS edges,
                      count(DISTINCT m) AS children
                 RETURN {relation: relation, edges: edges, children: children} AS derivative
                 ORDER BY derivative.edges DESC, derivative.relation } AS derivatives,
       withParameters, quantizedParameters, medianParameters, minParameters, maxParameters,
       contributors, contributorCount, bots,
       COLLECT { MATCH (b:Benchmark) WHERE b.leaderboard IS NOT NULL
                 WITH DISTINCT b.leaderboard AS board
                 RETURN {leaderboard: board,
                         models: size([m IN ms WHERE EXISTS {
                           (m)-[:SCORED]->(:Benchmark {leaderboard: board}) }])} AS row
                 ORDER BY row.leaderboard } AS boards
