// Derivation edges inside one family (a root and its descendants), for networkx or export.
// $model: str -- the family's root, case-insensitive
// $maxDepth: int = 10 -- generations to follow (at most 32)
// returns: child, parent, relation, childCreatedAt, childParameters, childOrganization
// Only edges between family members; a merge's parents outside the family and deleted models
// are left out.
MATCH (r:Model {key: toLower($model)})
CALL (r) {
  RETURN r AS member
  UNION
  MATCH p = ANY SHORTEST (r)<-[:DERIVED_FROM]-{1,32}(d)
  WHERE length(p) <= $maxDepth AND NOT coalesce(d.deleted, false)
  RETURN d AS member
}
WITH collect(member) AS members
UNWIND members AS c
MATCH (c)-[e:DERIVED_FROM]->(p)
WHERE p IN members
RETURN c.id AS child, p.id AS parent, e.relation AS relation, c.createdAt AS childCreatedAt,
       c.parameters AS childParameters,
       head([(c)<-[:PUBLISHED]-(o:Organization) | o.name]) AS childOrganization
ORDER BY child, parent
