// Link models known only by reference (parents, commits, leaderboard rows) to the organization
// in their id. An organization that no described model names yet keeps the smallest spelling
// seen; a described model's record renames it (write/describe_models).
// $rows: list -- {key, orgKey, orgName}
UNWIND $rows AS row
MATCH (m:Model {key: row.key})
MERGE (o:Organization {key: row.orgKey})
ON CREATE SET o.name = row.orgName
ON MATCH SET o.name = CASE WHEN o.recordVersion IS NULL AND row.orgName < o.name
                           THEN row.orgName ELSE o.name END
MERGE (o)-[:PUBLISHED]->(m)
