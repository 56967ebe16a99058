// Baseline (a): create already-normalized model rows, no lookups, no merging.
// $rows: list -- flat model properties (one key per row)
UNWIND $rows AS row
CREATE (m:Model)
SET m = row
