// Describe models from their records. A record wins only when its version (lastModified, then a
// digest) is newer than the one that last described the node, so loads commute and reruns are
// no-ops. Stubs are filled in; a described model never becomes a stub again.
// $rows: list -- flat model rows (see hflineage.loader.normalize)
// returns: key, dirty, leaderboardArchitecture
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
    m.parameters = coalesce(row.parameters, m.leaderboardParameters),
    m.parametersSource = CASE
      WHEN row.parameters IS NOT NULL THEN 'safetensors'
      WHEN m.leaderboardParameters IS NOT NULL THEN 'leaderboard' END,
    m.architectureSource = CASE
      WHEN row.hasArchitectures THEN 'config'
      WHEN m.leaderboardArchitecture IS NOT NULL THEN 'leaderboard' END
WITH m, row, before
CALL (m, row) {
  WITH m, row
  WHERE row.orgKey IS NOT NULL
  MERGE (o:Organization {key: row.orgKey})
  ON CREATE SET o.name = row.orgName, o.recordVersion = row.version
  ON MATCH SET o.name = CASE WHEN row.version > o.recordVersion THEN row.orgName ELSE o.name END,
               o.recordVersion = CASE WHEN row.version > o.recordVersion THEN row.version
                                      ELSE o.recordVersion END
  MERGE (o)-[:PUBLISHED]->(m)
}
RETURN row.key AS key,
       before IS NOT NULL OR m.leaderboardArchitecture IS NOT NULL AS dirty,
       CASE WHEN row.hasArchitectures THEN null ELSE m.leaderboardArchitecture END
         AS leaderboardArchitecture
