// Licence drift: derivatives whose licence category is looser than an ancestor's or otherwise different, or that are ungated below a gated ancestor, with the derivation path between them.
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only pairs joined by a chain whose every edge has this relation; null: every relation
// $minHops: int = 1 -- fewest derivation hops between the derivative and the ancestor
// $maxDepth: int = 10 -- most hops between them (at most 32)
// $category: enum(permissive|copyleft|custom/restricted|non-commercial) = null -- only ancestors of this licence category; null: every category
// $kind: enum(looser|stricter|ungated) = null -- only pairs with this kind of drift; null: every kind
// $model: str = null -- only this derivative (a Hub model id, case-insensitive); null: every derivative
// $limit: int = 1000 -- rows to return, most restrictive ancestors of looser derivatives first
// returns: model, ancestor, hops, relations, path, modelLicense, modelCategory, ancestorLicense, ancestorCategory, modelGated, ancestorGated, drift, conflict
// A pair is a model and one of its ancestors over declared DERIVED_FROM edges (predicted
// LIKELY_DERIVED_FROM edges are not followed), on a shortest path: hops is its length, relations
// the edges' relations from the model up, path the ids from the model up. Deleted models are left
// out at both ends. Licence categories are ordered permissive < copyleft < custom/restricted <
// non-commercial (hflineage.loader.normalize.vocab.LICENSE_ORDER); a model without a licence, or
// with one outside the lists, is unknown and never drifts. drift lists the pair's kinds: looser
// (the model's category ranks below the ancestor's), stricter (above it), ungated (the ancestor's
// gating is auto, manual or true and the model's is false; a missing gating state never drifts).
// conflict: looser or ungated, the kinds that may break the ancestor's terms.
CALL () {
  MATCH (d:Model {key: toLower($model)}) WHERE $model IS NOT NULL RETURN d
  UNION
  MATCH (d:Model)-[:DERIVED_FROM]->() WHERE $model IS NULL RETURN DISTINCT d
}
WITH d WHERE NOT coalesce(d.deleted, false)
WITH d, head([(d)-[:LICENSED_UNDER]->(l:License) | l]) AS dl
WITH d, dl, CASE dl.category WHEN 'permissive' THEN 0 WHEN 'copyleft' THEN 1
              WHEN 'custom/restricted' THEN 2 WHEN 'non-commercial' THEN 3 END AS dRank
WHERE dRank IS NOT NULL OR d.gated = false
MATCH p = ANY SHORTEST (d)-[e:DERIVED_FROM WHERE $relation IS NULL OR e.relation = $relation]->{1,32}(a)
WHERE $minHops <= length(p) <= $maxDepth AND NOT coalesce(a.deleted, false)
WITH d, dl, dRank, p, a, head([(a)-[:LICENSED_UNDER]->(l:License) | l]) AS al
WHERE $category IS NULL OR al.category = $category
WITH d, dl, dRank, p, a, al, CASE al.category WHEN 'permissive' THEN 0 WHEN 'copyleft' THEN 1
              WHEN 'custom/restricted' THEN 2 WHEN 'non-commercial' THEN 3 END AS aRank
WITH d, dl, dRank, p, a, al, aRank,
     [kind IN [CASE WHEN dRank < aRank THEN 'looser' END,
               CASE WHEN dRank > aRank THEN 'stricter' END,
               CASE WHEN d.gated = false AND toString(a.gated) IN ['auto', 'manual', 'true']
                    THEN 'ungated' END] WHERE kind IS NOT NULL] AS drift
WHERE size(drift) > 0 AND ($kind IS NULL OR $kind IN drift)
RETURN d.id AS model, a.id AS ancestor, length(p) AS hops,
       [r IN relationships(p) | r.relation] AS relations, [n IN nodes(p) | n.id] AS path,
       dl.id AS modelLicense, coalesce(dl.category, 'unknown') AS modelCategory,
       al.id AS ancestorLicense, coalesce(al.category, 'unknown') AS ancestorCategory,
       toString(coalesce(d.gated, 'unknown')) AS modelGated,
       toString(coalesce(a.gated, 'unknown')) AS ancestorGated, drift,
       'looser' IN drift OR 'ungated' IN drift AS conflict
ORDER BY conflict DESC, coalesce(aRank - dRank, 0) DESC, model, hops, ancestor
LIMIT $limit
