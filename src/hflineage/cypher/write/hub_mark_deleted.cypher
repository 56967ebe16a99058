// Models the Hub answers 404 for: marked deleted (first detection date kept), edges kept.
// $rows: list -- {key, at}
UNWIND $rows AS row
MATCH (m:Model {key: row.key})
SET m.deleted = true, m.deletedAt = coalesce(m.deletedAt, datetime(row.at))
