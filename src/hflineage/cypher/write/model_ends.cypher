// The nodes a batch of described models points to, each key once (reduced in Python):
// organizations (named by the newest record), architectures, licences, datasets (the smallest
// spelling) and parents (a parent not described yet becomes a stub whose id is the smallest
// spelling seen until its own record arrives).
// $organizations: list -- {key, name, version}: the newest record's spelling per organization
// $architectures: list -- architecture names
// $licenses: list -- {id, category}
// $datasets: list -- {key, id}: the smallest spelling in the batch
// $parents: list -- {key, id}: the smallest spelling in the batch
// returns: nothing
CALL {
  UNWIND $organizations AS org
  MERGE (o:Organization {key: org.key})
  ON CREATE SET o.name = org.name, o.recordVersion = org.version
  ON MATCH SET o.name = CASE WHEN o.recordVersion IS NULL OR org.version > o.recordVersion
                             THEN org.name ELSE o.name END,
               o.recordVersion = CASE WHEN o.recordVersion IS NULL OR org.version > o.recordVersion
                                      THEN org.version ELSE o.recordVersion END
}
CALL {
  UNWIND $architectures AS name
  MERGE (:Architecture {name: name})
}
CALL {
  UNWIND $licenses AS l
  MERGE (x:License {id: l.id})
  SET x.category = l.category
}
CALL {
  UNWIND $datasets AS d
  MERGE (x:Dataset {key: d.key})
  ON CREATE SET x.id = d.id
  ON MATCH SET x.id = CASE WHEN d.id < x.id THEN d.id ELSE x.id END
}
CALL {
  UNWIND $parents AS p
  MERGE (x:Model {key: p.key})
  ON CREATE SET x.id = p.id, x.stub = true
  ON MATCH SET x.id = CASE WHEN x.stub AND p.id < x.id THEN p.id ELSE x.id END
}
