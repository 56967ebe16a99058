// Remove the edges a model's previous record gave it, before its newer record's edges are written;
// nodes left with no relationship at all (stub parents, architectures, ...) go too.
// $keys: list -- model keys
UNWIND $keys AS key
MATCH (m:Model {key: key})-[r:HAS_ARCHITECTURE|LICENSED_UNDER|TRAINED_ON|DERIVED_FROM]->(x)
DELETE r
WITH DISTINCT x
WHERE NOT (x)--() AND (NOT x:Model OR x.stub = true)
DELETE x
