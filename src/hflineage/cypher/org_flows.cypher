// Cross-organization flows: whose base models other organizations build on, as derivative counts.
// $limit: int = 25 -- rows to return
// $includeSameOrg: bool = false -- also count derivatives published by the parent's own organization
// returns: fromOrganization, toOrganization, derivatives, finetunes, adapters, quantized, merges
// One hop: the parent's publisher to the child's publisher. Deleted models are left out.
MATCH (po:Organization)-[:PUBLISHED]->(p:Model)<-[e:DERIVED_FROM]-(c:Model)<-[:PUBLISHED]-(co:Organization)
WHERE ($includeSameOrg OR po <> co)
  AND NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
RETURN po.name AS fromOrganization, co.name AS toOrganization, count(DISTINCT c) AS derivatives,
       count(DISTINCT CASE WHEN e.relation = 'finetune' THEN c END) AS finetunes,
       count(DISTINCT CASE WHEN e.relation = 'adapter' THEN c END) AS adapters,
       count(DISTINCT CASE WHEN e.relation = 'quantized' THEN c END) AS quantized,
       count(DISTINCT CASE WHEN e.relation = 'merge' THEN c END) AS merges
ORDER BY derivatives DESC, fromOrganization, toOrganization
LIMIT $limit
