// Every property key used on nodes, for the columns of a whole-graph export.
// returns: key
MATCH (n)
UNWIND keys(n) AS key
RETURN DISTINCT key ORDER BY key
