// Which architectures attract the most derivatives: base models, direct and transitive derivatives by relation, contributors and organizations, grouped by the base model's architecture.
// $limit: int = 25 -- rows to return
// $maxDepth: int = 10 -- deepest generation counted as a transitive derivative (at most 32)
// returns: architecture, modelType, baseModels, directDerivatives, transitiveDerivatives, directFinetunes, directAdapters, directQuantized, directMerges, directUnknownRelation, finetunes, adapters, quantized, merges, unknownRelation, contributors, derivativeOrganizations, outsideOrgShare
// A base model is a model without a parent (stubs included, deleted models excluded); each derivative
// is attributed to its root's architecture. direct* count the roots' children by the relation of
// their edge to the root; finetunes to unknownRelation count every transitive derivative by its own
// edge(s) to its parent(s). Contributors exclude bots. outsideOrgShare is over (base, derivative)
// pairs whose organizations are both known.
MATCH (r:Model)
WHERE NOT (r)-[:DERIVED_FROM]->() AND NOT coalesce(r.deleted, false)
OPTIONAL MATCH (r)-[:HAS_ARCHITECTURE]->(a:Architecture)
CALL (r) {
  WITH r WHERE EXISTS { (r)<-[:DERIVED_FROM]-() }
  MATCH p = ANY SHORTEST (r)<-[:DERIVED_FROM]-{1,32}(d)
  WHERE length(p) <= $maxDepth AND NOT coalesce(d.deleted, false)
  RETURN d, length(p) AS depth
  UNION
  RETURN null AS d, null AS depth
}
WITH a.name AS architecture, r.modelType AS modelType, r, d, depth,
     head([(r)<-[:PUBLISHED]-(o:Organization) | o.key]) AS rootOrg,
     head([(d)<-[:PUBLISHED]-(o:Organization) | o.key]) AS derivativeOrg,
     [(d)-[e:DERIVED_FROM]->() | e.relation] AS relations,
     [(d)-[e:DERIVED_FROM]->(r) | e.relation] AS rootRelations
WITH architecture, modelType,
     count(DISTINCT r) AS baseModels,
     collect(DISTINCT d) AS derivatives,
     count(DISTINCT CASE WHEN depth = 1 THEN d END) AS directDerivatives,
     count(DISTINCT CASE WHEN 'finetune' IN rootRelations THEN d END) AS directFinetunes,
     count(DISTINCT CASE WHEN 'adapter' IN rootRelations THEN d END) AS directAdapters,
     count(DISTINCT CASE WHEN 'quantized' IN rootRelations THEN d END) AS directQuantized,
     count(DISTINCT CASE WHEN 'merge' IN rootRelations THEN d END) AS directMerges,
     count(DISTINCT CASE WHEN 'unknown' IN rootRelations THEN d END) AS directUnknownRelation,
     count(DISTINCT CASE WHEN 'finetune' IN relations THEN d END) AS finetunes,
     count(DISTINCT CASE WHEN 'adapter' IN relations THEN d END) AS adapters,
     count(DISTINCT CASE WHEN 'quantized' IN relations THEN d END) AS quantized,
     count(DISTINCT CASE WHEN 'merge' IN relations THEN d END) AS merges,
     count(DISTINCT CASE WHEN 'unknown' IN relations THEN d END) AS unknownRelation,
     collect(DISTINCT derivativeOrg) AS derivativeOrganizations,
     collect(CASE WHEN rootOrg IS NULL OR derivativeOrg IS NULL THEN null
                  WHEN rootOrg <> derivativeOrg THEN 1.0 ELSE 0.0 END) AS outside
CALL (derivatives) {
  UNWIND derivatives AS d
  MATCH (d)<-[:COMMITTED_TO]-(c:Contributor)
  WHERE NOT coalesce(c.isBot, false)
  RETURN count(DISTINCT c) AS contributors
}
RETURN architecture, modelType, baseModels, directDerivatives,
       size(derivatives) AS transitiveDerivatives, directFinetunes, directAdapters,
       directQuantized, directMerges, directUnknownRelation, finetunes, adapters, quantized, merges,
       unknownRelation, contributors, size(derivativeOrganizations) AS derivativeOrganizations,
       CASE WHEN size(outside) > 0 THEN reduce(s = 0.0, x IN outside | s + x) / size(outside) END
         AS outsideOrgShare
ORDER BY transitiveDerivatives DESC, baseModels DESC, architecture
LIMIT $limit
