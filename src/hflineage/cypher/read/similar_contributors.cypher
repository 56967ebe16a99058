// Contributors whose name begins like a missing one's, of either kind: the candidates for "did you mean".
// $prefix: str -- the first letters of the missing name, case-folded
// returns: name, kind
CALL () {
  MATCH (c:Contributor) WHERE c.key STARTS WITH 'hub:' + $prefix RETURN c LIMIT 10000
  UNION
  MATCH (c:Contributor) WHERE c.key STARTS WITH 'git:' + $prefix RETURN c LIMIT 10000
}
RETURN c.name AS name, c.kind AS kind
