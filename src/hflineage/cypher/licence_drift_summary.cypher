// Licence drift counted by category pair, by relation or by the derivative's architecture (or in all), over every derivative–ancestor pair, with the pairs that could be compared.
// $by: enum(categoryPair|relation|architecture|all) = 'categoryPair' -- all: one row over every pair (group 'all'); relation: the relation every edge of the pair's path has ('mixed' when they differ); architecture: the derivative's architecture (a pair counts once per architecture; null: none recorded); categoryPair: 'ancestor category → derivative category', unknown included
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only pairs whose path has this relation on every edge; null: every relation
// $minHops: int = 1 -- fewest derivation hops between the derivative and the ancestor
// $maxDepth: int = 10 -- most hops between them (1 to 32)
// returns: by, group, pairs, comparablePairs, looserPairs, stricterPairs, otherPairs, gatedAncestorPairs, ungatedPairs, gatedPairs, conflictPairs, driftPairs, models, driftingModels, looserShare, ungatedShare
// Pairs, paths, categories, gating and drift kinds are licence_drift's: every derivative–ancestor
// pair over declared DERIVED_FROM edges, on the same chosen shortest path, deleted models left
// out at both ends, so a relation's row here is what $relation keeps. comparablePairs: both
// categories known (not unknown), the only pairs that can drift by licence; looserShare =
// looserPairs / comparablePairs. otherPairs: looser or stricter pairs where either licence is the
// Hub's 'other' (terms in the model card, counted as custom/restricted). gatedAncestorPairs: the
// ancestor is gated (auto, manual or true) and the derivative's gating is stated; ungatedShare =
// ungatedPairs / those. gatedPairs: a gated derivative below an ungated ancestor. conflictPairs:
// looser or ungated; driftPairs: any kind. models: distinct derivatives with a pair in the group;
// driftingModels: those with a drifting pair. Shares are null when nothing compares.
MATCH (d:Model)-[:DERIVED_FROM]->()
WITH DISTINCT d WHERE NOT coalesce(d.deleted, false)
MATCH p = ALL SHORTEST (d)-[:DERIVED_FROM]->{1,32}(a)
WHERE length(p) <= $maxDepth AND NOT coalesce(a.deleted, false)
WITH d, a, p, [r IN relationships(p) | r.relation] AS relations
ORDER BY all(r IN relations WHERE r = relations[0]) DESC, relations
WITH d, a, head(collect(p)) AS p
WITH d, a, p, [r IN relationships(p) | r.relation] AS relations
WHERE length(p) >= $minHops AND ($relation IS NULL OR all(r IN relations WHERE r = $relation))
WITH d, a, relations,
     head(COLLECT { MATCH (d)-[:LICENSED_UNDER]->(l:License) RETURN l ORDER BY l.id }) AS dl,
     head(COLLECT { MATCH (a)-[:LICENSED_UNDER]->(l:License) RETURN l ORDER BY l.id }) AS al
WITH d, relations, dl.id = 'other' OR al.id = 'other' AS other,
     coalesce(dl.category, 'unknown') AS dCategory, coalesce(al.category, 'unknown') AS aCategory,
     CASE dl.category WHEN 'permissive' THEN 0 WHEN 'copyleft' THEN 1
       WHEN 'custom/restricted' THEN 2 WHEN 'non-commercial' THEN 3 END AS dRank,
     CASE al.category WHEN 'permissive' THEN 0 WHEN 'copyleft' THEN 1
       WHEN 'custom/restricted' THEN 2 WHEN 'non-commercial' THEN 3 END AS aRank,
     toString(a.gated) IN ['auto', 'manual', 'true'] AND d.gated IS NOT NULL AS gatedAncestor,
     d.gated = false AND toString(a.gated) IN ['auto', 'manual', 'true'] AS ungated,
     a.gated = false AND toString(d.gated) IN ['auto', 'manual', 'true'] AS gated
WITH d, relations, aCategory, dCategory, coalesce(other, false) AS other,
     dRank IS NOT NULL AND aRank IS NOT NULL AS comparable,
     coalesce(dRank < aRank, false) AS looser, coalesce(dRank > aRank, false) AS stricter,
     gatedAncestor, ungated, gated
UNWIND CASE $by
  WHEN 'relation' THEN
    [CASE WHEN all(r IN relations WHERE r = relations[0]) THEN relations[0] ELSE 'mixed' END]
  WHEN 'architecture' THEN
    coalesce(nullIf([(d)-[:HAS_ARCHITECTURE]->(x:Architecture) | x.name], []), [null])
  WHEN 'categoryPair' THEN [aCategory + ' → ' + dCategory]
  ELSE ['all'] END AS group
WITH group, d, comparable, looser, stricter, other, gatedAncestor, ungated, gated,
     looser OR stricter OR ungated OR gated AS drifts
RETURN $by AS by, group, count(*) AS pairs,
       count(CASE WHEN comparable THEN 1 END) AS comparablePairs,
       count(CASE WHEN looser THEN 1 END) AS looserPairs,
       count(CASE WHEN stricter THEN 1 END) AS stricterPairs,
       count(CASE WHEN other AND (looser OR stricter) THEN 1 END) AS otherPairs,
       count(CASE WHEN gatedAncestor THEN 1 END) AS gatedAncestorPairs,
       count(CASE WHEN ungated THEN 1 END) AS ungatedPairs,
       count(CASE WHEN gated THEN 1 END) AS gatedPairs,
       count(CASE WHEN looser OR ungated THEN 1 END) AS conflictPairs,
       count(CASE WHEN drifts THEN 1 END) AS driftPairs,
       count(DISTINCT d) AS models, count(DISTINCT CASE WHEN drifts THEN d END) AS driftingModels,
       toFloat(count(CASE WHEN looser THEN 1 END))
         / nullIf(count(CASE WHEN comparable THEN 1 END), 0) AS looserShare,
       toFloat(count(CASE WHEN ungated THEN 1 END))
         / nullIf(count(CASE WHEN gatedAncestor THEN 1 END), 0) AS ungatedShare
ORDER BY conflictPairs DESC, pairs DESC, group
