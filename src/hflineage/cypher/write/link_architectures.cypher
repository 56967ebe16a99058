// Link models to their architectures.
// $rows: list -- {modelKey, name}
UNWIND $rows AS row
MATCH (m:Model {key: row.modelKey})
MERGE (a:Architecture {name: row.name})
MERGE (m)-[:HAS_ARCHITECTURE]->(a)
