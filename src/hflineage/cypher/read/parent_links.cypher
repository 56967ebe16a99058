// One generation up: the models the given models derive from (DERIVED_FROM, child → parent).
// $keys: list[str] -- Hub model ids (case-insensitive)
// $relations: list[enum(finetune|adapter|quantized|merge|unknown)] = null -- follow only these relations (finetune, adapter, quantized, merge, unknown); null follows all
// returns: child, parent, relation, source, relationSource
UNWIND $keys AS k
MATCH (c:Model {key: toLower(k)})-[r:DERIVED_FROM]->(p:Model)
WHERE $relations IS NULL OR r.relation IN $relations
RETURN c.key AS child, p.key AS parent, r.relation AS relation, r.source AS source,
       r.relationSource AS relationSource
