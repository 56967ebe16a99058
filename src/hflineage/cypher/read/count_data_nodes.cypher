// Nodes other than the schema-version node: a bulk import may only replace an empty database.
// returns: n
MATCH (n) WHERE NOT n:Schema
RETURN count(n) AS n
