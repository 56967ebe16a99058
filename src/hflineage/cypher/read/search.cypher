// Full-text search (index search_names) over model ids and organization, architecture and contributor names: models first, then by score.
// $q: str -- a Lucene query made by hflineage.analytics.search from escaped terms, never raw user text
// $limit: int = 20 -- the most hits, the best-scoring of any kind
// returns: kind, name, contributorKind, score
CALL db.index.fulltext.queryNodes('search_names', $q, {limit: $limit}) YIELD node, score
WITH node, score,
     CASE WHEN node:Model THEN 'model'
          WHEN node:Organization THEN 'organization'
          WHEN node:Architecture THEN 'architecture'
          ELSE 'contributor' END AS kind
RETURN kind, coalesce(node.id, node.name, node.key) AS name,
       CASE kind WHEN 'contributor' THEN node.kind END AS contributorKind, score
ORDER BY CASE kind WHEN 'model' THEN 0 ELSE 1 END, score DESC, name
