// Every node, with a stable export id (label and key), streamed for a whole-graph export.
// returns: id, label, props
MATCH (n)
RETURN labels(n)[0] + ':' + coalesce(n.key, n.name, n.id, toString(n.version)) AS id,
       labels(n)[0] AS label, properties(n) AS props
