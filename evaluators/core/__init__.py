"""The machinery every evaluator shares: the spec, metric and run-context contract, the
registry, datasets, statistics and paired tests, resumable groups, model loading and
inspection, limits and memory estimates, and the CLI runner. Importing it stays light."""
