// Taken first by every batch transaction of a load: the write lock on the Schema node. Concurrent
// loads then queue batch by batch instead of deadlocking on each other's nodes and edges.
MATCH (s:Schema)
SET s.writeLock = true
