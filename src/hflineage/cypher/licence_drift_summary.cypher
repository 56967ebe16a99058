// Licence drift counted by category pair, by relation or by the derivative's architecture (or in all), over every derivative–ancestor pair, with the pairs that could be compared.
// $by: enum(categoryPair|relation|architecture|all) = 'categoryPair' -- all: one row over every pair (group 'all'); relation: the relation every edge of the pair's path has ('mixed' when they differ); architecture: the derivative's architecture (a pair counts once per architecture; null: none recorded); categoryPair: 'ancestor category → derivative category', unknown included
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only pairs joined by a chain whose every edge has this relation; null: every relation
// $minHops: int = 1 -- fewest derivation hops between the derivative and the ancestor
// $maxDepth: int = 10 -- most hops between them (at most 32)
// returns: by, group, pairs, comparablePairs, looserPairs, stricterPairs, gatedAncestorPairs, ungatedPairs, conflictPairs, models, driftingModels, looserShare, ungatedShare
// Pairs, categories, gating and drift kinds are licence_drift's: every derivative–ancestor pair
// over declared DERIVED_FROM edges on a shortest path, deleted models left out at both ends.
// comparablePairs: both categories known (not unknown), the only pairs that can drift by licence;
// looserShare = looserPairs / comparablePairs. gatedAncestorPairs: the ancestor is gated (auto,
// manual or true) and the derivative's gating is stated; ungatedShare = ungatedPairs / those.
// conflictPairs: looser or ungated. models: distinct derivatives with a pair in the group;
// driftingModels: those with a drifting pair (any kind). Shares are null when nothing compares.
MATCH (d:Model)
WHERE NOT coalesce(d.deleted, false) AND EXISTS { (d)-[:DERIVED_FROM]->() }
WITH d, head([(d)-[:LICENSED_UNDER]->(l:License) | l.category]) AS dCategory
MATCH p = ANY SHORTEST (d)-[e:DERIVED_FROM WHERE $relation IS NULL OR e.relation = $relation]->{1,32}(a)
WHERE $minHops <= length(p) <= $maxDepth AND NOT coalesce(a.deleted, false)
WITH d, dCategory, p, a, head([(a)-[:LICENSED_UNDER]->(l:License) | l.category]) AS aCategory
WITH d, p, coalesce(dCategory, 'unknown') AS dCategory, coalesce(aCategory, 'unknown') AS aCategory,
     CASE dCategory WHEN 'permissive' THEN 0 WHEN 'copyleft' THEN 1
       WHEN 'custom/restricted' THEN 2 WHEN 'non-commercial' THEN 3 END AS dRank,
     CASE aCategory WHEN 'permissive' THEN 0 WHEN 'copyleft' THEN 1
       WHEN 'custom/restricted' THEN 2 WHEN 'non-commercial' THEN 3 END AS aRank,
     toString(a.gated) IN ['auto', 'manual', 'true'] AND d.gated IS NOT NULL AS gatedAncestor,
     d.gated = false AND toString(a.gated) IN ['auto', 'manual', 'true'] AS ungated
WITH d, aCategory, dCategory, dRank IS NOT NULL AND aRank IS NOT NULL AS comparable,
     coalesce(dRank < aRank, false) AS looser, coalesce(dRank > aRank, false) AS stricter,
     gatedAncestor, ungated, [r IN relationships(p) | r.relation] AS relations
UNWIND CASE $by
  WHEN 'relation' THEN
    [CASE WHEN all(r IN relations WHERE r = relations[0]) THEN relations[0] ELSE 'mixed' END]
  WHEN 'architecture' THEN
    coalesce(nullIf([(d)-[:HAS_ARCHITECTURE]->(x:Architecture) | x.name], []), [null])
  WHEN 'categoryPair' THEN [aCategory + ' → ' + dCategory]
  ELSE ['all'] END AS group
WITH group, d, comparable, looser, stricter, gatedAncestor, ungated,
     looser OR stricter OR ungated AS drifts
RETURN $by AS by, group, count(*) AS pairs,
       count(CASE WHEN comparable THEN 1 END) AS comparablePairs,
       count(CASE WHEN looser THEN 1 END) AS looserPairs,
       count(CASE WHEN stricter THEN 1 END) AS stricterPairs,
       count(CASE WHEN gatedAncestor THEN 1 END) AS gatedAncestorPairs,
       count(CASE WHEN ungated THEN 1 END) AS ungatedPairs,
       count(CASE WHEN looser OR ungated THEN 1 END) AS conflictPairs,
       count(DISTINCT d) AS models, count(DISTINCT CASE WHEN drifts THEN d END) AS driftingModels,
       toFloat(count(CASE WHEN looser THEN 1 END))
         / nullIf(count(CASE WHEN comparable THEN 1 END), 0) AS looserShare,
       toFloat(count(CASE WHEN ungated THEN 1 END))
         / nullIf(count(CASE WHEN gatedAncestor THEN 1 END), 0) AS ungatedShare
ORDER BY conflictPairs DESC, pairs DESC, group
