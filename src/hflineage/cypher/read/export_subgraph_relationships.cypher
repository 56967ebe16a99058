// The relationships between the nodes of a subgraph, by the export ids of their ends.
// $ids: list[str] -- element ids
// returns: source, target, type, props
MATCH (a)-[r]->(b)
WHERE elementId(a) IN $ids AND elementId(b) IN $ids
RETURN labels(a)[0] + ':' + coalesce(a.key, a.name, a.id, toString(a.version)) AS source,
       labels(b)[0] + ':' + coalesce(b.key, b.name, b.id, toString(b.version)) AS target,
       type(r) AS type, properties(r) AS props
