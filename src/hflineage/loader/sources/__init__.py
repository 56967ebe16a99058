"""Where records come from: snapshot files, the Hub (client and resumable crawl), leaderboards."""
