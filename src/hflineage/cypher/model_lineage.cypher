// Lineage of one model: its ancestors up to the roots and its descendants, with generation, relation and path.
// $model: str -- a Hub model id (case-insensitive)
// $maxDepth: int = 10 -- generations to follow up and down (at most 32)
// $direction: enum(both|up|down) = 'both' -- up: ancestors only; down: descendants only
// returns: direction, generation, model, relation, path, stub, deleted
// Generation is negative for ancestors; each relative appears once, on a shortest path. relation is
// the edge on that path nearest the relative; path lists ids from the model outwards.
MATCH (m:Model {key: toLower($model)})
CALL (m) {
  RETURN 'self' AS direction, 0 AS generation, m AS other, null AS relation, [m.id] AS path
  UNION ALL
  WITH m WHERE $direction <> 'down'
  MATCH p = ANY SHORTEST (m)-[:DERIVED_FROM]->{1,32}(a)
  WHERE length(p) <= $maxDepth
  RETURN 'ancestor' AS direction, -length(p) AS generation, a AS other,
         last(relationships(p)).relation AS relation, [n IN nodes(p) | n.id] AS path
  UNION ALL
  WITH m WHERE $direction <> 'up'
  MATCH p = ANY SHORTEST (m)<-[:DERIVED_FROM]-{1,32}(d)
  WHERE length(p) <= $maxDepth
  RETURN 'descendant' AS direction, length(p) AS generation, d AS other,
         last(relationships(p)).relation AS relation, [n IN nodes(p) | n.id] AS path
}
RETURN direction, generation, other.id AS model, relation, path,
       coalesce(other.stub, false) AS stub, coalesce(other.deleted, false) AS deleted
ORDER BY generation, model
