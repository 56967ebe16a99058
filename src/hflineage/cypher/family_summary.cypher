// Family of a root model: size, depth, width per generation, relation mix, organizations and contributors.
// $model: str -- the family's root (any model: its family is it plus its descendants), case-insensitive
// $maxDepth: int = 10 -- generations to follow (at most 32)
// returns: root, size, depth, widthByGeneration, finetunes, adapters, quantized, merges, unknownRelation, organizations, organizationNames, contributors
// Deleted descendants are left out; a member's generation is its shortest distance from the root.
MATCH (r:Model {key: toLower($model)})
CALL (r) {
  RETURN r AS member, 0 AS generation
  UNION ALL
  MATCH p = ANY SHORTEST (r)<-[:DERIVED_FROM]-{1,32}(d)
  WHERE length(p) <= $maxDepth AND NOT coalesce(d.deleted, false)
  RETURN d AS member, length(p) AS generation
}
WITH r, member, generation,
     CASE WHEN generation > 0 THEN [(member)-[e:DERIVED_FROM]->() | e.relation] ELSE [] END AS relations
WITH r, collect(member) AS members, max(generation) AS depth, collect(generation) AS generations,
     count(CASE WHEN 'finetune' IN relations THEN 1 END) AS finetunes,
     count(CASE WHEN 'adapter' IN relations THEN 1 END) AS adapters,
     count(CASE WHEN 'quantized' IN relations THEN 1 END) AS quantized,
     count(CASE WHEN 'merge' IN relations THEN 1 END) AS merges,
     count(CASE WHEN 'unknown' IN relations THEN 1 END) AS unknownRelation
CALL (members) {
  UNWIND members AS m
  MATCH (m)<-[:PUBLISHED]-(o:Organization)
  WITH DISTINCT o.name AS name ORDER BY name
  RETURN collect(name) AS organizationNames
}
CALL (members) {
  UNWIND members AS m
  MATCH (m)<-[:COMMITTED_TO]-(c:Contributor)
  WHERE NOT coalesce(c.isBot, false)
  RETURN count(DISTINCT c) AS contributors
}
RETURN r.id AS root, size(members) AS size, depth,
       [g IN range(0, depth) | size([x IN generations WHERE x = g])] AS widthByGeneration,
       finetunes, adapters, quantized, merges, unknownRelation,
       size(organizationNames) AS organizations, organizationNames, contributors
