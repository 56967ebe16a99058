// The schema versions recorded in the graph (one Schema node; an old graph may hold an older one).
// returns: versions
MATCH (s:Schema)
RETURN collect(s.version) AS versions
