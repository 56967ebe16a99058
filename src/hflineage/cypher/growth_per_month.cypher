// Growth over time: new and total models, derivatives, human contributors and publishing organizations per month.
// $architecture: str = null -- only models with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only models of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the models, YYYY-MM; null: no lower bound (when set, models without createdAt are left out)
// $until: month = null -- last creation month of the models, YYYY-MM; null: no upper bound (when set, models without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: newDerivatives counts models with an edge of this relation to a parent (models, contributors and organizations are not restricted); null: every relation
// returns: month, newModels, totalModels, newDerivatives, newContributors, totalContributors, newOrganizations, totalOrganizations
// Models are counted by createdAt (stubs and deleted models left out); a contributor by the month of
// their first commit (bots left out); an organization by the month of its first published model.
// The model filters select the models in scope: a contributor counts from their first commit to a
// model in scope, an organization from its first model in scope.
CALL () {
  MATCH (m:Model)
  WHERE m.createdAt IS NOT NULL AND NOT coalesce(m.stub, false) AND NOT coalesce(m.deleted, false)
    AND ($architecture IS NULL OR EXISTS { (m)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
    AND ($licenseCategory IS NULL OR coalesce(head([(m)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
    AND ($since IS NULL OR substring(toString(m.createdAt), 0, 7) >= $since)
    AND ($until IS NULL OR substring(toString(m.createdAt), 0, 7) <= $until)
  RETURN substring(toString(m.createdAt), 0, 7) AS month, 'model' AS kind,
         CASE WHEN CASE WHEN $relation IS NULL THEN EXISTS { (m)-[:DERIVED_FROM]->() }
                        ELSE EXISTS { (m)-[e:DERIVED_FROM]->() WHERE e.relation = $relation } END
              THEN 1 ELSE 0 END AS derivative
  UNION ALL
  MATCH (c:Contributor)-[r:COMMITTED_TO]->(m:Model)
  WHERE NOT coalesce(c.isBot, false) AND NOT coalesce(m.deleted, false)
    AND r.firstCommit IS NOT NULL
    AND ($architecture IS NULL OR EXISTS { (m)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
    AND ($licenseCategory IS NULL OR coalesce(head([(m)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
    AND ($since IS NULL OR substring(toString(m.createdAt), 0, 7) >= $since)
    AND ($until IS NULL OR substring(toString(m.createdAt), 0, 7) <= $until)
  WITH c, min(r.firstCommit) AS first
  RETURN substring(toString(first), 0, 7) AS month, 'contributor' AS kind, 0 AS derivative
  UNION ALL
  MATCH (o:Organization)-[:PUBLISHED]->(m:Model)
  WHERE m.createdAt IS NOT NULL AND NOT coalesce(m.stub, false) AND NOT coalesce(m.deleted, false)
    AND ($architecture IS NULL OR EXISTS { (m)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
    AND ($licenseCategory IS NULL OR coalesce(head([(m)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
    AND ($since IS NULL OR substring(toString(m.createdAt), 0, 7) >= $since)
    AND ($until IS NULL OR substring(toString(m.createdAt), 0, 7) <= $until)
  WITH o, min(m.createdAt) AS first
  RETURN substring(toString(first), 0, 7) AS month, 'organization' AS kind, 0 AS derivative
}
WITH month, sum(CASE kind WHEN 'model' THEN 1 ELSE 0 END) AS newModels,
     sum(derivative) AS newDerivatives,
     sum(CASE kind WHEN 'contributor' THEN 1 ELSE 0 END) AS newContributors,
     sum(CASE kind WHEN 'organization' THEN 1 ELSE 0 END) AS newOrganizations
ORDER BY month
WITH collect({month: month, models: newModels, derivatives: newDerivatives,
              contributors: newContributors, organizations: newOrganizations}) AS rows
UNWIND range(0, size(rows) - 1) AS i
WITH rows[i] AS row, rows[0..i + 1] AS upTo
RETURN row.month AS month, row.models AS newModels,
       reduce(s = 0, x IN upTo | s + x.models) AS totalModels,
       row.derivatives AS newDerivatives, row.contributors AS newContributors,
       reduce(s = 0, x IN upTo | s + x.contributors) AS totalContributors,
       row.organizations AS newOrganizations,
       reduce(s = 0, x IN upTo | s + x.organizations) AS totalOrganizations
ORDER BY month
