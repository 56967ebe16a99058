// Commits per (contributor, model). Commit ids are stored on the edge (sorted), so a rerun never
// counts a commit twice; a model known only from commits becomes a stub. A contributor keeps the
// spelling of its latest commit. isBot is set by every load (the rule is case-insensitive, so all
// spellings agree), so a corrected bot rule reaches contributors loaded before.
// $rows: list -- {modelKey, modelId, contributorKey, name, kind, isBot, commitIds, first, last}:
//   first and last as ISO 8601 text (Cypher parses it far faster than the driver encodes datetimes)
UNWIND $rows AS given
WITH given {.*, first: datetime(given.first), last: datetime(given.last)} AS row
MERGE (m:Model {key: row.modelKey})
ON CREATE SET m.id = row.modelId, m.stub = true
ON MATCH SET m.id = CASE WHEN m.stub AND row.modelId < m.id THEN row.modelId ELSE m.id END
MERGE (c:Contributor {key: row.contributorKey})
ON CREATE SET c.name = row.name, c.kind = row.kind, c.lastCommit = row.last
SET c.isBot = row.isBot
WITH m, c, row
CALL (c, row) {
  WITH c, row
  WHERE row.last > c.lastCommit OR (c.lastCommit IS NULL AND row.last IS NOT NULL)
        OR (row.last = c.lastCommit AND row.name < c.name)
  SET c.name = row.name, c.isBot = row.isBot, c.lastCommit = row.last
}
MERGE (c)-[r:COMMITTED_TO]->(m)
WITH r, row, coalesce(r.commitIds, []) AS known
WITH r, row, COLLECT {
  UNWIND known + [i IN row.commitIds WHERE NOT i IN known] AS i
  RETURN i ORDER BY i
} AS ids
SET r.commitIds = ids,
    r.commits = size(ids),
    r.firstCommit = CASE WHEN r.firstCommit IS NULL OR row.first < r.firstCommit
                         THEN row.first ELSE r.firstCommit END,
    r.lastCommit = CASE WHEN r.lastCommit IS NULL OR row.last > r.lastCommit
                        THEN row.last ELSE r.lastCommit END
