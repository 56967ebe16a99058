// Start of the crawl behind the last complete Hub load of the same scope (null if none).
// $scope: str -- the crawl's options but --since
// returns: since
MATCH (r:LoadRun {source: 'hub', status: 'complete', scope: $scope})
RETURN max(coalesce(r.crawlStartedAt, r.startedAt)) AS since
