// Top base models by direct and transitive derivatives, with direct derivatives per relation, optionally for one relation type.
// $limit: int = 25 -- rows to return
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: direct derivatives by an edge of this relation, transitive ones through chains whose every edge has it; null: every relation
// $maxDepth: int = 10 -- deepest generation counted as a transitive derivative (at most 32)
// $architecture: str = null -- only base models with this architecture (exact name), shown in the architecture column; null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only base models of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the base models, YYYY-MM; null: no lower bound (when set, base models without createdAt are left out)
// $until: month = null -- last creation month of the base models, YYYY-MM; null: no upper bound (when set, base models without createdAt are left out)
// returns: model, organization, architecture, stub, isRoot, directDerivatives, transitiveDerivatives, directFinetunes, directAdapters, directQuantized, directMerges, directUnknownRelation
// Any model with a derivative is a base here. direct* count its children by the relation of their
// edge to it. With $relation, only edges of that relation count, and a transitive derivative must be
// reached through such edges only: run it per relation for transitive counts per relation.
// Deleted models are not counted.
MATCH (b:Model)<-[e:DERIVED_FROM]-(c:Model)
WHERE ($relation IS NULL OR e.relation = $relation)
  AND NOT coalesce(b.deleted, false) AND NOT coalesce(c.deleted, false)
WITH b, count(DISTINCT c) AS directDerivatives,
     count(DISTINCT CASE WHEN e.relation = 'finetune' THEN c END) AS directFinetunes,
     count(DISTINCT CASE WHEN e.relation = 'adapter' THEN c END) AS directAdapters,
     count(DISTINCT CASE WHEN e.relation = 'quantized' THEN c END) AS directQuantized,
     count(DISTINCT CASE WHEN e.relation = 'merge' THEN c END) AS directMerges,
     count(DISTINCT CASE WHEN e.relation = 'unknown' THEN c END) AS directUnknownRelation
WHERE ($architecture IS NULL OR EXISTS { (b)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(b)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(b.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(b.createdAt), 0, 7) <= $until)
CALL (b) {
  MATCH p = ANY SHORTEST
        (b)(()<-[h:DERIVED_FROM WHERE $relation IS NULL OR h.relation = $relation]-()){1,32}(d)
  WHERE length(p) <= $maxDepth AND NOT coalesce(d.deleted, false)
  RETURN count(d) AS transitiveDerivatives
}
RETURN b.id AS model, head([(b)<-[:PUBLISHED]-(o:Organization) | o.name]) AS organization,
       coalesce($architecture, head([(b)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name])) AS architecture,
       coalesce(b.stub, false) AS stub, NOT (b)-[:DERIVED_FROM]->() AS isRoot, directDerivatives, transitiveDerivatives,
       directFinetunes, directAdapters, directQuantized, directMerges, directUnknownRelation
ORDER BY transitiveDerivatives DESC, directDerivatives DESC, model
LIMIT $limit
