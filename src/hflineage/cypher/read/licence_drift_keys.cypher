// Licence drift of the given models for subgraph tooltips: per model, the first declared ancestors it drifts from and how many it drifts from (the definition of licence_drift).
// $keys: list[str] -- Hub model ids (case-insensitive)
// $first: int = 3 -- ancestors listed per model
// returns: key, license, category, drift, drifting
// The pairs are licence_drift's with $maxDepth 32 and no filter: declared DERIVED_FROM edges only,
// shortest paths (only their length is used), deleted models left out, categories ranked
// permissive < copyleft < custom/restricted < non-commercial, unknown never drifting; kinds
// looser, stricter, ungated and gated. drifting: how many ancestors the
// model drifts from; drift: the first $first of them as {ancestor, hops, license, category,
// gated, kinds, conflict} (the ancestor's licence, category and gating), conflicts first, then
// the widest category gap, fewest hops, ancestor id; license and category are the model's.
// Models that drift from no ancestor have no row.
UNWIND $keys AS k
MATCH (d:Model {key: toLower(k)})
WHERE NOT coalesce(d.deleted, false) AND EXISTS { (d)-[:DERIVED_FROM]->() }
WITH d, head(COLLECT { MATCH (d)-[:LICENSED_UNDER]->(l:License) RETURN l ORDER BY l.id }) AS dl
WITH d, dl, CASE dl.category WHEN 'permissive' THEN 0 WHEN 'copyleft' THEN 1
              WHEN 'custom/restricted' THEN 2 WHEN 'non-commercial' THEN 3 END AS dRank
WHERE dRank IS NOT NULL OR d.gated IS NOT NULL
MATCH p = ANY SHORTEST (d)-[:DERIVED_FROM]->{1,32}(a)
WHERE NOT coalesce(a.deleted, false)
WITH d, dl, dRank, p, a,
     head(COLLECT { MATCH (a)-[:LICENSED_UNDER]->(l:License) RETURN l ORDER BY l.id }) AS al
WITH d, dl, dRank, p, a, al, CASE al.category WHEN 'permissive' THEN 0 WHEN 'copyleft' THEN 1
              WHEN 'custom/restricted' THEN 2 WHEN 'non-commercial' THEN 3 END AS aRank
WITH d, dl, dRank, p, a, al, aRank,
     [kind IN [CASE WHEN dRank < aRank THEN 'looser' END,
               CASE WHEN dRank > aRank THEN 'stricter' END,
               CASE WHEN d.gated = false AND toString(a.gated) IN ['auto', 'manual', 'true']
                    THEN 'ungated' END,
               CASE WHEN a.gated = false AND toString(d.gated) IN ['auto', 'manual', 'true']
                    THEN 'gated' END] WHERE kind IS NOT NULL] AS drift
WHERE size(drift) > 0
WITH d, dl, a, al, aRank - dRank AS gap, length(p) AS hops, drift,
     'looser' IN drift OR 'ungated' IN drift AS conflict
ORDER BY d.key, conflict DESC, coalesce(gap, 0) DESC, hops, a.id
WITH d, dl, collect({ancestor: coalesce(a.id, a.key), hops: hops, license: al.id,
                     category: coalesce(al.category, 'unknown'),
                     gated: toString(coalesce(a.gated, 'unknown')), kinds: drift,
                     conflict: conflict}) AS pairs
RETURN d.key AS key, dl.id AS license, coalesce(dl.category, 'unknown') AS category,
       pairs[..$first] AS drift, size(pairs) AS drifting
