// Explorer latency: every described model (not a stub, not deleted), for a uniform sample of /model pages.
// returns: id
MATCH (m:Model) WHERE m.stub = false AND NOT coalesce(m.deleted, false)
RETURN coalesce(m.id, m.key) AS id
ORDER BY id
