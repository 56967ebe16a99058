// The models an organization or user published, for their subgraph.
// $org: str -- organization or user name (case-insensitive)
// returns: organization, key
MATCH (o:Organization {key: toLower($org)})-[:PUBLISHED]->(m:Model)
RETURN o.name AS organization, m.key AS key
ORDER BY key
