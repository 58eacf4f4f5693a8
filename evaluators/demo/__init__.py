"""Demo models, corpora and data for the shell and the site's demo; not an evaluator."""
