// Describe models from their records, with their organization and outgoing edges. A record wins
// only when its version (lastModified, then a digest) is newer than the one that last described
// the node, so loads commute and reruns are no-ops. A winner replaces the edges of the record
// before it (nodes left with no relationship, such as stub parents, go too, and so does a stub's
// organization when nothing else is left to it). Stubs are filled in;
// a described model never becomes a stub again; a parent not described yet becomes a stub whose
// id is the smallest spelling seen until its own record arrives.
// $rows: list -- flat model rows (hflineage.loader.normalize) with nested architectures, licenses, datasets, parents
UNWIND $rows AS row
MERGE (m:Model {key: row.key})
WITH m, row, m.recordVersion AS before
WHERE before IS NULL OR row.version > before
SET m.id = row.id,
    m.stub = false,
    m.recordVersion = row.version,
    m.author = row.author,
    m.createdAt = row.createdAt,
    m.lastModified = row.lastModified,
    m.downloads = row.downloads,
    m.likes = row.likes,
    m.pipelineTag = row.pipelineTag,
    m.libraryName = row.libraryName,
    m.modelType = row.modelType,
    m.gated = row.gated,
    m.license = row.license,
    m.tags = row.tags,
    m.quantizedStorage = row.quantizedStorage,
    m.nameParameters = row.nameParameters,
    m.fileEvidence = row.fileEvidence,
    m.parameters = coalesce(row.parameters, m.leaderboardParameters),
    m.parametersSource = CASE
      WHEN row.parameters IS NOT NULL THEN 'safetensors'
      WHEN m.leaderboardParameters IS NOT NULL THEN 'leaderboard' END,
    m.architectureSource = CASE
      WHEN row.hasArchitectures THEN 'config'
      WHEN m.leaderboardArchitecture IS NOT NULL THEN 'leaderboard' END
WITH m, row, before
CALL (m, before) {
  WITH m
  WHERE before IS NOT NULL OR m.leaderboardArchitecture IS NOT NULL
  MATCH (m)-[r:HAS_ARCHITECTURE|LICENSED_UNDER|TRAINED_ON|DERIVED_FROM]->(x)
  DELETE r
  WITH DISTINCT x
  WHERE (NOT x:Model OR x.stub = true)
    AND NOT EXISTS { (x)-[e]-() WHERE type(e) <> 'PUBLISHED' }
  OPTIONAL MATCH (x)<-[:PUBLISHED]-(o:Organization)
  DETACH DELETE x
  WITH DISTINCT o
  WHERE o IS NOT NULL AND NOT (o)--()
  DELETE o
}
CALL (m, row) {
  WITH m, row
  WHERE row.orgKey IS NOT NULL
  MERGE (o:Organization {key: row.orgKey})
  ON CREATE SET o.name = row.orgName, o.recordVersion = row.version
  ON MATCH SET o.name = CASE WHEN o.recordVersion IS NULL OR row.version > o.recordVersion
                             THEN row.orgName ELSE o.name END,
               o.recordVersion = CASE WHEN o.recordVersion IS NULL OR row.version > o.recordVersion
                                      THEN row.version ELSE o.recordVersion END
  MERGE (o)-[:PUBLISHED]->(m)
}
CALL (m, row) {
  UNWIND CASE WHEN row.hasArchitectures THEN [a IN row.architectures | a.name]
              WHEN m.leaderboardArchitecture IS NOT NULL THEN [m.leaderboardArchitecture]
              ELSE [] END AS name
  MERGE (a:Architecture {name: name})
  MERGE (m)-[:HAS_ARCHITECTURE]->(a)
}
CALL (m, row) {
  UNWIND row.licenses AS l
  MERGE (x:License {id: l.id})
  SET x.category = l.category
  MERGE (m)-[:LICENSED_UNDER]->(x)
}
CALL (m, row) {
  UNWIND row.datasets AS d
  MERGE (x:Dataset {key: d.key})
  ON CREATE SET x.id = d.id
  ON MATCH SET x.id = CASE WHEN d.id < x.id THEN d.id ELSE x.id END
  MERGE (m)-[:TRAINED_ON]->(x)
}
CALL (m, row) {
  UNWIND row.parents AS p
  MERGE (x:Model {key: p.parentKey})
  ON CREATE SET x.id = p.parentId, x.stub = true
  ON MATCH SET x.id = CASE WHEN x.stub AND p.parentId < x.id THEN p.parentId ELSE x.id END
  MERGE (m)-[d:DERIVED_FROM]->(x)
  SET d.relation = p.relation, d.source = p.source, d.relationSource = p.relationSource
}
