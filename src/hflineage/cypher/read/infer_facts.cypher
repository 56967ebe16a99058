// What parent inference (hflineage infer) knows about every live model: its name, dates,
// fingerprints, evidence and declared parents. Predicted edges are never read back.
// returns: key, id, stub, created (epoch milliseconds or null), modelType, library,
//   architectures, tags (without base_model tags), files, hints, size, root, parents, declares
// parents lists [parentKey, relation] per declared DERIVED_FROM edge to a live model; root is
// the v2 leaderboard's root ancestor (rootModel), size the parameter count the name states;
// declares is true when the model declares any parent, even one deleted since.
MATCH (m:Model)
WHERE NOT coalesce(m.deleted, false)
RETURN m.key AS key, m.id AS id, coalesce(m.stub, false) AS stub,
       m.createdAt.epochMillis AS created, m.modelType AS modelType, m.libraryName AS library,
       [(m)-[:HAS_ARCHITECTURE]->(a:Architecture) | a.name] AS architectures,
       [t IN coalesce(m.tags, []) WHERE NOT t STARTS WITH 'base_model:'] AS tags,
       m.fileEvidence AS files, m.cardHints AS hints, m.nameParameters AS size,
       m.rootModel AS root,
       [(m)-[e:DERIVED_FROM]->(p:Model) WHERE NOT coalesce(p.deleted, false)
        | [p.key, e.relation]] AS parents,
       EXISTS { (m)-[:DERIVED_FROM]->() } AS declares
