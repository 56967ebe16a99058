// Size of every derivative against its parent: both parameter counts, their ratio, and whether the pair is left out of the size statistics.
// $tolerance: float = 0.05 -- a child is smaller when its ratio is below 1 - tolerance
// $architecture: str = null -- only pairs with this architecture (the architecture column: the child's, else the parent's; exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only derivatives (the pair's child) of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the derivative (the pair's child), YYYY-MM; null: no lower bound (when set, derivatives without createdAt are left out)
// $until: month = null -- last creation month of the derivative (the pair's child), YYYY-MM; null: no upper bound (when set, derivatives without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: pairs whose edge has it; null: every relation
// returns: child, parent, relation, architecture, childParameters, parentParameters, ratio, smaller, excludedReason
// One row per edge whose two models both have a positive parameter count (deleted ones left out);
// architecture is the child's, else the parent's. excludedReason is null for a comparable pair and
// 'quantized: storage count' when the edge is quantized or the child is marked quantizedStorage
// (the loader's mark: a tag or name part names GPTQ, AWQ, EXL2, bitsandbytes, int4/8 or n bits).
// Such a count is of packed storage, not of weights: GPTQ/AWQ safetensors
// hold 8 4-bit weights per int32 and bitsandbytes 2 per uint8, leaderboard v1's #Params
// multiplies a GPTQ repo's packed total by 8 (13B -> 16), and a quantization keeps its parent's
// weights anyway. GGUF is no marker: GGUF files enter neither safetensors nor #Params. A pair
// whose child or parent count is flagged (parametersFlag: below 10M, or 10x off the name's size or
// the other source) is 'suspect count: <flag>'.
MATCH (c:Model)-[e:DERIVED_FROM]->(p:Model)
WHERE c.parameters > 0 AND p.parameters > 0
  AND NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
  AND ($relation IS NULL OR e.relation = $relation)
  AND ($licenseCategory IS NULL OR coalesce(head([(c)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(c.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(c.createdAt), 0, 7) <= $until)
WITH c, p, e, toFloat(c.parameters) / p.parameters AS ratio,
     coalesce(head([(c)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name]),
              head([(p)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name])) AS architecture
WHERE $architecture IS NULL OR architecture = $architecture
RETURN c.id AS child, p.id AS parent, e.relation AS relation, architecture,
       c.parameters AS childParameters, p.parameters AS parentParameters, ratio,
       ratio < 1 - $tolerance AS smaller,
       CASE WHEN e.relation = 'quantized' OR coalesce(c.quantizedStorage, false)
            THEN 'quantized: storage count'
            WHEN c.parametersFlag IS NOT NULL OR p.parametersFlag IS NOT NULL
            THEN 'suspect count: ' + coalesce(c.parametersFlag, p.parametersFlag)
       END AS excludedReason
ORDER BY relation, child, parent
