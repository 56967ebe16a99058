// Details of the given models for lineage graphs: organization, architecture, size, licence, counts, best leaderboard Average.
// $keys: list[str] -- Hub model ids (case-insensitive)
// returns: key, id, organization, architecture, parameters, license, downloads, likes, createdAt, stub, deleted, bestScore, bestBoard
// Optional properties are read through properties(), so a graph that lacks one (say, before any
// leaderboard is loaded) draws without "property key does not exist" warnings.
UNWIND $keys AS k
MATCH (m:Model {key: toLower(k)})
WITH m, properties(m) AS p,
     head(COLLECT { MATCH (o:Organization)-[:PUBLISHED]->(m) WITH properties(o).name AS name
                    RETURN name ORDER BY name }) AS org,
     head(COLLECT { MATCH (m)-[:HAS_ARCHITECTURE]->(a:Architecture) WITH properties(a).name AS name
                    RETURN name ORDER BY name }) AS arch,
     head(COLLECT { MATCH (m)-[:LICENSED_UNDER]->(l:License) WITH properties(l).id AS id
                    RETURN id ORDER BY id }) AS lic,
     head(COLLECT { MATCH (m)-[s:SCORED]->(b:Benchmark)
                    WITH properties(s) AS score, properties(b) AS bench
                    WHERE bench.name = 'Average'
                    RETURN {score: score.score, board: bench.leaderboard}
                    ORDER BY bench.leaderboard DESC, score.score DESC }) AS best
RETURN m.key AS key, coalesce(p.id, m.key) AS id, coalesce(org, p.author) AS organization,
       arch AS architecture, p.parameters AS parameters, coalesce(lic, p.license) AS license,
       p.downloads AS downloads, p.likes AS likes, toString(p.createdAt) AS createdAt,
       coalesce(p.stub, false) AS stub, coalesce(p.deleted, false) AS deleted,
       best.score AS bestScore, best.board AS bestBoard
