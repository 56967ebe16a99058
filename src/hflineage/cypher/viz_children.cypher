// One generation down: the models derived from the given models (DERIVED_FROM, child → parent).
// $keys: list[str] -- Hub model ids (case-insensitive)
// $relations: list[str] = null -- follow only these relations (finetune, adapter, quantized, merge, unknown); null follows all
// returns: child, parent, relation, source, relationSource
UNWIND $keys AS k
MATCH (p:Model {key: toLower(k)})<-[r:DERIVED_FROM]-(c:Model)
WHERE $relations IS NULL OR properties(r).relation IN $relations
WITH c, p, properties(r) AS e
RETURN c.key AS child, p.key AS parent, e.relation AS relation, e.source AS source,
       e.relationSource AS relationSource
