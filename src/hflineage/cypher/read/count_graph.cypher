// Every node and relationship, bookkeeping included (from the count store): a dump's manifest
// and the check that a restore is complete.
// returns: nodes, relationships
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
RETURN nodes, relationships
