// Models described so far (not stubs): the progress of a load stopped at its deadline.
// returns: n
MATCH (m:Model) WHERE m.stub = false
RETURN count(m) AS n
