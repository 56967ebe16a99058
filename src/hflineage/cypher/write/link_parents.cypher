// Child → parent DERIVED_FROM edges; a parent not described yet becomes a stub, whose id is the
// smallest spelling seen until its own record arrives.
// $rows: list -- {childKey, parentKey, parentId, relation, source, relationSource}
UNWIND $rows AS row
MATCH (c:Model {key: row.childKey})
MERGE (p:Model {key: row.parentKey})
ON CREATE SET p.id = row.parentId, p.stub = true
ON MATCH SET p.id = CASE WHEN p.stub AND row.parentId < p.id THEN row.parentId ELSE p.id END
MERGE (c)-[d:DERIVED_FROM]->(p)
SET d.relation = row.relation, d.source = row.source, d.relationSource = row.relationSource
