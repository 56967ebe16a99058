// Models described, or scored, under older normalization rules: their record version or
// leaderboard rank carries another rules tag than $rules.
// $rules: str -- the current rules tag, e.g. 'r002'
// returns: stale
MATCH (m:Model)
WHERE (m.recordVersion IS NOT NULL AND NOT m.recordVersion CONTAINS ('|' + $rules + '|'))
   OR (m.leaderboardRank IS NOT NULL AND NOT m.leaderboardRank CONTAINS ('|' + $rules + '|'))
RETURN count(m) AS stale
