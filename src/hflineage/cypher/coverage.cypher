// Coverage: how many described models, and described derivatives, have each field the report's charts and headlines need.
// $architecture: str = null -- only described models with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only described models of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the described models, YYYY-MM; null: no lower bound (when set, described models without createdAt are left out)
// $until: month = null -- last creation month of the described models, YYYY-MM; null: no upper bound (when set, described models without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: the derivative columns count described models with an edge of this relation to a parent (described and withField are unchanged); null: every relation
// returns: field, described, withField, derivatives, derivativesWithField
// Described models are those a record described (stubs and deleted models left out); a derivative
// has a parent. Fields: createdAt, parameters (a positive count), architecture, license,
// datasets (a declared training dataset), commits (by a human contributor), organization (a
// publishing organization), downloads, gated (a gating state stated). Score coverage is per
// leaderboard and benchmark: score_coverage.
MATCH (m:Model)
WHERE NOT coalesce(m.stub, false) AND NOT coalesce(m.deleted, false)
  AND ($architecture IS NULL OR EXISTS { (m)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(m)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(m.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(m.createdAt), 0, 7) <= $until)
WITH m, CASE WHEN $relation IS NULL THEN EXISTS { (m)-[:DERIVED_FROM]->() }
             ELSE EXISTS { (m)-[e:DERIVED_FROM]->() WHERE e.relation = $relation } END AS derivative,
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
