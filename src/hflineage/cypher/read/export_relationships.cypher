// Every relationship, by the export ids of its ends, streamed for a whole-graph export.
// returns: source, target, type, props
MATCH (a)-[r]->(b)
RETURN labels(a)[0] + ':' + coalesce(a.key, a.name, a.id, toString(a.version)) AS source,
       labels(b)[0] + ':' + coalesce(b.key, b.name, b.id, toString(b.version)) AS target,
       type(r) AS type, properties(r) AS props
