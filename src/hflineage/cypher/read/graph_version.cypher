// The graph version: the latest finished LoadRun (complete or failed: a failed load may have written part of its rows) and the epoch that `db reset` and `db restore` bump.
// returns: runId, runFinishedAt, runStatus, epoch, token
// runId, runFinishedAt (ISO-8601) and runStatus are null when no load has finished; epoch is 0 and
// token null when the graph was never reset or restored.
OPTIONAL MATCH (r:LoadRun)
WHERE r.finishedAt IS NOT NULL
WITH r
ORDER BY r.finishedAt DESC, r.id DESC
LIMIT 1
OPTIONAL MATCH (e:GraphEpoch {id: 'graph'})
RETURN r.id AS runId, toString(r.finishedAt) AS runFinishedAt, r.status AS runStatus,
       coalesce(e.epoch, 0) AS epoch, e.token AS token
