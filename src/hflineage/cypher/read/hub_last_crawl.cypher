// Start of the crawl behind the last complete Hub load of the same scope (null if none).
// $scope: str -- the crawl's options without --since/--limit/--with-commits
// returns: since
MATCH (r:LoadRun {source: 'hub', status: 'complete', scope: $scope})
RETURN max(coalesce(r.crawlStartedAt, r.startedAt)) AS since
