// An organization's derivation neighbourhood: edges where a child or a parent is published by it.
// $org: str -- an organization or user name, case-insensitive
// returns: child, parent, relation, childOrganization, parentOrganization
// Deleted models are left out.
MATCH (o:Organization {key: toLower($org)})-[:PUBLISHED]->(m:Model)
CALL (m) {
  MATCH (m)-[e:DERIVED_FROM]->(p:Model) RETURN m AS c, e, p
  UNION
  MATCH (m)<-[e:DERIVED_FROM]-(c:Model) RETURN c, e, m AS p
}
WITH DISTINCT c, e, p
WHERE NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
RETURN c.id AS child, p.id AS parent, e.relation AS relation,
       head([(c)<-[:PUBLISHED]-(x:Organization) | x.name]) AS childOrganization,
       head([(p)<-[:PUBLISHED]-(x:Organization) | x.name]) AS parentOrganization
ORDER BY child, parent
