"""Events, their dispatch to subscribers, and leaderboards."""
