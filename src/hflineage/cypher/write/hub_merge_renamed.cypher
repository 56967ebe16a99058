// Fold a renamed model's old node into the live one. Children's DERIVED_FROM edges, commits and
// scores move to the live model; properties the live node lacks are kept from the old one; the
// old id joins `aliases`; the old node goes. An old node described more recently than the live
// one is another repository that reuses the name, and is left alone.
// $rows: list -- {oldKey, newKey, newId}
UNWIND $rows AS row
MATCH (old:Model {key: row.oldKey})
WHERE row.oldKey <> row.newKey
MERGE (live:Model {key: row.newKey})
ON CREATE SET live.id = row.newId, live.stub = true
WITH old, live
WHERE coalesce(old.stub, false) OR old.lastModified IS NULL OR live.lastModified IS NULL
      OR old.lastModified <= live.lastModified
CALL (old, live) {
  MATCH (child:Model)-[r:DERIVED_FROM]->(old)
  WHERE child <> live
  MERGE (child)-[moved:DERIVED_FROM]->(live)
  SET moved += properties(r)
}
CALL (old, live) {
  MATCH (c:Contributor)-[r:COMMITTED_TO]->(old)
  MERGE (c)-[moved:COMMITTED_TO]->(live)
  WITH r, moved, coalesce(moved.commitIds, []) AS known
  WITH r, moved, COLLECT {
    UNWIND known + [i IN coalesce(r.commitIds, []) WHERE NOT i IN known] AS i
    RETURN i ORDER BY i
  } AS ids
  SET moved.commitIds = ids,
      moved.commits = size(ids),
      moved.firstCommit = CASE WHEN moved.firstCommit IS NULL OR r.firstCommit < moved.firstCommit
                               THEN r.firstCommit ELSE moved.firstCommit END,
      moved.lastCommit = CASE WHEN moved.lastCommit IS NULL OR r.lastCommit > moved.lastCommit
                              THEN r.lastCommit ELSE moved.lastCommit END
}
CALL (old, live) {
  MATCH (old)-[r:SCORED]->(b:Benchmark)
  MERGE (live)-[moved:SCORED]->(b)
  ON CREATE SET moved += properties(r)
}
WITH old, live, properties(live) AS after, old.id AS oldId,
     coalesce(old.aliases, []) AS oldAliases, coalesce(old.stub, true) AS oldStub
REMOVE old.key
WITH old, live, after, oldId, oldAliases, oldStub, properties(old) AS before
SET live += before
SET live += after
SET live.stub = coalesce(after.stub, true) AND oldStub,
    live.aliases = reduce(acc = coalesce(after.aliases, []), a IN [oldId] + oldAliases |
                          CASE WHEN a IN acc OR toLower(a) = live.key THEN acc ELSE acc + a END)
REMOVE live.deleted, live.deletedAt
DETACH DELETE old
