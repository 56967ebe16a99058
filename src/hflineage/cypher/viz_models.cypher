// Details of the given models for lineage graphs: organization, architecture, size, licence, counts, best leaderboard Average.
// $keys: list[str] -- Hub model ids (case-insensitive)
// returns: key, id, organization, architecture, parameters, license, downloads, likes, createdAt, stub, deleted, bestScore, bestBoard
UNWIND $keys AS k
MATCH (m:Model {key: toLower(k)})
WITH m,
     head(COLLECT { MATCH (o:Organization)-[:PUBLISHED]->(m) RETURN o.name ORDER BY o.name }) AS org,
     head(COLLECT { MATCH (m)-[:HAS_ARCHITECTURE]->(a:Architecture) RETURN a.name ORDER BY a.name }) AS arch,
     head(COLLECT { MATCH (m)-[:LICENSED_UNDER]->(l:License) RETURN l.id ORDER BY l.id }) AS lic,
     head(COLLECT { MATCH (m)-[s:SCORED]->(b:Benchmark {name: 'Average'})
                    RETURN {score: s.score, board: b.leaderboard}
                    ORDER BY b.leaderboard DESC, s.score DESC }) AS best
RETURN m.key AS key, coalesce(m.id, m.key) AS id, coalesce(org, m.author) AS organization,
       arch AS architecture, m.parameters AS parameters, coalesce(lic, m.license) AS license,
       m.downloads AS downloads, m.likes AS likes, toString(m.createdAt) AS createdAt,
       coalesce(m.stub, false) AS stub, coalesce(m.deleted, false) AS deleted,
       best.score AS bestScore, best.board AS bestBoard
