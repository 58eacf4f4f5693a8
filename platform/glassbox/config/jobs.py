"""One way to hand work to the workers: a task's name and the id of the row it works on.

Apps name tasks by string so the web process never imports the task modules (or what they import).
The Celery app itself is imported only when a message leaves, for the same reason.
"""
from __future__ import annotations

from django.db import transaction


def enqueue(task_name: str, object_id: int | None = None, *, queue: str, **kwargs) -> None:
    """Send the task once the current transaction commits (at once outside one).

    A worker that received the id before the commit could find no row, or an old one; a
    transaction that rolls back sends nothing.
    """
    transaction.on_commit(lambda: send(task_name, object_id, queue=queue, **kwargs))


def send(task_name: str, object_id: int | None = None, *, queue: str, **kwargs) -> None:
    """Send the task now: for callers that already run after the commit (a sweep, a re-send)."""
    from workers.app import app

    options = {"kwargs": kwargs} if kwargs else {}
    app.send_task(task_name, args=[] if object_id is None else [object_id], queue=queue, **options)
