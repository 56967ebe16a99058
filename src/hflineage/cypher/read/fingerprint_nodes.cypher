// Every node but bookkeeping ones, with labels and properties, for the graph fingerprint.
MATCH (n)
WHERE none(l IN labels(n) WHERE l IN $skip)
RETURN labels(n) AS labels, properties(n) AS props
