// Models that share a missing model's namespace or name: the candidates for "did you mean".
// $namespace: str -- the missing id's part before the last /, case-folded
// $name: str -- the missing id's part after the last /, case-folded
// returns: id
CALL () {
  MATCH (m:Model) WHERE m.key STARTS WITH $namespace + '/' RETURN m LIMIT 5000
  UNION
  MATCH (m:Model) WHERE m.key ENDS WITH '/' + $name RETURN m LIMIT 5000
}
RETURN coalesce(m.id, m.key) AS id
