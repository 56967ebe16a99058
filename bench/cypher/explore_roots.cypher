// Explorer latency: family roots (models deriving from nothing) with at least one derivative, for /family pages.
// returns: id, size
// size counts the root and its descendants that are not deleted, as the family page does.
MATCH (r:Model)
WHERE NOT (r)-[:DERIVED_FROM]->() AND EXISTS { (r)<-[:DERIVED_FROM]-() }
CALL (r) {
  MATCH p = ANY SHORTEST (r)<-[:DERIVED_FROM]-{1,32}(d:Model)
  WHERE NOT coalesce(d.deleted, false)
  RETURN count(DISTINCT d) AS descendants
}
RETURN coalesce(r.id, r.key) AS id, 1 + descendants AS size
ORDER BY size DESC, id
