// After hflineage infer wrote its predictions: drop those of models that declare a parent by now
// (a load ran meanwhile), and the weaker of two models predicted as each other's parent (both
// undated, so creation order could not decide). Ties go to the edge with the larger element id.
// returns: removed
CALL () {
  MATCH (c:Model)-[l:LIKELY_DERIVED_FROM]->()
  WHERE EXISTS { (c)-[:DERIVED_FROM]->() }
  DELETE l
  RETURN count(*) AS declared
}
CALL () {
  MATCH (a:Model)-[x:LIKELY_DERIVED_FROM]->(b:Model)-[y:LIKELY_DERIVED_FROM]->(a)
  WHERE x.confidence < y.confidence
     OR (x.confidence = y.confidence AND elementId(x) < elementId(y))
  DELETE x
  RETURN count(*) AS mutual
}
RETURN declared + mutual AS removed
