// Every relationship between non-bookkeeping nodes, named by its ends' natural keys.
MATCH (a)-[r]->(b)
WHERE none(l IN labels(a) WHERE l IN $skip) AND none(l IN labels(b) WHERE l IN $skip)
RETURN coalesce(a.key, a.id, a.name, toString(a.version)) AS start, type(r) AS type,
       coalesce(b.key, b.id, b.name, toString(b.version)) AS end, properties(r) AS props
