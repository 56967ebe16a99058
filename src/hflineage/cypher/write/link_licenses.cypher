// Link models to their licences, with the licence's openness category.
// $rows: list -- {modelKey, id, category}
UNWIND $rows AS row
MATCH (m:Model {key: row.modelKey})
MERGE (l:License {id: row.id})
SET l.category = row.category
MERGE (m)-[:LICENSED_UNDER]->(l)
