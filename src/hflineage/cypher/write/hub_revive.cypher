// Models the Hub answered for again are no longer deleted.
// $keys: list -- model keys fetched alive
UNWIND $keys AS key
MATCH (m:Model {key: key})
WHERE m.deleted
REMOVE m.deleted, m.deletedAt
