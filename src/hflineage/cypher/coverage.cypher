// Coverage: how many described models, and described derivatives, have each field the report's charts and headlines need.
// returns: field, described, withField, derivatives, derivativesWithField
// Described models are those a record described (stubs and deleted models left out); a derivative
// has a parent. Fields: createdAt, parameters (a positive count), architecture, license,
// datasets (a declared training dataset), commits (by a human contributor), organization (a
// publishing organization), downloads, gated (a gating state stated). Score coverage is per
// leaderboard and benchmark: score_coverage.
MATCH (m:Model)
WHERE NOT coalesce(m.stub, false) AND NOT coalesce(m.deleted, false)
WITH m, EXISTS { (m)-[:DERIVED_FROM]->() } AS derivative,
     [m.createdAt IS NOT NULL, m.parameters > 0,
      EXISTS { (m)-[:HAS_ARCHITECTURE]->() }, EXISTS { (m)-[:LICENSED_UNDER]->() },
      EXISTS { (m)-[:TRAINED_ON]->() },
      EXISTS { (m)<-[:COMMITTED_TO]-(c:Contributor) WHERE NOT coalesce(c.isBot, false) },
      EXISTS { (m)<-[:PUBLISHED]-() },
      m.downloads IS NOT NULL, m.gated IS NOT NULL] AS has
UNWIND range(0, size(has) - 1) AS i
WITH i, count(*) AS described, count(CASE WHEN derivative THEN 1 END) AS derivatives,
     count(CASE WHEN has[i] THEN 1 END) AS withField,
     count(CASE WHEN has[i] AND derivative THEN 1 END) AS derivativesWithField
RETURN ['createdAt', 'parameters', 'architecture', 'license', 'datasets', 'commits',
        'organization', 'downloads', 'gated'][i] AS field,
       described, withField, derivatives, derivativesWithField
ORDER BY i
