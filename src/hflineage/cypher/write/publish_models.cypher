// Link models that existed before this batch (stubs, earlier descriptions) to their
// organization, once (write/link_models creates the link for new models).
// $rows: list -- {key, orgKey}
// returns: nothing
UNWIND $rows AS row
MATCH (m:Model {key: row.key})
MATCH (o:Organization {key: row.orgKey})
MERGE (o)-[:PUBLISHED]->(m)
