"""Leaderboards: models ranked by one metric of one evaluator on one dataset version, with rank groups."""
