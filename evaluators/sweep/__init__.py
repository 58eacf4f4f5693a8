"""Precision sweeps: the same evaluation at several numeric formats, compared with the first.

compare.py pairs two runs' per-sample records, run.py runs a sweep from the shell, and
commands.py is `python -m evaluators sweep-precision`. The platform's sweep stores one run per
format and compares them with the same functions.
"""
