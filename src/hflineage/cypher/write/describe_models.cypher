// Describe models from their records (their properties only: organizations and edges follow in
// write/replace_model_edges, write/model_ends, write/link_models and write/publish_models, in the
// same transaction). A record wins only when its version (lastModified, then a digest) is newer
// than the one that last described the node, so loads commute and reruns are no-ops. Stubs are
// filled in; a described model never becomes a stub again.
// $rows: list -- flat model rows (hflineage.loader.normalize), one per key, with createdAt and
//   lastModified as ISO 8601 text (Cypher parses it far faster than the driver encodes datetimes)
// returns: key (a row that won), fresh (its node was created here), replace (it may hold
//   outgoing edges from an earlier record or the leaderboard), leaderboardArchitecture
UNWIND $rows AS given
WITH given {.*, createdAt: datetime(given.createdAt),
            lastModified: datetime(given.lastModified)} AS row
MERGE (m:Model {key: row.key})
WITH m, row, m.recordVersion AS before, m.id IS NULL AS fresh
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
    m.cardHints = row.cardHints,
    m.parameters = coalesce(row.parameters, m.leaderboardParameters),
    m.parametersSource = CASE
      WHEN row.parameters IS NOT NULL THEN 'safetensors'
      WHEN m.leaderboardParameters IS NOT NULL THEN 'leaderboard' END,
    m.architectureSource = CASE
      WHEN row.hasArchitectures THEN 'config'
      WHEN m.leaderboardArchitecture IS NOT NULL THEN 'leaderboard' END
RETURN row.key AS key, fresh,
       before IS NOT NULL OR m.leaderboardArchitecture IS NOT NULL AS replace,
       m.leaderboardArchitecture AS leaderboardArchitecture
