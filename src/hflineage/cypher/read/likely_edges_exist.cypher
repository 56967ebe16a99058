// Whether the graph holds any predicted parent (LIKELY_DERIVED_FROM, written by hflineage infer): stops at the first edge.
// returns: present
RETURN EXISTS { MATCH ()-[:LIKELY_DERIVED_FROM]->() } AS present
