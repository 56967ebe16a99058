// Baseline (a): create already-normalized model rows, no lookups, no merging. Dates come as ISO
// text parsed by Cypher, as the loader sends them (the driver's own datetime encoding is about
// ten times slower and would dominate the baseline).
// $rows: list -- flat model properties (one key per row), createdAt and lastModified as text
UNWIND $rows AS row
CREATE (m:Model)
SET m = row,
    m.createdAt = datetime(row.createdAt),
    m.lastModified = datetime(row.lastModified)
