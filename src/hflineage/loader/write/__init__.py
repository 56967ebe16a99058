"""Rows → Neo4j: the stage runner (LoadRun, rejects), the online and bulk writers behind one
``Writer`` protocol, Hub event writes and leaderboard scores."""
