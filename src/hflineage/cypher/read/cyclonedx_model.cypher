// One model and its ancestors with the facts of a CycloneDX ML-BOM (hflineage export --format cyclonedx).
// $model: str -- a Hub model id (case-insensitive)
// $maxDepth: int = 10 -- generations of ancestors to follow (at most 32)
// $includeLikely: bool = false -- also follow predicted LIKELY_DERIVED_FROM edges (hflineage infer); declared only by default
// returns: generation, id, relation, relations, path, likely, confidence, predicted, stub, deleted, deletedAt, organization, licenses, datasets, architectures, gated, parameters, parametersSource, parametersFlag, pipelineTag, libraryName, modelType, createdAt, lastModified
// The model is generation 0, its parents 1, their parents 2, ...; each ancestor appears once, on a
// shortest path, as in model_lineage. relation: the edge on that path into the ancestor ('unknown'
// when it holds none); relations: the relation of every edge on that path, from the model up;
// path: the ids from the model to the ancestor. likely: the path takes at least one predicted edge
// (only with $includeLikely; an ancestor reached by declared edges keeps its declared path);
// confidence: the lowest confidence of those edges that carry one (null when none does);
// predicted: those edges as {child, parent, relation, confidence, method, evidence, rank},
// nearest the model first.
// licenses: {id, category} of the licences the record declares; datasets: TRAINED_ON dataset ids.
MATCH (m:Model {key: toLower($model)})
CALL (m) {
  RETURN 0 AS generation, m AS other, null AS relation, [] AS relations, [m.id] AS path,
         false AS likely,
         null AS confidence, [] AS predicted
  UNION ALL
  MATCH p = ANY SHORTEST (m)-[:DERIVED_FROM]->{1,32}(a)
  WHERE length(p) <= $maxDepth AND a <> m
  RETURN length(p) AS generation, a AS other, last(relationships(p)).relation AS relation,
         [r IN relationships(p) | coalesce(r.relation, 'unknown')] AS relations,
         [n IN nodes(p) | n.id] AS path, false AS likely, null AS confidence, [] AS predicted
  UNION ALL
  WITH m WHERE $includeLikely
  WITH m, COLLECT { MATCH q = ANY SHORTEST (m)-[:DERIVED_FROM]->{1,32}(x)
                    WHERE length(q) <= $maxDepth RETURN x } AS declared
  MATCH p = ANY SHORTEST (m)-[:DERIVED_FROM|LIKELY_DERIVED_FROM]->{1,32}(a)
  WHERE length(p) <= $maxDepth AND a <> m
  WITH p, a, declared, [r IN relationships(p) WHERE r:LIKELY_DERIVED_FROM] AS guesses
  WHERE guesses <> [] AND NOT a IN declared
  RETURN length(p) AS generation, a AS other, last(relationships(p)).relation AS relation,
         [r IN relationships(p) | coalesce(r.relation, 'unknown')] AS relations,
         [n IN nodes(p) | n.id] AS path, true AS likely,
         reduce(low = null, r IN guesses | CASE WHEN r.confidence IS NULL THEN low
                                                WHEN low IS NULL OR r.confidence < low
                                                THEN r.confidence ELSE low END) AS confidence,
         [r IN guesses | {child: startNode(r).id, parent: endNode(r).id, relation: r.relation,
                          confidence: r.confidence, method: r.method,
                          evidence: coalesce(r.evidence, []), rank: r.rank}] AS predicted
}
WITH generation, other AS x, relation, relations, path, likely, confidence, predicted
RETURN generation, coalesce(x.id, x.key) AS id,
       CASE WHEN generation = 0 THEN null ELSE coalesce(relation, 'unknown') END AS relation,
       relations, path, likely, confidence, predicted,
       coalesce(x.stub, false) AS stub, coalesce(x.deleted, false) AS deleted,
       toString(x.deletedAt) AS deletedAt,
       coalesce(head(COLLECT { MATCH (o:Organization)-[:PUBLISHED]->(x) RETURN o.name AS name
                               ORDER BY name }), x.author) AS organization,
       COLLECT { MATCH (x)-[:LICENSED_UNDER]->(l:License)
                 RETURN {id: l.id, category: l.category} AS licence ORDER BY licence.id } AS licenses,
       COLLECT { MATCH (x)-[:TRAINED_ON]->(d:Dataset)
                 RETURN coalesce(d.id, d.key) AS dataset ORDER BY dataset } AS datasets,
       COLLECT { MATCH (x)-[:HAS_ARCHITECTURE]->(a:Architecture)
                 RETURN a.name AS name ORDER BY name } AS architectures,
       toString(x.gated) AS gated, x.parameters AS parameters,
       x.parametersSource AS parametersSource, x.parametersFlag AS parametersFlag,
       x.pipelineTag AS pipelineTag, x.libraryName AS libraryName, x.modelType AS modelType,
       toString(x.createdAt) AS createdAt, toString(x.lastModified) AS lastModified
ORDER BY generation, likely, id
