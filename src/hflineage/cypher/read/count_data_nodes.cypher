// Nodes other than the schema-version and graph-epoch nodes: whether a database holds data (a bulk
// import may only replace an empty one; the tests refuse to wipe one they did not fill).
// returns: n
MATCH (n) WHERE NOT n:Schema AND NOT n:GraphEpoch
RETURN count(n) AS n
