// Models described, or scored, under older normalization rules: their records carry another
// rules version than $rules (the prefix of recordVersion, and of each leaderboard rank).
// $rules: str -- the current rules prefix, e.g. 'r2|'
// returns: stale
MATCH (m:Model)
WHERE (m.recordVersion IS NOT NULL AND NOT m.recordVersion STARTS WITH $rules)
   OR (m.leaderboardRank IS NOT NULL AND NOT m.leaderboardRank CONTAINS ('|' + $rules))
RETURN count(m) AS stale
