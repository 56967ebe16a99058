// Record the end of a load and its counts.
// $id: str -- run id
MATCH (r:LoadRun {id: $id})
SET r.finishedAt = datetime(), r.status = $status, r.recordsIn = $recordsIn,
    r.loaded = $loaded, r.rejected = $rejected, r.issues = $issues
