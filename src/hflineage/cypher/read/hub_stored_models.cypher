// Described, not deleted models to re-check against the Hub, optionally of one namespace.
// $author: str -- namespace, or null for every model
// $limit: int -- at most this many, by key
// returns: id
MATCH (m:Model)
WHERE m.stub = false AND m.deleted IS NULL
  AND ($author IS NULL OR m.key STARTS WITH toLower($author) + '/')
RETURN m.id AS id
ORDER BY m.key
LIMIT $limit
