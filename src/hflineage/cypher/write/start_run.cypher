// Record the start of a load; a load that dies leaves status 'running'.
// $id: str -- run id
// $source: str -- what is loaded (snapshot, leaderboard, hub) and from where
CREATE (r:LoadRun {id: $id, source: $source, input: $input, startedAt: datetime(),
                   status: 'running'})
