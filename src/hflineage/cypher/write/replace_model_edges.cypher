// Remove the outgoing edges an earlier record (or the leaderboard) gave models a newer record
// now describes, so write/link_models can create them afresh. Nodes left with no relationship
// (stub parents, architectures, licences, datasets) go too, with any prediction that points to
// them, and so does a stub's organization when nothing else is left to it.
// $keys: list -- keys of the models write/describe_models returned with replace = true
// returns: nothing
UNWIND $keys AS key
MATCH (m:Model {key: key})-[r:HAS_ARCHITECTURE|LICENSED_UNDER|TRAINED_ON|DERIVED_FROM]->(x)
DELETE r
WITH DISTINCT x
WHERE (NOT x:Model OR x.stub = true)
  AND NOT EXISTS { (x)-[e]-() WHERE NOT type(e) IN ['PUBLISHED', 'LIKELY_DERIVED_FROM'] }
OPTIONAL MATCH (x)<-[:PUBLISHED]-(o:Organization)
DETACH DELETE x
WITH DISTINCT o
WHERE o IS NOT NULL AND NOT (o)--()
DELETE o
