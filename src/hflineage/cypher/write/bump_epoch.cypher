// Bump the graph epoch after `db reset` or `db restore`: one GraphEpoch node, its epoch raised past both its own value and $atLeast, and a fresh token.
// $atLeast: int -- the epoch read before the graph was wiped or replaced (0 if unknown)
// returns: epoch
MERGE (e:GraphEpoch {id: 'graph'})
WITH e, coalesce(e.epoch, 0) AS held
SET e.epoch = CASE WHEN held >= $atLeast THEN held ELSE $atLeast END + 1,
    e.token = randomUUID(), e.bumpedAt = datetime()
RETURN e.epoch AS epoch
