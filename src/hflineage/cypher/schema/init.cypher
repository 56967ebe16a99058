// Constraints and indexes of the hflineage graph model, created idempotently before any load.
// Node keys are case-folded (`key`) because Hub ids and names are case-insensitive.
CREATE CONSTRAINT model_key IF NOT EXISTS FOR (m:Model) REQUIRE m.key IS UNIQUE;
CREATE INDEX model_id IF NOT EXISTS FOR (m:Model) ON (m.id);
CREATE INDEX model_created IF NOT EXISTS FOR (m:Model) ON (m.createdAt);
CREATE INDEX model_stub IF NOT EXISTS FOR (m:Model) ON (m.stub);
CREATE INDEX model_model_type IF NOT EXISTS FOR (m:Model) ON (m.modelType);
CREATE CONSTRAINT organization_key IF NOT EXISTS FOR (o:Organization) REQUIRE o.key IS UNIQUE;
CREATE CONSTRAINT contributor_key IF NOT EXISTS FOR (c:Contributor) REQUIRE c.key IS UNIQUE;
CREATE CONSTRAINT architecture_name IF NOT EXISTS FOR (a:Architecture) REQUIRE a.name IS UNIQUE;
CREATE CONSTRAINT license_id IF NOT EXISTS FOR (l:License) REQUIRE l.id IS UNIQUE;
CREATE CONSTRAINT dataset_key IF NOT EXISTS FOR (d:Dataset) REQUIRE d.key IS UNIQUE;
CREATE CONSTRAINT benchmark_key IF NOT EXISTS FOR (b:Benchmark) REQUIRE b.key IS UNIQUE;
CREATE CONSTRAINT loadrun_id IF NOT EXISTS FOR (r:LoadRun) REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT schema_version IF NOT EXISTS FOR (s:Schema) REQUIRE s.version IS UNIQUE;
CREATE CONSTRAINT graph_epoch_id IF NOT EXISTS FOR (e:GraphEpoch) REQUIRE e.id IS UNIQUE;
CREATE INDEX derived_relation IF NOT EXISTS FOR ()-[d:DERIVED_FROM]-() ON (d.relation);
// Search (the explorer's `/`): model ids and organization, architecture and contributor names,
// case-insensitive (the default analyzer lowercases). It populates in the background.
CREATE FULLTEXT INDEX search_names IF NOT EXISTS
FOR (n:Model|Organization|Architecture|Contributor) ON EACH [n.id, n.name]
