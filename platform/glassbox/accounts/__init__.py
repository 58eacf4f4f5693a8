"""Who may do what: roles and the visibility of private models and datasets.

A small app of its own rather than a corner of `registry`: roles cut across every app (registry,
evaluations, leaderboards, transparency), so the one module that decides them (`roles.py`) sits
beside them instead of inside one, and the data migration that creates the role groups has an
app to live in. It has no tables: roles are Django groups, administrators are staff users.
"""
