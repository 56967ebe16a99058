// Cross-organization flows: whose base models other organizations build on, as derivative counts.
// $limit: int = 25 -- rows to return
// $includeSameOrg: bool = false -- also count derivatives published by the parent's own organization
// $architecture: str = null -- only derivatives with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only derivatives of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the derivative, YYYY-MM; null: no lower bound (when set, derivatives without createdAt are left out)
// $until: month = null -- last creation month of the derivative, YYYY-MM; null: no upper bound (when set, derivatives without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: derivatives counted by their edges of that relation (the other relation columns are 0); null: every relation
// returns: fromOrganization, toOrganization, derivatives, finetunes, adapters, quantized, merges
// One hop: the parent's publisher to the child's publisher. Deleted models are left out. The
// model filters apply to the derivative (the child), not to its parent.
MATCH (po:Organization)-[:PUBLISHED]->(p:Model)<-[e:DERIVED_FROM]-(c:Model)<-[:PUBLISHED]-(co:Organization)
WHERE ($includeSameOrg OR po <> co)
  AND NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
  AND ($relation IS NULL OR e.relation = $relation)
  AND ($architecture IS NULL OR EXISTS { (c)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(c)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(c.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(c.createdAt), 0, 7) <= $until)
RETURN po.name AS fromOrganization, co.name AS toOrganization, count(DISTINCT c) AS derivatives,
       count(DISTINCT CASE WHEN e.relation = 'finetune' THEN c END) AS finetunes,
       count(DISTINCT CASE WHEN e.relation = 'adapter' THEN c END) AS adapters,
       count(DISTINCT CASE WHEN e.relation = 'quantized' THEN c END) AS quantized,
       count(DISTINCT CASE WHEN e.relation = 'merge' THEN c END) AS merges
ORDER BY derivatives DESC, fromOrganization, toOrganization
LIMIT $limit
