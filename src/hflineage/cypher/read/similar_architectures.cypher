// Architecture names, the candidates for "did you mean" (there are few, so all of them).
// returns: name
MATCH (a:Architecture)
RETURN a.name AS name
LIMIT 20000
