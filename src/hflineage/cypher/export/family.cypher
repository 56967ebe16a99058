// A family subgraph: the root, its descendants up to $maxDepth, and their non-model neighbours.
// $root: str -- the family's root model id (case-insensitive)
// $maxDepth: int = 10 -- generations to follow (at most 32)
// returns: ids
MATCH (r:Model {key: toLower($root)})
CALL (r) {
  RETURN r AS m
  UNION
  MATCH p = ANY SHORTEST (r)<-[:DERIVED_FROM]-{1,32}(d)
  WHERE length(p) <= $maxDepth
  RETURN d AS m
}
WITH collect(m) AS members
CALL (members) {
  UNWIND members AS m
  MATCH (m)--(x)
  WHERE NOT x:Model
  RETURN collect(DISTINCT x) AS context
}
RETURN [n IN members + context | elementId(n)] AS ids
