// When the crawl behind a Hub LoadRun started: `--since last` starts from there.
// $id: str -- LoadRun id
// $at: str -- ISO-8601 start of the crawl
// $scope: str -- the crawl's options but --since
MATCH (r:LoadRun {id: $id})
SET r.crawlStartedAt = datetime($at), r.scope = $scope
