// Lineage of one model: its ancestors up to the roots and its descendants, with generation, relation and path.
// $model: str -- a Hub model id (case-insensitive)
// $maxDepth: int = 10 -- generations to follow up and down (at most 32)
// $direction: enum(both|up|down) = 'both' -- up: ancestors only; down: descendants only
// $includeLikely: bool = false -- also follow predicted LIKELY_DERIVED_FROM edges (hflineage infer); declared only by default
// returns: direction, generation, model, relation, path, stub, deleted, likely, confidence
// Generation is negative for ancestors; each relative appears once, on a shortest path. relation is
// the edge on that path nearest the relative; path lists ids from the model outwards. likely: the
// path takes at least one predicted edge (only with $includeLikely; a relative reached by declared
// edges keeps its declared path); confidence: the lowest confidence of the path's predicted edges
// (null when it has none).
MATCH (m:Model {key: toLower($model)})
CALL (m) {
  RETURN 'self' AS direction, 0 AS generation, m AS other, null AS relation, [m.id] AS path,
         false AS likely, null AS confidence
  UNION ALL
  WITH m WHERE $direction <> 'down'
  MATCH p = ANY SHORTEST (m)-[:DERIVED_FROM]->{1,32}(a)
  WHERE length(p) <= $maxDepth
  RETURN 'ancestor' AS direction, -length(p) AS generation, a AS other,
         last(relationships(p)).relation AS relation, [n IN nodes(p) | n.id] AS path,
         false AS likely, null AS confidence
  UNION ALL
  WITH m WHERE $direction <> 'up'
  MATCH p = ANY SHORTEST (m)<-[:DERIVED_FROM]-{1,32}(d)
  WHERE length(p) <= $maxDepth
  RETURN 'descendant' AS direction, length(p) AS generation, d AS other,
         last(relationships(p)).relation AS relation, [n IN nodes(p) | n.id] AS path,
         false AS likely, null AS confidence
  UNION ALL
  WITH m WHERE $includeLikely AND $direction <> 'down'
  WITH m, COLLECT { MATCH q = ANY SHORTEST (m)-[:DERIVED_FROM]->{1,32}(x)
                    WHERE length(q) <= $maxDepth RETURN x } AS declared
  MATCH p = ANY SHORTEST (m)-[:DERIVED_FROM|LIKELY_DERIVED_FROM]->{1,32}(a)
  WHERE length(p) <= $maxDepth
  WITH p, a, declared, [r IN relationships(p) WHERE r:LIKELY_DERIVED_FROM | r.confidence] AS guesses
  WHERE guesses <> [] AND NOT a IN declared
  RETURN 'ancestor' AS direction, -length(p) AS generation, a AS other,
         last(relationships(p)).relation AS relation, [n IN nodes(p) | n.id] AS path,
         true AS likely, reduce(low = 1.0, c IN guesses | CASE WHEN c < low THEN c ELSE low END) AS confidence
  UNION ALL
  WITH m WHERE $includeLikely AND $direction <> 'up'
  WITH m, COLLECT { MATCH q = ANY SHORTEST (m)<-[:DERIVED_FROM]-{1,32}(x)
                    WHERE length(q) <= $maxDepth RETURN x } AS declared
  MATCH p = ANY SHORTEST (m)<-[:DERIVED_FROM|LIKELY_DERIVED_FROM]-{1,32}(d)
  WHERE length(p) <= $maxDepth
  WITH p, d, declared, [r IN relationships(p) WHERE r:LIKELY_DERIVED_FROM | r.confidence] AS guesses
  WHERE guesses <> [] AND NOT d IN declared
  RETURN 'descendant' AS direction, length(p) AS generation, d AS other,
         last(relationships(p)).relation AS relation, [n IN nodes(p) | n.id] AS path,
         true AS likely, reduce(low = 1.0, c IN guesses | CASE WHEN c < low THEN c ELSE low END) AS confidence
}
RETURN direction, generation, other.id AS model, relation, path,
       coalesce(other.stub, false) AS stub, coalesce(other.deleted, false) AS deleted,
       likely, confidence
ORDER BY generation, model
