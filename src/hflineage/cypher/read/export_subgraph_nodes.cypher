// The nodes of a subgraph, by element id, with their export ids.
// $ids: list[str] -- element ids
// returns: id, label, props
MATCH (n)
WHERE elementId(n) IN $ids
RETURN labels(n)[0] + ':' + coalesce(n.key, n.name, n.id, toString(n.version)) AS id,
       labels(n)[0] AS label, properties(n) AS props
