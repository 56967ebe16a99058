// Whether a named query's anchors are in the graph: one seek of the key index each.
// $model: str = null -- a Hub model id; null when the query has no $model
// $org: str = null -- an organization or user name; null when the query has no $org
// returns: model, org
RETURN EXISTS { MATCH (:Model {key: toLower($model)}) } AS model,
       EXISTS { MATCH (:Organization {key: toLower($org)}) } AS org
