// Remove up to $batch predicted edges (LIKELY_DERIVED_FROM); run until it removes fewer.
// $batch: int -- edges per transaction
// returns: removed
MATCH ()-[r:LIKELY_DERIVED_FROM]->()
WITH r LIMIT $batch
DELETE r
RETURN count(*) AS removed
