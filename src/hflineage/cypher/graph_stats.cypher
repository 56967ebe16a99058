// Graph statistics: nodes per label, relationships per type, stub and deleted models, load runs and rejects.
// returns: kind, name, count
// Label and type counts come from Neo4j's count store, so this is instant on any size.
CALL () {
  MATCH (n:Model) RETURN 'label' AS kind, 'Model' AS name, count(n) AS count
  UNION ALL MATCH (n:Organization) RETURN 'label' AS kind, 'Organization' AS name, count(n) AS count
  UNION ALL MATCH (n:Contributor) RETURN 'label' AS kind, 'Contributor' AS name, count(n) AS count
  UNION ALL MATCH (n:Architecture) RETURN 'label' AS kind, 'Architecture' AS name, count(n) AS count
  UNION ALL MATCH (n:License) RETURN 'label' AS kind, 'License' AS name, count(n) AS count
  UNION ALL MATCH (n:Dataset) RETURN 'label' AS kind, 'Dataset' AS name, count(n) AS count
  UNION ALL MATCH (n:Benchmark) RETURN 'label' AS kind, 'Benchmark' AS name, count(n) AS count
  UNION ALL MATCH (n:LoadRun) RETURN 'label' AS kind, 'LoadRun' AS name, count(n) AS count
  UNION ALL MATCH (n:Schema) RETURN 'label' AS kind, 'Schema' AS name, count(n) AS count
  UNION ALL MATCH ()-[r:PUBLISHED]->() RETURN 'relationship' AS kind, 'PUBLISHED' AS name, count(r) AS count
  UNION ALL MATCH ()-[r:COMMITTED_TO]->() RETURN 'relationship' AS kind, 'COMMITTED_TO' AS name, count(r) AS count
  UNION ALL MATCH ()-[r:HAS_ARCHITECTURE]->() RETURN 'relationship' AS kind, 'HAS_ARCHITECTURE' AS name, count(r) AS count
  UNION ALL MATCH ()-[r:DERIVED_FROM]->() RETURN 'relationship' AS kind, 'DERIVED_FROM' AS name, count(r) AS count
  UNION ALL MATCH ()-[r:LICENSED_UNDER]->() RETURN 'relationship' AS kind, 'LICENSED_UNDER' AS name, count(r) AS count
  UNION ALL MATCH ()-[r:TRAINED_ON]->() RETURN 'relationship' AS kind, 'TRAINED_ON' AS name, count(r) AS count
  UNION ALL MATCH ()-[r:SCORED]->() RETURN 'relationship' AS kind, 'SCORED' AS name, count(r) AS count
  UNION ALL MATCH (m:Model) WHERE m.stub = true RETURN 'models' AS kind, 'stub' AS name, count(m) AS count
  UNION ALL MATCH (m:Model) WHERE m.deleted = true RETURN 'models' AS kind, 'deleted' AS name, count(m) AS count
  UNION ALL MATCH (r:LoadRun) RETURN 'loadRuns' AS kind, r.status AS name, count(r) AS count
  UNION ALL MATCH (r:LoadRun) RETURN 'loadRuns' AS kind, 'recordsIn' AS name, sum(r.recordsIn) AS count
  UNION ALL MATCH (r:LoadRun) RETURN 'loadRuns' AS kind, 'loaded' AS name, sum(r.loaded) AS count
  UNION ALL MATCH (r:LoadRun) RETURN 'loadRuns' AS kind, 'rejected' AS name, sum(r.rejected) AS count
}
RETURN kind, name, count
