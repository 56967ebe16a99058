// Flag parameter counts that are not to be trusted as real points: below 10M, or more than 10x
// away from the size the name states (nameParameters) or from the other source's count
// (safetensors against the leaderboard's #Params). Null when the count looks sound. Compared in
// floats, so a count near the 64-bit limit cannot overflow.
// $keys: list -- keys of the models whose count was just written
UNWIND $keys AS key
MATCH (m:Model {key: key})
WITH m, m.parameters AS p, m.nameParameters AS named,
     CASE WHEN m.parametersSource = 'safetensors' THEN m.leaderboardParameters END AS other
SET m.parametersFlag = CASE
  WHEN p IS NULL THEN null
  WHEN p < 10000000 THEN 'below-10M'
  WHEN named IS NOT NULL AND (p > 10.0 * named OR 10.0 * p < named) THEN 'disagrees-with-name'
  WHEN other IS NOT NULL AND (p > 10.0 * other OR 10.0 * p < other) THEN 'disagrees-with-leaderboard'
END
