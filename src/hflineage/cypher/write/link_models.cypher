// Create the outgoing edges of models a newer record just described. After
// write/replace_model_edges they have none of these types left, so the edges are created, not
// merged; the rows are de-duplicated per model in Python. A model created by this batch is
// also linked to its organization (write/publish_models merges that link for the others). A
// model that now declares a parent loses its predicted ones (hflineage infer).
// $rows: list -- {key, orgKey (null unless the node is new), architectures: [name],
//   licenses: [id], datasets: [key], parents: [{key, relation, source, relationSource}]}
// returns: nothing
UNWIND $rows AS row
MATCH (m:Model {key: row.key})
CALL (m, row) {
  WITH m, row
  WHERE row.orgKey IS NOT NULL
  MATCH (o:Organization {key: row.orgKey})
  CREATE (o)-[:PUBLISHED]->(m)
}
CALL (m, row) {
  UNWIND row.architectures AS name
  MATCH (a:Architecture {name: name})
  CREATE (m)-[:HAS_ARCHITECTURE]->(a)
}
CALL (m, row) {
  UNWIND row.licenses AS id
  MATCH (x:License {id: id})
  CREATE (m)-[:LICENSED_UNDER]->(x)
}
CALL (m, row) {
  UNWIND row.datasets AS key
  MATCH (x:Dataset {key: key})
  CREATE (m)-[:TRAINED_ON]->(x)
}
CALL (m, row) {
  UNWIND row.parents AS p
  MATCH (x:Model {key: p.key})
  CREATE (m)-[:DERIVED_FROM {relation: p.relation, source: p.source,
                             relationSource: p.relationSource}]->(x)
}
CALL (m, row) {
  WITH m, row
  WHERE size(row.parents) > 0
  MATCH (m)-[l:LIKELY_DERIVED_FROM]->()
  DELETE l
}
