// The size of the whole graph: every node and every relationship (count-store lookups).
// returns: nodes, relationships
CALL { MATCH (n) RETURN count(n) AS nodes }
CALL { MATCH ()-[r]->() RETURN count(r) AS relationships }
RETURN nodes, relationships
