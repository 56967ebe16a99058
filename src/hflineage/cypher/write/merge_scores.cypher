// Leaderboard results, one row per (model, leaderboard): the row with the best Average.
// A row replaces a model's scores of that leaderboard only when it ranks higher than the stored
// one, and sets the model's leaderboard facts only when it outranks every leaderboard row seen
// (v2 over v1), so loads commute. Models known only from a leaderboard become stubs.
// $rows: list -- {key, id, leaderboard, rank, modelRank, precision, submittedAt, scores, parameters, nameParameters, architecture, rootModel, merged, moe, flagged}
UNWIND $rows AS row
MERGE (m:Model {key: row.key})
ON CREATE SET m.id = row.id, m.stub = true
ON MATCH SET m.id = CASE WHEN m.stub AND row.id < m.id THEN row.id ELSE m.id END
SET m.nameParameters = row.nameParameters
WITH m, row
CALL (m, row) {
  OPTIONAL MATCH (m)-[best:SCORED]->(:Benchmark {key: row.leaderboard + ':Average'})
  WITH m, row, best
  WHERE best IS NULL OR row.rank > best.rank
  CALL (m, row) {
    MATCH (m)-[old:SCORED]->(:Benchmark {leaderboard: row.leaderboard})
    DELETE old
  }
  UNWIND row.scores AS s
  MERGE (b:Benchmark {key: row.leaderboard + ':' + s.name})
  ON CREATE SET b.name = s.name, b.leaderboard = row.leaderboard
  CREATE (m)-[:SCORED {score: s.score, precision: row.precision, submittedAt: row.submittedAt,
                       rank: row.rank}]->(b)
}
WITH m, row
WHERE m.leaderboardRank IS NULL OR row.modelRank > m.leaderboardRank
SET m.leaderboardRank = row.modelRank,
    m.leaderboardParameters = row.parameters,
    m.leaderboardArchitecture = row.architecture,
    m.rootModel = row.rootModel,
    m.merged = row.merged,
    m.moe = row.moe,
    m.flagged = row.flagged,
    m.parameters = CASE WHEN m.parametersSource = 'safetensors' THEN m.parameters
                        ELSE row.parameters END,
    m.parametersSource = CASE WHEN m.parametersSource = 'safetensors' THEN 'safetensors'
                              WHEN row.parameters IS NOT NULL THEN 'leaderboard' END
WITH m, row
WHERE coalesce(m.architectureSource, 'leaderboard') = 'leaderboard'
CALL (m) {
  MATCH (m)-[h:HAS_ARCHITECTURE]->(a)
  DELETE h
  WITH a
  WHERE NOT (a)--()
  DELETE a
}
SET m.architectureSource = CASE WHEN row.architecture IS NULL THEN null ELSE 'leaderboard' END
WITH m, row
WHERE row.architecture IS NOT NULL
MERGE (a:Architecture {name: row.architecture})
MERGE (m)-[:HAS_ARCHITECTURE]->(a)
