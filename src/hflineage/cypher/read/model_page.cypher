// One model's page: its facts, parents and children by relation, roots and contributors.
// $model: str -- a Hub model id (case-insensitive)
// returns: key, id, organization, architecture, parameters, parametersSource, parametersFlag, quantized, license, gated, createdAt, lastModified, deletedAt, downloads, likes, stub, deleted, parents, children, roots, contributors, ancestors, knownAncestors
// parents and children list {id, relation, stub} (ordered by relation, then id); roots the ids of
// the ancestors without parents; contributors {name, kind, isBot, commits, firstCommit, lastCommit}.
// quantized: a quantized DERIVED_FROM edge to a parent or the loader's quantizedStorage mark (its
// parameter count is then of packed storage); parametersFlag: the loader's suspect-count flag.
// ancestors: the declared ancestors up to 32 hops that are not deleted (licence_drift's pairs);
// knownAncestors: those of them whose licence category is known.
MATCH (m:Model {key: toLower($model)})
WITH m,
     head(COLLECT { MATCH (o:Organization)-[:PUBLISHED]->(m) RETURN o.name ORDER BY o.name }) AS org,
     head(COLLECT { MATCH (m)-[:HAS_ARCHITECTURE]->(a:Architecture) RETURN a.name ORDER BY a.name }) AS arch,
     head(COLLECT { MATCH (m)-[:LICENSED_UNDER]->(l:License) RETURN l.id ORDER BY l.id }) AS lic
RETURN m.key AS key, coalesce(m.id, m.key) AS id, coalesce(org, m.author) AS organization,
       arch AS architecture, m.parameters AS parameters, m.parametersSource AS parametersSource,
       m.parametersFlag AS parametersFlag,
       EXISTS { (m)-[:DERIVED_FROM {relation: 'quantized'}]->(:Model) }
         OR coalesce(m.quantizedStorage, false) AS quantized,
       coalesce(lic, m.license) AS license, toString(m.gated) AS gated,
       toString(m.createdAt) AS createdAt, toString(m.lastModified) AS lastModified,
       toString(m.deletedAt) AS deletedAt, m.downloads AS downloads, m.likes AS likes,
       coalesce(m.stub, false) AS stub, coalesce(m.deleted, false) AS deleted,
       COLLECT { MATCH (m)-[r:DERIVED_FROM]->(p:Model)
                 RETURN {id: coalesce(p.id, p.key), relation: coalesce(r.relation, 'unknown'),
                         stub: coalesce(p.stub, false)} AS parent
                 ORDER BY parent.relation, parent.id } AS parents,
       COLLECT { MATCH (m)<-[r:DERIVED_FROM]-(c:Model)
                 RETURN {id: coalesce(c.id, c.key), relation: coalesce(r.relation, 'unknown'),
                         stub: coalesce(c.stub, false)} AS child
                 ORDER BY child.relation, child.id } AS children,
       COLLECT { MATCH (m)-[:DERIVED_FROM]->{1,32}(r:Model) WHERE NOT (r)-[:DERIVED_FROM]->()
                 RETURN DISTINCT coalesce(r.id, r.key) AS root ORDER BY root } AS roots,
       COLLECT { MATCH (c:Contributor)-[k:COMMITTED_TO]->(m)
                 RETURN {name: c.name, kind: c.kind, isBot: coalesce(c.isBot, false),
                         commits: k.commits, firstCommit: toString(k.firstCommit),
                         lastCommit: toString(k.lastCommit)} AS contributor
                 ORDER BY contributor.commits DESC, contributor.kind, contributor.name } AS contributors,
       COUNT { MATCH (m)-[:DERIVED_FROM]->{1,32}(a:Model) WHERE NOT coalesce(a.deleted, false)
               RETURN DISTINCT a } AS ancestors,
       COUNT { MATCH (m)-[:DERIVED_FROM]->{1,32}(a:Model)-[:LICENSED_UNDER]->(l:License)
               WHERE NOT coalesce(a.deleted, false) AND l.category <> 'unknown'
               RETURN DISTINCT a } AS knownAncestors
