// Growth over time: new and total models, derivatives, human contributors and publishing organizations per month.
// returns: month, newModels, totalModels, newDerivatives, newContributors, totalContributors, newOrganizations, totalOrganizations
// Models are counted by createdAt (stubs and deleted models left out); a contributor by the month of
// their first commit (bots left out); an organization by the month of its first published model.
CALL () {
  MATCH (m:Model)
  WHERE m.createdAt IS NOT NULL AND NOT coalesce(m.stub, false) AND NOT coalesce(m.deleted, false)
  RETURN substring(toString(m.createdAt), 0, 7) AS month, 'model' AS kind,
         CASE WHEN (m)-[:DERIVED_FROM]->() THEN 1 ELSE 0 END AS derivative
  UNION ALL
  MATCH (c:Contributor)-[r:COMMITTED_TO]->(m:Model)
  WHERE NOT coalesce(c.isBot, false) AND NOT coalesce(m.deleted, false)
    AND r.firstCommit IS NOT NULL
  WITH c, min(r.firstCommit) AS first
  RETURN substring(toString(first), 0, 7) AS month, 'contributor' AS kind, 0 AS derivative
  UNION ALL
  MATCH (o:Organization)-[:PUBLISHED]->(m:Model)
  WHERE m.createdAt IS NOT NULL AND NOT coalesce(m.stub, false) AND NOT coalesce(m.deleted, false)
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
