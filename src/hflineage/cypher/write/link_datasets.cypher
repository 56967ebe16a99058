// Link models to the datasets they were trained on; a dataset keeps its smallest spelling.
// $rows: list -- {modelKey, key, id}
UNWIND $rows AS row
MATCH (m:Model {key: row.modelKey})
MERGE (d:Dataset {key: row.key})
ON CREATE SET d.id = row.id
ON MATCH SET d.id = CASE WHEN row.id < d.id THEN row.id ELSE d.id END
MERGE (m)-[:TRAINED_ON]->(d)
