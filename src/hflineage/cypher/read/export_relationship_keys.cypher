// Every property key used on relationships, for the columns of a whole-graph export.
// returns: key
MATCH ()-[r]->()
UNWIND keys(r) AS key
RETURN DISTINCT key ORDER BY key
