// Nodes that carry an id a live model was renamed from (re-created since, e.g. as a stub parent
// by a later snapshot load): they fold into the live model again.
// returns: oldKey, newKey, newId
MATCH (live:Model)
WHERE live.aliases IS NOT NULL
UNWIND live.aliases AS alias
MATCH (old:Model {key: toLower(alias)})
WHERE old <> live
RETURN old.key AS oldKey, live.key AS newKey, live.id AS newId
