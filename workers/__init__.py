"""Celery app and the thin tasks that bind evaluators to database rows.

`celery -A workers worker -Q gpu,default` serves everything on one host; a GPU host runs
`celery -A workers worker -Q gpu --concurrency 1`.
"""
from .app import app

__all__ = ["app"]
