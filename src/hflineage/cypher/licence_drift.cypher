// Licence drift: derivatives whose licence category is looser than an ancestor's or otherwise different, or whose gating differs from a gated or ungated ancestor's, with the derivation path between them.
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only pairs whose path has this relation on every edge; null: every relation
// $minHops: int = 1 -- fewest derivation hops between the derivative and the ancestor
// $maxDepth: int = 10 -- most hops between them (1 to 32)
// $category: enum(permissive|copyleft|custom/restricted|non-commercial) = null -- only ancestors of this licence category; null: every category
// $kind: enum(looser|stricter|ungated|gated) = null -- only pairs with this kind of drift; null: every kind
// $model: str = null -- only this derivative (a Hub model id, case-insensitive); null: every derivative
// $limit: int = 1000 -- rows to return, conflicts first, widest category gap first
// returns: model, ancestor, hops, relations, path, modelLicense, modelCategory, ancestorLicense, ancestorCategory, modelGated, ancestorGated, drift, conflict
// A pair is a model and one of its ancestors over declared DERIVED_FROM edges (predicted
// LIKELY_DERIVED_FROM edges are not followed), deleted models left out at both ends. Its path is
// a shortest one: among equally short paths, one whose edges share a relation, then the first by
// relations; hops is its length, relations its edges' relations from the model up, path the ids
// from the model up. Licence categories are ordered permissive < copyleft < custom/restricted <
// non-commercial (hflineage.loader.normalize.vocab.LICENSE_ORDER; the Hub's 'other' is
// custom/restricted); a model without a licence, or with one outside the lists, is unknown and
// never drifts. drift lists the pair's kinds: looser (the model's category ranks below the
// ancestor's), stricter (above it), ungated (the ancestor's gating is auto, manual or true and
// the model's is false), gated (the reverse); a missing gating state never drifts.
// conflict: looser or ungated, the kinds that may break the ancestor's terms.
CALL () {
  MATCH (d:Model {key: toLower($model)}) WHERE $model IS NOT NULL RETURN d
  UNION
  MATCH (d:Model)-[:DERIVED_FROM]->() WHERE $model IS NULL RETURN DISTINCT d
}
WITH d WHERE NOT coalesce(d.deleted, false)
WITH d, head(COLLECT { MATCH (d)-[:LICENSED_UNDER]->(l:License) RETURN l ORDER BY l.id }) AS dl
WITH d, dl, CASE dl.category WHEN 'permissive' THEN 0 WHEN 'copyleft' THEN 1
              WHEN 'custom/restricted' THEN 2 WHEN 'non-commercial' THEN 3 END AS dRank
WHERE dRank IS NOT NULL OR d.gated IS NOT NULL
MATCH p = ALL SHORTEST (d)-[:DERIVED_FROM]->{1,32}(a)
WHERE length(p) <= $maxDepth AND NOT coalesce(a.deleted, false)
WITH d, dl, dRank, a, p, [r IN relationships(p) | r.relation] AS relations
ORDER BY all(r IN relations WHERE r = relations[0]) DESC, relations
WITH d, dl, dRank, a, head(collect(p)) AS p
WITH d, dl, dRank, a, p, [r IN relationships(p) | r.relation] AS relations
WHERE length(p) >= $minHops AND ($relation IS NULL OR all(r IN relations WHERE r = $relation))
WITH d, dl, dRank, a, p, relations,
     head(COLLECT { MATCH (a)-[:LICENSED_UNDER]->(l:License) RETURN l ORDER BY l.id }) AS al
WHERE $category IS NULL OR al.category = $category
WITH d, dl, dRank, a, p, relations, al,
     CASE al.category WHEN 'permissive' THEN 0 WHEN 'copyleft' THEN 1
       WHEN 'custom/restricted' THEN 2 WHEN 'non-commercial' THEN 3 END AS aRank
WITH d, dl, dRank, a, p, relations, al, aRank,
     [kind IN [CASE WHEN dRank < aRank THEN 'looser' END,
               CASE WHEN dRank > aRank THEN 'stricter' END,
               CASE WHEN d.gated = false AND toString(a.gated) IN ['auto', 'manual', 'true']
                    THEN 'ungated' END,
               CASE WHEN a.gated = false AND toString(d.gated) IN ['auto', 'manual', 'true']
                    THEN 'gated' END] WHERE kind IS NOT NULL] AS drift
WHERE size(drift) > 0 AND ($kind IS NULL OR $kind IN drift)
RETURN d.id AS model, a.id AS ancestor, length(p) AS hops, relations,
       [n IN nodes(p) | n.id] AS path,
       dl.id AS modelLicense, coalesce(dl.category, 'unknown') AS modelCategory,
       al.id AS ancestorLicense, coalesce(al.category, 'unknown') AS ancestorCategory,
       toString(coalesce(d.gated, 'unknown')) AS modelGated,
       toString(coalesce(a.gated, 'unknown')) AS ancestorGated, drift,
       'looser' IN drift OR 'ungated' IN drift AS conflict
ORDER BY conflict DESC, coalesce(aRank - dRank, 0) DESC, model, hops, ancestor
LIMIT $limit
