// Explorer latency: the size of the graph the pages read.
// returns: described, stubs, deleted, derivedFrom, organizations, contributors, commits, committedTo, scored
// commits sums the commit counts on COMMITTED_TO (one relationship per contributor and model).
RETURN COUNT { MATCH (m:Model) WHERE m.stub = false } AS described,
       COUNT { MATCH (m:Model) WHERE m.stub = true } AS stubs,
       COUNT { MATCH (m:Model) WHERE m.deleted = true } AS deleted,
       COUNT { MATCH ()-[:DERIVED_FROM]->() } AS derivedFrom,
       COUNT { MATCH (:Organization) } AS organizations,
       COUNT { MATCH (:Contributor) } AS contributors,
       COLLECT { MATCH ()-[k:COMMITTED_TO]->() RETURN sum(k.commits) }[0] AS commits,
       COUNT { MATCH ()-[:COMMITTED_TO]->() } AS committedTo,
       COUNT { MATCH ()-[:SCORED]->() } AS scored
