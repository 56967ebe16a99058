// Dashboard benchmark: the architecture named by the most described models, for the architecture filter.
// returns: architecture, models
// Described models only (not stubs, not deleted); ties go to the name that sorts first.
MATCH (m:Model)-[:HAS_ARCHITECTURE]->(a:Architecture)
WHERE m.stub = false AND NOT coalesce(m.deleted, false)
RETURN a.name AS architecture, count(DISTINCT m) AS models
ORDER BY models DESC, architecture
LIMIT 1
