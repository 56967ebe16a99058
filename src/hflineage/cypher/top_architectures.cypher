// Which architectures attract the most contributions: per base-model architecture, its base models, their derivatives, the human contributors and commits to those derivatives, and the derivatives' organizations.
// $limit: int = 25 -- architectures to return; the row of models with no architecture comes after them, outside the limit
// $maxDepth: int = 10 -- deepest generation counted as a derivative (at most 32)
// $rankBy: enum(derivatives|contributors|commits) = derivatives -- the column architectures are ranked by
// $architecture: str = null -- only base models with this architecture (exact name), and only that architecture's row; null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only base models of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the base models, YYYY-MM; null: no lower bound (when set, base models without createdAt are left out)
// $until: month = null -- last creation month of the base models, YYYY-MM; null: no upper bound (when set, base models without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: derivatives reached from a base model through chains whose every edge has it, the relation columns counting edges of this relation only; null: every relation
// returns: architecture, baseModels, derivatives, contributors, commits, derivativeOrganizations, outsideOrgShare, directDerivatives, directFinetunes, directAdapters, directQuantized, directMerges, directUnknownRelation, finetunes, adapters, quantized, merges, unknownRelation
// One row per architecture. A base model is a model without a parent (stubs included, deleted
// models excluded); derivatives are its descendants up to $maxDepth generations, each attributed
// to its root's architecture(s) and counted once per architecture. Base models with no
// architecture recorded form the last row, with architecture null. contributors: distinct
// non-bot contributors who committed to those derivatives; commits: their commits to them.
// direct* count the roots' children by the relation of their edge to the root; finetunes to
// unknownRelation count every derivative by its own edge(s) to its parent(s), so a derivative
// with edges of two relations counts in both. outsideOrgShare is over (base, derivative) pairs
// whose organizations are both known.
MATCH (r:Model)
WHERE NOT (r)-[:DERIVED_FROM]->() AND NOT coalesce(r.deleted, false)
  AND ($architecture IS NULL OR EXISTS { (r)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(r)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(r.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(r.createdAt), 0, 7) <= $until)
OPTIONAL MATCH (r)-[:HAS_ARCHITECTURE]->(a:Architecture)
WHERE $architecture IS NULL OR a.name = $architecture
CALL (r) {
  WITH r WHERE EXISTS { (r)<-[:DERIVED_FROM]-() }
  MATCH p = ANY SHORTEST (r)<-[e:DERIVED_FROM WHERE $relation IS NULL OR e.relation = $relation]-{1,32}(d)
  WHERE length(p) <= $maxDepth AND NOT coalesce(d.deleted, false)
  RETURN d, length(p) AS depth
  UNION
  RETURN null AS d, null AS depth
}
WITH a.name AS architecture, r, d, depth,
     head([(r)<-[:PUBLISHED]-(o:Organization) | o.key]) AS rootOrg,
     head([(d)<-[:PUBLISHED]-(o:Organization) | o.key]) AS derivativeOrg,
     [(d)-[e:DERIVED_FROM]->() WHERE $relation IS NULL OR e.relation = $relation | e.relation]
       AS relations,
     [(d)-[e:DERIVED_FROM]->(r) WHERE $relation IS NULL OR e.relation = $relation | e.relation]
       AS rootRelations
WITH architecture,
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
  MATCH (d)<-[c:COMMITTED_TO]-(who:Contributor)
  WHERE NOT coalesce(who.isBot, false)
  RETURN count(DISTINCT who) AS contributors, coalesce(sum(c.commits), 0) AS commits
}
WITH architecture, baseModels, size(derivatives) AS derivatives, contributors, commits,
     size(derivativeOrganizations) AS derivativeOrganizations,
     CASE WHEN size(outside) > 0 THEN reduce(s = 0.0, x IN outside | s + x) / size(outside) END
       AS outsideOrgShare,
     directDerivatives, directFinetunes, directAdapters, directQuantized, directMerges,
     directUnknownRelation, finetunes, adapters, quantized, merges, unknownRelation
ORDER BY CASE $rankBy WHEN 'contributors' THEN contributors WHEN 'commits' THEN commits
         ELSE derivatives END DESC, derivatives DESC, baseModels DESC, architecture
WITH collect({architecture: architecture, baseModels: baseModels, derivatives: derivatives,
              contributors: contributors, commits: commits,
              derivativeOrganizations: derivativeOrganizations, outsideOrgShare: outsideOrgShare,
              directDerivatives: directDerivatives, directFinetunes: directFinetunes,
              directAdapters: directAdapters, directQuantized: directQuantized,
              directMerges: directMerges, directUnknownRelation: directUnknownRelation,
              finetunes: finetunes, adapters: adapters, quantized: quantized, merges: merges,
              unknownRelation: unknownRelation}) AS rows
UNWIND [row IN rows WHERE row.architecture IS NOT NULL][..$limit]
       + [row IN rows WHERE row.architecture IS NULL] AS row
RETURN row.architecture AS architecture, row.baseModels AS baseModels,
       row.derivatives AS derivatives, row.contributors AS contributors, row.commits AS commits,
       row.derivativeOrganizations AS derivativeOrganizations,
       row.outsideOrgShare AS outsideOrgShare, row.directDerivatives AS directDerivatives,
       row.directFinetunes AS directFinetunes, row.directAdapters AS directAdapters,
       row.directQuantized AS directQuantized, row.directMerges AS directMerges,
       row.directUnknownRelation AS directUnknownRelation, row.finetunes AS finetunes,
       row.adapters AS adapters, row.quantized AS quantized, row.merges AS merges,
       row.unknownRelation AS unknownRelation
