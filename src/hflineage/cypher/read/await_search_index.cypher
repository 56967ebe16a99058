// Wait until the search index is online (it populates in the background after `db init`).
// $seconds: int = 300 -- how long to wait before failing
CALL db.awaitIndex('search_names', $seconds)
