"""Precision sweeps on the platform: one evaluation at several numeric formats, the first the reference.

`services.start_sweep` stores a sweep and asks `evaluations.services.start_run` for one quality run
per format (an equal finished or in-flight run is reused, as for any request) and, given a prompts
dataset, one speed run per format. `queries.sweep_report` builds the sweep's comparison from the
stored runs with the shell sweep's own `evaluators.sweep.run.summarize_format`, so the page, the
API and `python -m evaluators sweep-precision` report the same figures the same way.
"""
