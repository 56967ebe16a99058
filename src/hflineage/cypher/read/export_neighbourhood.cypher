// A query subgraph: the given nodes plus models named by key, and their non-model neighbours.
// $ids: list[str] -- element ids of nodes a query returned
// $keys: list[str] -- model keys a query returned
// returns: ids
OPTIONAL MATCH (m:Model)
WHERE m.key IN $keys
WITH collect(m) AS byKey
OPTIONAL MATCH (n)
WHERE elementId(n) IN $ids
WITH byKey, collect(n) AS byId
WITH byKey + byId AS members
CALL (members) {
  UNWIND members AS m
  MATCH (m)--(x)
  WHERE m:Model AND NOT x:Model
  RETURN collect(DISTINCT x) AS context
}
RETURN [n IN members + context | elementId(n)] AS ids
