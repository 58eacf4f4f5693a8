"""Celery tasks of runs: each takes ids, accepts **kwargs, and hands the work to glassbox.evaluations.execution."""
from __future__ import annotations

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from glassbox.evaluations import execution

from .app import app


@app.task(queue="gpu", acks_late=True, reject_on_worker_lost=True,
          soft_time_limit=settings.GLASSBOX_RUN_TIME_LIMIT, time_limit=settings.GLASSBOX_RUN_TIME_LIMIT + 60)
def run_evaluation(run_id: int, only_if_queued: bool = False, **kwargs) -> None:
    # **kwargs: a task queued by an older release must not fail after a deploy.
    try:
        execution.execute(run_id, only_if_queued=only_if_queued)
    except SoftTimeLimitExceeded:
        execution.fail(run_id, f"the run took longer than its limit of {settings.GLASSBOX_RUN_TIME_LIMIT} s "
                               "(GLASSBOX_RUN_TIME_LIMIT); try a smaller dataset or a faster worker")


@app.task(queue="default", acks_late=True)
def requeue_stale_runs(**kwargs) -> list[int]:
    """Beat runs this: runs whose worker vanished are queued again and resume."""
    return execution.requeue_stale()
