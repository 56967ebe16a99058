// Explorer latency: organizations that published at least one model, for /org pages.
// returns: name, models
// models counts every model the organization published (stubs and deleted ones too, as its page lists them).
MATCH (o:Organization)
WITH o, COUNT { (o)-[:PUBLISHED]->(:Model) } AS models
WHERE models > 0
RETURN coalesce(o.name, o.key) AS name, models
ORDER BY models DESC, name
