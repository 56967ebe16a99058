// The schema-version nodes, by element id, so that every export carries them.
// returns: ids
MATCH (s:Schema)
RETURN collect(elementId(s)) AS ids
