// Every node, bookkeeping included: how much a database holds.
// returns: n
MATCH (n)
RETURN count(n) AS n
