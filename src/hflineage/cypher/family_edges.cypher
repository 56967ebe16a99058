// Derivation edges inside one family (a root and its descendants), for networkx or export.
// $model: str -- the family's root, case-insensitive
// $maxDepth: int = 10 -- generations to follow (at most 32)
// $includeLikely: bool = false -- also follow predicted LIKELY_DERIVED_FROM edges (hflineage infer); declared only by default
// returns: child, parent, relation, childCreatedAt, childParameters, childOrganization, likely, confidence
// Only edges between family members; a merge's parents outside the family and deleted models
// are left out. likely: a predicted edge (only with $includeLikely), with its confidence (null
// for a declared edge).
MATCH (r:Model {key: toLower($model)})
CALL (r) {
  RETURN r AS member
  UNION
  WITH r WHERE NOT $includeLikely
  MATCH p = ANY SHORTEST (r)<-[:DERIVED_FROM]-{1,32}(d)
  WHERE length(p) <= $maxDepth AND NOT coalesce(d.deleted, false)
  RETURN d AS member
  UNION
  WITH r WHERE $includeLikely
  MATCH p = ANY SHORTEST (r)<-[:DERIVED_FROM|LIKELY_DERIVED_FROM]-{1,32}(d)
  WHERE length(p) <= $maxDepth AND NOT coalesce(d.deleted, false)
  RETURN d AS member
}
WITH collect(member) AS members
UNWIND members AS c
CALL (c, members) {
  MATCH (c)-[e:DERIVED_FROM]->(p)
  WHERE p IN members
  RETURN p, e.relation AS relation, false AS likely, null AS confidence
  UNION ALL
  WITH c, members WHERE $includeLikely
  MATCH (c)-[e:LIKELY_DERIVED_FROM]->(p)
  WHERE p IN members
  RETURN p, e.relation AS relation, true AS likely, e.confidence AS confidence
}
RETURN c.id AS child, p.id AS parent, relation, c.createdAt AS childCreatedAt,
       c.parameters AS childParameters,
       head([(c)<-[:PUBLISHED]-(o:Organization) | o.name]) AS childOrganization,
       likely, confidence
ORDER BY child, parent
