// Details of the given models for subgraphs (lineage pages, the report): organization, architecture, size, licence, counts, leaderboard Average per board.
// $keys: list[str] -- Hub model ids (case-insensitive)
// $benchmark: enum(Average|ARC|HellaSwag|MMLU|TruthfulQA|Winogrande|GSM8K|IFEval|BBH|MATH Lvl 5|GPQA|MUSR|MMLU-PRO) = 'Average' -- the benchmark whose scores are shown
// returns: key, id, organization, architecture, parameters, license, downloads, likes, createdAt, stub, deleted, quantizedStorage, scores
// quantizedStorage: the loader found the parameter count is of packed (quantized) storage.
// scores lists the model's score on each leaderboard ({leaderboard, score}, v1 first); boards are never mixed.
UNWIND $keys AS k
MATCH (m:Model {key: toLower(k)})
WITH m,
     head(COLLECT { MATCH (o:Organization)-[:PUBLISHED]->(m) RETURN o.name ORDER BY o.name }) AS org,
     head(COLLECT { MATCH (m)-[:HAS_ARCHITECTURE]->(a:Architecture) RETURN a.name ORDER BY a.name }) AS arch,
     head(COLLECT { MATCH (m)-[:LICENSED_UNDER]->(l:License) RETURN l.id ORDER BY l.id }) AS lic,
     COLLECT { MATCH (m)-[s:SCORED]->(b:Benchmark {name: $benchmark})
               RETURN {leaderboard: b.leaderboard, score: s.score}
               ORDER BY b.leaderboard, s.score DESC } AS scores
RETURN m.key AS key, coalesce(m.id, m.key) AS id, coalesce(org, m.author) AS organization,
       arch AS architecture, m.parameters AS parameters, coalesce(lic, m.license) AS license,
       m.downloads AS downloads, m.likes AS likes, toString(m.createdAt) AS createdAt,
       coalesce(m.stub, false) AS stub, coalesce(m.deleted, false) AS deleted,
       coalesce(m.quantizedStorage, false) AS quantizedStorage, scores
