// Organizations whose name begins like a missing one's: the candidates for "did you mean".
// $prefix: str -- the first letters of the missing name, case-folded
// returns: name
MATCH (o:Organization) WHERE o.key STARTS WITH $prefix
RETURN coalesce(o.name, o.key) AS name
LIMIT 20000
